/// <reference lib="dom" />
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Browser, Page } from 'playwright-core';
import { ApiProcess } from '../support/api-process.js';
import { ApiClient } from '../support/api-client.js';
import { BrowserUser, LAN_HOST, freshScreenshots, launchBrowser, until, endBrowserSuite } from '../support/browser.js';
import { newMediaForm } from '../support/forms.js';

const SHOTS = 'review-chain';
const SAMPLE_UNIT = '北京市关心下一代工作委员会办公室';
const EVIDENCE = Buffer.from('%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n', 'latin1');

/**
 * Issue 11's journey in the browser: a form of the sample unit, whose chain is 单位审核 → 主管部门审核, travels
 * the two steps with evidence attached, 核查分 recorded and, after a return, the changes shown to the reviewer.
 */
describe('The two-step review chain in the browser: evidence, 核查分, the diff, withdraw', () => {
  const api = new ApiProcess();
  let browser: Browser;
  let drafter: BrowserUser;
  let reviewer: BrowserUser;
  let deptReviewer: BrowserUser;
  let manager: BrowserUser;
  let id: string;

  beforeAll(async () => {
    await api.start();
    freshScreenshots(SHOTS);
    browser = await launchBrowser();
    const [drafterApi, admin] = await Promise.all(['drafter', 'admin'].map((u) => ApiClient.login(api.baseUrl, u)));
    const unit = (await admin.get('/api/units')).body.find((u: { name: string }) => u.name === SAMPLE_UNIT);
    expect((await admin.patch(`/api/units/${unit.id}`, { reviewChain: ['unit', 'department'] })).status).toBe(200);
    id = (await drafterApi.post('/api/evaluations', newMediaForm({ projectName: '两级审核演示项目' }))).body.id;
    const base = `http://${LAN_HOST}:${new URL(api.baseUrl).port}`;
    [drafter, reviewer, deptReviewer, manager] = await Promise.all(['drafter', 'reviewer', 'dept-reviewer', 'manager'].map((u) => BrowserUser.open(browser, u, base)));
  }, 90_000);

  afterAll(() => endBrowserSuite(api, browser));

  const open = async (u: BrowserUser, username: string) => {
    await u.login(username);
    await u.page.goto(`/#/evaluations/${id}`);
    await u.page.locator('h1', { hasText: '两级审核演示项目' }).waitFor();
  };
  const dialogButton = (page: Page, name: string) => page.getByRole('dialog').getByRole('button', { name, exact: true });
  const headText = (page: Page) => page.locator('.head-meta').textContent();

  it('drafter attaches evidence to row 3, submits, withdraws and submits again', async () => {
    await open(drafter, 'drafter');
    const page = drafter.page;
    const evidence = page.getByRole('region', { name: '佐证材料' });
    await evidence.getByLabel('佐证材料所属').selectOption('indicators[2]');
    await evidence.getByLabel('选择要上传的佐证材料').setInputFiles({ name: '传播效果统计（2021）.pdf', mimeType: 'application/pdf', buffer: EVIDENCE });
    await evidence.getByRole('button', { name: '传播效果统计（2021）.pdf', exact: true }).waitFor();
    await drafter.shot(SHOTS, 'drafter-evidence');

    await page.getByRole('button', { name: '提交', exact: true }).click();
    await dialogButton(page, '提交').click();
    await until(page, 'submitted', async () => (await headText(page))?.includes('已提交') ?? false);
    // The review card: step 1 of 2 is current, nobody has claimed it.
    const card = page.locator('.review-card');
    await card.waitFor();
    expect(await card.locator('.review-step-current .review-step-name').textContent()).toContain('单位审核');
    expect(await card.locator('.review-step-todo .review-step-name').textContent()).toContain('主管部门审核');
    await drafter.shot(SHOTS, 'drafter-submitted');

    // 撤回 before anyone approved: back to Draft; then submitted again.
    await page.getByRole('button', { name: '撤回', exact: true }).click();
    await dialogButton(page, '撤回').click();
    await until(page, 'withdrawn', async () => (await headText(page))?.includes('草稿') ?? false);
    await page.getByRole('button', { name: '提交', exact: true }).click();
    await dialogButton(page, '提交').click();
    await until(page, 'submitted again', async () => (await headText(page))?.includes('已提交') ?? false);
    expect(await page.getByRole('button', { name: '撤回', exact: true }).count()).toBe(1);
  });

  it('the unit reviewer returns it with a comment on row 3; the drafter fixes row 3 and resubmits', async () => {
    await open(reviewer, 'reviewer');
    const page = reviewer.page;
    await page.getByRole('button', { name: '退回', exact: true }).click();
    const dialog = page.getByRole('dialog');
    await dialog.locator('.return-item select').first().selectOption('indicators[2]');
    await dialog.locator('.return-item textarea').first().fill('传播正能量得分依据不足，请补充阅读量数据');
    await dialogButton(page, '确认退回').click();
    await until(page, 'returned', async () => (await headText(page))?.includes('草稿') ?? false);

    await open(drafter, 'drafter');
    const d = drafter.page;
    const actual = d.getByLabel('第 3 行 · 实际完成值');
    await actual.fill('达成年度指标，全年阅读量 35 万次');
    await d.getByRole('button', { name: '保存', exact: true }).click();
    await until(d, 'saved', async () => (await d.getByRole('button', { name: '保存', exact: true }).isDisabled()));
    await d.getByRole('button', { name: '提交', exact: true }).click();
    await dialogButton(d, '提交').click();
    await until(d, 'resubmitted', async () => (await headText(d))?.includes('已提交') ?? false);
  });

  it('the unit reviewer sees what changed, claims it and approves step 1 with 核查分', async () => {
    await open(reviewer, 'reviewer');
    const page = reviewer.page;
    const panel = page.getByRole('region', { name: '自上次审核以来的修改' });
    await panel.locator('.changes-summary').waitFor();
    expect(await panel.locator('.changes-summary').textContent()).toContain('指标修改 1 行');
    await until(page, 'row 3 marked', async () => ((await page.locator('tr.ind-row[data-path="indicators[2]"]').getAttribute('class')) ?? '').includes('row-changed'));
    expect(await panel.locator('li.follow-up .target-changed').textContent()).toBe('已修改');
    await reviewer.shot(SHOTS, 'reviewer-changes');

    await page.getByRole('button', { name: '认领', exact: true }).click();
    await until(page, 'claimed', async () => ((await page.locator('.review-claim').textContent()) ?? '').includes('审核人（演示）'));

    await page.getByRole('button', { name: '审核通过', exact: true }).click();
    const dialog = page.getByRole('dialog');
    expect(await dialog.locator('p').first().textContent()).toContain('通过后转「主管部门审核」');
    await dialog.getByLabel('填写核查分').check();
    await dialog.getByLabel('第 3 行 · 核查分').fill('25');
    await dialogButton(page, '审核通过').click();
    // A changed score without a reason is refused in the dialog, before any request.
    await page.locator('.toast', { hasText: '请填写核查说明' }).waitFor();
    await dialog.getByLabel('第 3 行 · 核查说明').fill('阅读量数据仅覆盖下半年');
    await reviewer.shot(SHOTS, 'reviewer-verify-dialog', false);
    await dialogButton(page, '审核通过').click();
    await until(page, 'at the department step', async () => ((await page.locator('.review-step-current .review-step-name').textContent()) ?? '').includes('主管部门审核'));
    const verified = page.locator('.verification-card');
    await verified.waitFor();
    expect(await verified.locator('tr.verified-down td').allTextContents()).toEqual(['3. 传播正能量说明：阅读量数据仅覆盖下半年', '27.00', '25.00']);
    expect(await page.locator('.findings-card').textContent()).toContain('核查分 25 低于自评得分 27');
    await reviewer.shot(SHOTS, 'reviewer-step1-approved');
  });

  it('a manager hands the department step to its reviewer (改派)', async () => {
    await open(manager, 'manager');
    const page = manager.page;
    await page.getByRole('button', { name: '改派', exact: true }).click();
    const dialog = page.getByRole('dialog');
    expect(await dialog.getByLabel('改派给').locator('option').allTextContents()).toEqual(['主管部门审核人（演示）']);
    await manager.shot(SHOTS, 'manager-reassign', false);
    await dialogButton(page, '改派').click();
    await until(page, 'assigned', async () => ((await page.locator('.review-claim').textContent()) ?? '').includes('改派'));
    expect(await page.locator('.review-claim').textContent()).toBe('由 主管部门审核人（演示） 认领（管理员（演示）改派）');
  });

  it('the department reviewer finds it in 待我审核, opens the evidence and approves with every row verified; the manager publishes', async () => {
    await deptReviewer.login('dept-reviewer');
    const page = deptReviewer.page;
    await page.goto('/#/evaluations?queue=review');
    await page.getByRole('link', { name: '两级审核演示项目' }).first().click();
    await page.locator('h1', { hasText: '两级审核演示项目' }).waitFor();
    const evidence = page.getByRole('region', { name: '佐证材料' });
    const file = evidence.getByRole('button', { name: '传播效果统计（2021）.pdf', exact: true });
    const [download] = await Promise.all([page.waitForEvent('download'), file.click()]);
    expect(download.suggestedFilename()).toBe('传播效果统计（2021）.pdf');
    expect(await page.locator('.review-step-done .review-step-name').textContent()).toContain('单位审核');

    await page.getByRole('button', { name: '审核通过', exact: true }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel('填写核查分').check();
    await dialog.getByLabel('第 3 行 · 核查分').fill('24.5');
    await dialog.getByLabel('第 3 行 · 核查说明').fill('阅读量数据仅覆盖下半年');
    await deptReviewer.shot(SHOTS, 'department-verify-dialog', false);
    await dialogButton(page, '审核通过').click();
    await until(page, 'reviewed', async () => (await headText(page))?.includes('已审核') ?? false);
    const verified = page.locator('.verification-card');
    expect(await verified.locator('tfoot').textContent()).toContain('94.50');
    expect(await page.locator('.review-card .review-step-done').count()).toBe(2);
    await deptReviewer.shot(SHOTS, 'department-approved');

    await open(manager, 'manager');
    await manager.page.getByRole('button', { name: '公开', exact: true }).click();
    await dialogButton(manager.page, '公开').click();
    await until(manager.page, 'published', async () => (await headText(manager.page))?.includes('已公开') ?? false);
    await manager.page.goto('/#/summary?fiscalYear=2021');
    const row = manager.page.locator('tr', { has: manager.page.getByRole('link', { name: '两级审核演示项目' }) });
    await row.waitFor();
    expect(await row.locator('td').allTextContents()).toEqual(expect.arrayContaining(['97.00', '94.50']));
    await manager.shot(SHOTS, 'summary-verified');
  });
});
