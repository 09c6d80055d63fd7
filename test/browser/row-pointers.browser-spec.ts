/// <reference lib="dom" />
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Browser } from 'playwright-core';
import { ApiProcess } from '../support/api-process.js';
import { ApiClient } from '../support/api-client.js';
import { BrowserUser, LAN_HOST, freshScreenshots, launchBrowser, until, endBrowserSuite } from '../support/browser.js';
import { newMediaForm } from '../support/forms.js';
import { evidence } from '../support/evidence-files.js';

const SHOTS = 'row-pointers';

/**
 * A drafter reworks a returned form by adding an indicator and moving it to the top: the reviewer's comment
 * on 读者满意度 and its questionnaire stay with 读者满意度, now row 5, after the save.
 */
describe('A returned form reworked in the browser: comments and evidence stay with their rows', () => {
  const api = new ApiProcess();
  let browser: Browser;
  let drafter: BrowserUser;
  let id: string;

  beforeAll(async () => {
    await api.start();
    freshScreenshots(SHOTS);
    browser = await launchBrowser();
    const [drafterApi, reviewerApi] = await Promise.all(['drafter', 'reviewer'].map((u) => ApiClient.login(api.baseUrl, u)));
    id = (await drafterApi.post('/api/evaluations', newMediaForm())).body.id;
    expect((await drafterApi.upload(`/api/evaluations/${id}/attachments?target=indicators[3]`, evidence.pdf(20_000), '满意度问卷.pdf')).status).toBe(201);
    expect((await drafterApi.post(`/api/evaluations/${id}/submit`, { expectedVersion: 2 })).status).toBe(200);
    const returned = await reviewerApi.post(`/api/evaluations/${id}/return`, { expectedVersion: 3, comments: [{ target: 'indicators[3]', text: '满意度调查的样本量请说明' }] });
    expect(returned.status).toBe(200);
    drafter = await BrowserUser.open(browser, 'drafter', `http://${LAN_HOST}:${new URL(api.baseUrl).port}`);
  }, 90_000);

  afterAll(() => endBrowserSuite(api, browser));

  /** The 三级指标 of the row a comment row follows, and the comment's text. */
  const inlineComments = (page: BrowserUser['page']) =>
    page.locator('tr.comment-row').evaluateAll((rows) =>
      rows.map((r) => [(r.previousElementSibling?.querySelector('[data-path$=".name"]') as HTMLTextAreaElement | HTMLInputElement | null)?.value ?? r.previousElementSibling?.textContent, r.textContent]),
    );

  it('adds a row, moves it to the top, saves: the comment and the evidence are still on 读者满意度', async () => {
    await drafter.login('drafter');
    const page = drafter.page;
    await page.goto(`/#/evaluations/${id}`);
    await page.locator('tr.comment-row').waitFor();
    expect(await inlineComments(page)).toEqual([['读者满意度', '退回意见满意度调查的样本量请说明']]);

    await page.getByRole('button', { name: '＋ 添加指标' }).click();
    await page.locator('[data-path="indicators[4].level1"]').fill('产出指标');
    await page.locator('[data-path="indicators[4].level2"]').fill('时效指标');
    await page.locator('[data-path="indicators[4].name"]').fill('按期发布率');
    for (let row = 5; row > 1; row--) await page.getByRole('button', { name: `第 ${row} 行上移` }).click();
    expect(await page.locator('[data-path="indicators[0].name"]').inputValue()).toBe('按期发布率');
    // Before the save too: the comment and the evidence mark moved down with their row.
    expect(await inlineComments(page)).toEqual([['读者满意度', '退回意见满意度调查的样本量请说明']]);
    await page.locator('tr.ind-row[data-path="indicators[4]"] .evidence-count').waitFor();
    expect(await page.locator('.evidence-count').count()).toBe(1);
    // Rows numbered as saved and as shown differ until the save: no upload for a row meanwhile.
    expect(await page.locator('.evidence-add').count()).toBe(0);
    const evidenceSection = page.getByRole('region', { name: '佐证材料' });
    await evidenceSection.getByLabel('佐证材料所属').selectOption({ index: 1 });
    await evidenceSection.getByLabel('选择要上传的佐证材料').setInputFiles({ name: '签到表.pdf', mimeType: 'application/pdf', buffer: evidence.pdf(5_000) });
    await page.getByText('指标行有未保存的添加、移动或删除，请先保存').waitFor();
    expect(await evidenceSection.locator('tr[data-attachment]').count()).toBe(1);
    await drafter.shot(SHOTS, 'moved-before-save', false);
    await page.getByRole('button', { name: '保存', exact: true }).click();
    await until(page, 'the saved form shown again', async () => (await page.locator('.head-meta').textContent())?.includes('版本号 5') ?? false);

    await page.locator('tr.comment-row').waitFor();
    expect(await inlineComments(page)).toEqual([['读者满意度', '退回意见满意度调查的样本量请说明']]);
    expect(await page.locator('tr.ind-row[data-path="indicators[4]"] + tr.comment-row').count()).toBe(1);
    await page.getByRole('button', { name: /第 5 行 · 读者满意度：1 个佐证材料/ }).waitFor();
    // Saved: every row offers its upload again.
    expect(await page.locator('.evidence-add').count()).toBe(4);
    const files = page.getByRole('region', { name: '佐证材料' }).locator('tr[data-attachment]');
    expect(await files.innerText()).toContain('绩效指标第 5 行');
    // The sidebar's list of the return's comments names the row where it is now.
    expect(await page.locator('.sidebar .comments').innerText()).toContain('绩效指标第 5 行');
    await page.locator('tr.ind-row[data-path="indicators[4]"]').scrollIntoViewIfNeeded();
    await drafter.shot(SHOTS, 'comment-followed-row', false);
    expect(drafter.errors).toEqual([]);
  });
});
