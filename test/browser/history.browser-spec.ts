/** The 操作记录 of a form saved many times: one row per run of saves, the review's words in full (Debian Chromium). */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Browser } from 'playwright-core';
import { ApiProcess } from '../support/api-process.js';
import { ApiClient } from '../support/api-client.js';
import { BrowserUser, LAN_HOST, freshScreenshots, launchBrowser, endBrowserSuite } from '../support/browser.js';
import { newMediaForm } from '../support/forms.js';

const SHOTS = 'history';
const SAVES = 15;

describe('The 操作记录 of a form saved many times', () => {
  const api = new ApiProcess();
  let browser: Browser;
  let user: BrowserUser;
  let id: string;

  beforeAll(async () => {
    await api.start();
    freshScreenshots(SHOTS);
    const [drafter, reviewer] = await Promise.all(['drafter', 'reviewer'].map((u) => ApiClient.login(api.baseUrl, u)));
    const created = await drafter.post('/api/evaluations', newMediaForm({ projectName: '反复保存的项目' }));
    id = created.body.id;
    let version = created.body.version;
    for (let i = 1; i <= SAVES; i++) {
      version = (await drafter.put(`/api/evaluations/${id}`, { ...newMediaForm({ projectName: '反复保存的项目', projectLead: `负责人${i}` }), expectedVersion: version })).body.version;
    }
    expect((await drafter.post(`/api/evaluations/${id}/submit`, { expectedVersion: version })).status).toBe(200);
    expect((await reviewer.post(`/api/evaluations/${id}/return`, { expectedVersion: version + 1, comments: [{ target: 'projectName', text: '项目名称应与预算批复一致' }] })).status).toBe(200);
    browser = await launchBrowser();
    user = await BrowserUser.open(browser, 'drafter', `http://${LAN_HOST}:${new URL(api.baseUrl).port}`);
  }, 120_000);

  afterAll(() => endBrowserSuite(api, browser, [user]));

  it('shows the 15 saves as one row, then the submission and the return with its comment', async () => {
    await user.login('drafter');
    await user.page.goto(`/#/evaluations/${id}?tab=history`);
    const history = user.page.locator('table').filter({ hasText: '版本号' });
    await history.getByText('退回').waitFor();
    const rows = await history.locator('tbody tr').allInnerTexts();
    // Columns: 版本号, 时间, 操作人, 操作, 说明.
    const cells = rows.map((r) => r.split('\t').map((c) => c.trim()));
    expect(cells.map((c) => [c[0], c[3], c[4]])).toEqual([
      ['1', '创建草稿', ''],
      [`2–${SAVES + 1}`, '修改', `连续保存 ${SAVES} 次`],
      [`${SAVES + 2}`, '提交', '提交审核'],
      [`${SAVES + 3}`, '退回', '项目名称：项目名称应与预算批复一致'],
    ]);
    expect(cells[1][1]).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2} – (\d{4}-\d{2}-\d{2} )?\d{2}:\d{2}$/); // within one day: the end's time only
    await user.shot(SHOTS, 'saves-collapsed', false);
  });
});
