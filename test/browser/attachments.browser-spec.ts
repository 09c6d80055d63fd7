/** 佐证材料 in the web app: a drafter attaches a PDF to an indicator row, sees it, opens it, keeps editing; a reviewer reads it. */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Browser } from 'playwright-core';
import { ApiProcess } from '../support/api-process.js';
import { ApiClient } from '../support/api-client.js';
import { BrowserUser, LAN_HOST, freshScreenshots, launchBrowser, until, endBrowserSuite } from '../support/browser.js';
import { newMediaForm } from '../support/forms.js';
import { evidence } from '../support/evidence-files.js';

const SHOTS = 'attachments';

describe('Evidence files in the web app (Debian Chromium)', () => {
  const api = new ApiProcess();
  let browser: Browser;
  let base: string;
  let drafterApi: ApiClient;
  const people: BrowserUser[] = [];

  async function person(name: string): Promise<BrowserUser> {
    const user = await BrowserUser.open(browser, name, base);
    people.push(user);
    return user;
  }

  beforeAll(async () => {
    await api.start();
    freshScreenshots(SHOTS);
    browser = await launchBrowser();
    base = `http://${LAN_HOST}:${new URL(api.baseUrl).port}`;
    drafterApi = await ApiClient.login(api.baseUrl, 'drafter');
  }, 90_000);

  afterAll(() => endBrowserSuite(api, browser, people));

  it('lets the drafter upload a PDF for row 1, list it, open it, delete another with confirmation, and keep saving; the reviewer reads it', async () => {
    const created = await drafterApi.post('/api/evaluations', newMediaForm({ projectName: '佐证材料演示项目' }));
    expect(created.status).toBe(201);
    const id = created.body.id as string;
    const pdf = evidence.pdf(180_000);

    const u = await person('drafter');
    await u.page.goto('/#/login');
    await u.login('drafter');
    await u.page.goto(`/#/evaluations/${id}`);
    const section = u.page.getByRole('region', { name: '佐证材料' });
    await section.getByText('尚未上传佐证材料').waitFor();

    // Row 1, then the file: uploaded at once.
    await section.getByLabel('佐证材料所属').selectOption({ label: '绩效指标第 1 行 · 讲题策划、推进会' });
    await section.getByLabel('选择要上传的佐证材料').setInputFiles({ name: '讲题策划推进会签到表（2021）.pdf', mimeType: 'application/pdf', buffer: pdf });
    const listed = section.getByRole('button', { name: '讲题策划推进会签到表（2021）.pdf', exact: true });
    await listed.waitFor();
    const row = section.locator('tr[data-attachment]').first();
    expect(await row.innerText()).toMatch(/讲题策划推进会签到表（2021）\.pdf\s*PDF\s+绩效指标第 1 行\s+176 KB\s+填报人（演示）\s+\d{4}-\d{2}-\d{2} \d{2}:\d{2}/);
    await u.page.getByRole('button', { name: /第 1 行 · 讲题策划、推进会：1 个佐证材料/ }).waitFor();
    await u.shot(SHOTS, 'row-1-evidence');

    // Opening it gives back the very bytes, under the Chinese name.
    const [download] = await Promise.all([u.page.waitForEvent('download'), listed.click()]);
    expect(download.suggestedFilename()).toBe('讲题策划推进会签到表（2021）.pdf');
    expect(Buffer.compare(readFileSync((await download.path())!), pdf)).toBe(0);

    // A second file for the whole form, then deleted after confirming.
    await section.getByLabel('佐证材料所属').selectOption({ label: '整张表' });
    await section.getByLabel('选择要上传的佐证材料').setInputFiles({ name: '现场照片.png', mimeType: 'image/png', buffer: evidence.png() });
    await section.getByRole('button', { name: '现场照片.png', exact: true }).waitFor();
    expect(await section.locator('tr[data-attachment]').count()).toBe(2);
    await section.getByRole('button', { name: '删除 现场照片.png' }).click();
    const confirm = u.page.getByRole('dialog');
    await confirm.getByText('确定删除“现场照片.png”吗？').waitFor();
    await u.shot(SHOTS, 'confirm-delete', false);
    await confirm.getByRole('button', { name: '删除' }).click();
    await until(u.page, 'the deleted file leaves the list', async () => (await section.locator('tr[data-attachment]').count()) === 1);

    // The editor keeps saving after both: the version it holds moved with them.
    await u.page.getByLabel('项目负责人').fill('李四');
    await u.page.getByRole('button', { name: '保存', exact: true }).click();
    await u.page.getByText('已保存').waitFor();
    const saved = (await drafterApi.get(`/api/evaluations/${id}`)).body;
    expect([saved.form.projectLead, saved.version]).toEqual(['李四', 5]);
    await section.getByRole('button', { name: '讲题策划推进会签到表（2021）.pdf', exact: true }).waitFor();
    await u.shot(SHOTS, 'after-save');

    // The history names each upload and removal with the file.
    await u.page.getByRole('link', { name: '操作记录' }).click();
    const history = u.page.locator('table').filter({ hasText: '版本号' });
    await history.getByText('删除佐证材料').waitFor();
    const rows = await history.locator('tbody tr').allInnerTexts();
    // Columns: 版本号, 时间, 操作人, 操作, 说明.
    expect(rows.map((r) => r.split('\t').slice(3).map((c) => c.trim()))).toEqual([
      ['创建草稿', ''],
      ['上传佐证材料', '讲题策划推进会签到表（2021）.pdf（绩效指标第 1 行，176 KB）'],
      ['上传佐证材料', '现场照片.png（整张表，20 KB）'],
      ['删除佐证材料', '现场照片.png（整张表，20 KB）'],
      ['修改', ''],
    ]);
    await u.shot(SHOTS, 'history', false);
    await u.page.getByRole('link', { name: '自评表', exact: true }).click();
    await section.getByRole('button', { name: '讲题策划推进会签到表（2021）.pdf', exact: true }).waitFor();

    // A renamed program is refused with the reason.
    u.expectConsoleError(/status of 415/);
    await section.getByLabel('选择要上传的佐证材料').setInputFiles({ name: '自评报告.pdf', mimeType: 'application/pdf', buffer: evidence.exe() });
    await u.page.getByText(/佐证材料只接受 PDF/).waitFor();
    await u.shot(SHOTS, 'renamed-exe-refused', false);
    expect(await section.locator('tr[data-attachment]').count()).toBe(1);
    await u.close();

    // Submitted: the reviewer sees the evidence and the row's count, and nothing to change it with.
    const submitted = await drafterApi.post(`/api/evaluations/${id}/submit`, { expectedVersion: saved.version });
    expect(submitted.status).toBe(200);
    const r = await person('reviewer');
    await r.page.goto('/#/login');
    await r.login('reviewer');
    await r.page.goto(`/#/evaluations/${id}`);
    const seen = r.page.getByRole('region', { name: '佐证材料' });
    await seen.getByRole('button', { name: '讲题策划推进会签到表（2021）.pdf', exact: true }).waitFor();
    await r.page.getByRole('button', { name: /第 1 行 · 讲题策划、推进会：1 个佐证材料/ }).waitFor();
    expect(await seen.getByLabel('选择要上传的佐证材料').count()).toBe(0);
    expect(await seen.getByRole('button', { name: /^删除 / }).count()).toBe(0);
    const [again] = await Promise.all([r.page.waitForEvent('download'), seen.getByRole('button', { name: '讲题策划推进会签到表（2021）.pdf', exact: true }).click()]);
    expect(Buffer.compare(readFileSync((await again.path())!), pdf)).toBe(0);
    await r.page.getByRole('heading', { name: '绩效指标' }).scrollIntoViewIfNeeded();
    await r.shot(SHOTS, 'reviewer-read-only', false);
    await r.close();
  });
});
