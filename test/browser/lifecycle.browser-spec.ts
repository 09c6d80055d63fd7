/// <reference lib="dom" />
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Browser, Page } from 'playwright-core';
import { ApiProcess } from '../support/api-process.js';
import { BrowserUser, LAN_HOST, freshScreenshots, launchBrowser, until, endBrowserSuite } from '../support/browser.js';

const SHOTS = 'lifecycle';

async function confirmModal(page: Page, button: string): Promise<void> {
  await page.locator('dialog.modal').getByRole('button', { name: button, exact: true }).click();
}

describe('The whole lifecycle, by clicking, three people in three browsers on a LAN address', () => {
  const api = new ApiProcess();
  let browser: Browser;
  let drafter: BrowserUser;
  let reviewer: BrowserUser;
  let manager: BrowserUser;

  beforeAll(async () => {
    await api.start();
    freshScreenshots(SHOTS);
    browser = await launchBrowser();
    const base = `http://${LAN_HOST}:${new URL(api.baseUrl).port}`;
    [drafter, reviewer, manager] = await Promise.all([
      BrowserUser.open(browser, 'drafter', base),
      BrowserUser.open(browser, 'reviewer', base),
      BrowserUser.open(browser, 'manager', base),
    ]);
    // The refused submission is answered 422 on purpose; Chromium logs every non-2xx fetch.
    drafter.expectConsoleError(/status of 422/);
  }, 90_000);

  afterAll(() => endBrowserSuite(api, browser));

  it('drafts, is refused with the finding located, fixes, submits; is returned on a row, resubmits; is approved and published; the summary shows it', async () => {
    await Promise.all([drafter.login('drafter'), reviewer.login('reviewer'), manager.login('manager')]);

    // Each role lands on its own work.
    await drafter.page.getByRole('heading', { name: '我的草稿', exact: true }).waitFor();
    await reviewer.page.getByRole('heading', { name: '待我审核', exact: true }).waitFor();
    await manager.page.getByRole('heading', { name: '待公开', exact: true }).waitFor();
    await reviewer.shot(SHOTS, 'review-queue-empty');

    // The manager watches the board while the others work.
    await manager.page.getByRole('link', { name: '看板' }).click();
    await manager.page.locator('[data-kpi="Reviewed"]').waitFor();
    await manager.page.getByLabel('年度').selectOption(''); // 全部年度: the new form's year has no forms yet
    await until(manager.page, 'the board for all years', async () => manager.page.url().includes('fiscalYear=all'));
    await manager.page.locator('[data-kpi="Reviewed"]').waitFor();
    const reviewedBefore = Number(await manager.page.locator('[data-kpi="Reviewed"]').textContent());

    // --- a new form, from scratch ---
    const d = drafter.page;
    await d.getByRole('link', { name: '＋ 新建自评表' }).click();
    await d.getByLabel('项目名称', { exact: true }).fill('社区老年助餐服务项目');
    await d.getByLabel('项目负责人', { exact: true }).fill('李敏');
    await d.getByLabel('联系电话', { exact: true }).fill('010-65123456');
    await d.getByLabel('年度资金总额 · 年初预算数', { exact: true }).fill('120.5');
    await d.getByLabel('年度资金总额 · 全年预算数', { exact: true }).fill('120.5');
    await d.getByLabel('年度资金总额 · 全年执行数', { exact: true }).fill('118.123456');
    await d.getByLabel('当年财政拨款 · 全年预算数', { exact: true }).fill('120.5');
    await d.getByLabel('当年财政拨款 · 全年执行数', { exact: true }).fill('118.123456');
    await d.getByLabel('年度总体目标 · 预期目标', { exact: true }).fill('为辖区 800 名老年人提供助餐服务');
    await d.getByLabel('年度总体目标 · 实际完成情况', { exact: true }).fill('全年服务 826 人，供餐 9.6 万人次');
    const rows: [string, string, string, string, string, string, string][] = [
      ['产出指标', '数量指标', '服务老年人数', '≥800人', '826人', '30', '30'],
      ['', '质量指标', '食品安全事故', '0起', '0起', '30', '30'],
      ['效益指标', '社会效益指标', '老年人就餐便利度', '明显提高', '明显提高', '25', '24'],
      ['满意度指标', '服务对象满意度指标', '老年人满意度', '≥90%', '93%', '10', '10'],
    ];
    for (let i = 0; i < rows.length; i++) {
      if (i > 0) await d.getByRole('button', { name: '＋ 添加指标' }).click();
      const [l1, l2, name, target, actual, weight, score] = rows[i];
      const cell = (col: string) => d.getByLabel(`第 ${i + 1} 行 · ${col}`, { exact: true });
      await cell('一级指标').fill(l1);
      await cell('二级指标').fill(l2);
      await cell('三级指标').fill(name);
      await cell('年度指标值').fill(target);
      await cell('实际完成值').fill(actual);
      await cell('分值').fill(weight);
      await cell('得分').fill(score);
    }
    await d.getByLabel('第 3 行 · 偏差原因分析及改进措施', { exact: true }).fill('部分社区送餐时间偏晚，已调整配送路线');
    await drafter.shot(SHOTS, 'new-form-filled');
    await d.getByRole('button', { name: '保存草稿' }).click();

    // Saved: the page shows this version's scores and findings at once (weights 10 + 95 = 105).
    await d.locator('.findings-card').waitFor();
    const weightError = d.locator('.findings .finding-error', { hasText: '105' });
    await weightError.waitFor();
    expect(await d.locator('.findings-card .pending').count()).toBe(0);
    expect(await d.locator('text=没有发现问题').count()).toBe(0);
    expect(await d.locator('.findings').textContent()).not.toMatch(/[A-Z_]{6,}/); // no internal codes
    await drafter.shot(SHOTS, 'saved-with-weight-error');

    // Submitting is refused; the finding is shown and located in the form.
    await d.getByRole('button', { name: '提交', exact: true }).click();
    await confirmModal(d, '提交');
    await d.locator('dialog.modal', { hasText: '无法提交' }).waitFor();
    await drafter.shot(SHOTS, 'submit-refused');
    await d.locator('dialog.modal').getByRole('button', { name: /105/ }).first().click();
    await until(d, 'the weight error located in the form', async () => (await d.locator('.hl').count()) > 0);
    expect(await d.locator('.status-draft').first().textContent()).toBe('草稿');

    // Fixed: the error is gone on save; submitted.
    await d.getByLabel('第 1 行 · 分值', { exact: true }).fill('25');
    await d.getByLabel('第 1 行 · 得分', { exact: true }).fill('25');
    await d.getByRole('button', { name: '保存', exact: true }).click();
    await until(d, 'the weight error to disappear after the save', async () => (await d.locator('.findings .finding-error').count()) === 0 && (await d.locator('.findings-card').count()) === 1);
    await d.getByRole('button', { name: '提交', exact: true }).click();
    await confirmModal(d, '提交');
    await until(d, 'the form to be submitted', async () => (await d.locator('.head-meta .status-submitted').count()) === 1);
    const formUrl = d.url();
    await drafter.shot(SHOTS, 'submitted');

    // --- the reviewer finds it in 待我审核 (the count in the nav follows) and returns it on row 2 ---
    const r = reviewer.page;
    await until(r, 'the review queue to list the form', async () => (await r.getByRole('link', { name: '社区老年助餐服务项目' }).count()) === 1, 20_000);
    await until(r, 'the queue count in the nav', async () => (await r.locator('[data-count-for="review"]').textContent()) === '1');
    await reviewer.shot(SHOTS, 'review-queue');
    await r.getByRole('link', { name: '社区老年助餐服务项目' }).click();
    await r.getByRole('button', { name: '退回' }).click();
    const dialog = r.locator('dialog.modal');
    await dialog.locator('select').first().selectOption('indicators[1]');
    await dialog.locator('textarea').first().fill('食品安全事故的证明材料请补充抽检报告编号');
    await reviewer.shot(SHOTS, 'return-dialog', false);
    await confirmModal(r, '确认退回');
    await until(r, 'the form to be returned', async () => (await r.locator('.head-meta .status-draft').count()) === 1);

    // --- the drafter sees the comment at that row, fixes, resubmits ---
    await d.getByRole('link', { name: /^我的草稿/ }).click();
    await d.getByRole('heading', { name: '我的草稿', exact: true }).waitFor();
    const returnedRow = d.locator('tr', { hasText: '社区老年助餐服务项目' });
    await returnedRow.locator('.status-returned').waitFor();
    await drafter.shot(SHOTS, 'drafts-returned-first');
    await returnedRow.getByRole('link', { name: '社区老年助餐服务项目' }).click();
    expect(d.url()).toBe(formUrl);
    await d.locator('tr.comment-row', { hasText: '抽检报告编号' }).waitFor();
    const commentedRow = await d.locator('tr.comment-row').evaluate((tr) => (tr.previousElementSibling as HTMLElement).dataset.path);
    expect(commentedRow).toBe('indicators[1]');
    await drafter.shot(SHOTS, 'returned-comment-at-row');
    await d.getByLabel('第 2 行 · 实际完成值', { exact: true }).fill('0起（抽检报告 SJ-2021-118）');
    await d.getByRole('button', { name: '保存', exact: true }).click();
    await until(d, 'the save to land', async () => (await d.getByRole('button', { name: '保存', exact: true }).isDisabled()));
    await d.getByRole('button', { name: '提交', exact: true }).click();
    await confirmModal(d, '提交');
    await until(d, 'the form to be resubmitted', async () => (await d.locator('.head-meta .status-submitted').count()) === 1);

    // --- the reviewer approves; the manager's board follows without a reload ---
    await r.getByRole('link', { name: '待我审核' }).click();
    await until(r, 'the resubmitted form in the queue', async () => (await r.getByRole('link', { name: '社区老年助餐服务项目' }).count()) === 1, 20_000);
    await r.getByRole('link', { name: '社区老年助餐服务项目' }).click();
    await r.getByRole('button', { name: '审核通过' }).click();
    await confirmModal(r, '审核通过');
    await until(r, 'the form to be reviewed', async () => (await r.locator('.head-meta .status-reviewed').count()) === 1);
    const m = manager.page;
    await until(m, 'the board to count the reviewed form live', async () => Number(await m.locator('[data-kpi="Reviewed"]').textContent()) === reviewedBefore + 1, 20_000);
    await manager.shot(SHOTS, 'board-live');

    // --- the manager publishes from 待公开 ---
    await m.getByRole('link', { name: /^待公开/ }).click();
    await m.getByRole('link', { name: '社区老年助餐服务项目' }).click();
    await m.getByRole('button', { name: '公开', exact: true }).click();
    await confirmModal(m, '公开');
    await until(m, 'the form to be published', async () => (await m.locator('.head-meta .status-published').count()) === 1);
    await manager.shot(SHOTS, 'published');

    // --- the 明细表 shows it, with its 合计 ---
    await m.getByRole('link', { name: '绩效评价明细表' }).click();
    await m.locator('.table-paper').waitFor();
    const row = m.locator('.table-paper tbody tr', { hasText: '社区老年助餐服务项目' });
    await row.waitFor();
    expect(await row.textContent()).toContain('120.5');
    const total = await m.locator('.table-paper tfoot').textContent();
    expect(total).toContain('合计');
    await manager.shot(SHOTS, 'summary');

    for (const u of [drafter, reviewer, manager]) expect(u.errors).toEqual([]);
  }, 180_000);
});
