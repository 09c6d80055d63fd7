/** The 明细表 on screen, page by page: a unit with more forms than one page holds. */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import ExcelJS from 'exceljs';
import type { Browser } from 'playwright-core';
import { ApiProcess } from '../support/api-process.js';
import { ApiClient } from '../support/api-client.js';
import { BrowserUser, LAN_HOST, freshScreenshots, launchBrowser, endBrowserSuite } from '../support/browser.js';
import { newMediaForm } from '../support/forms.js';
import { copyForms } from '../support/bulk-forms.js';

const SHOTS = 'summary-paging';
const FORMS = 56; // 7 sample forms + 56 new ones of 2021 = 63 rows: two pages of 50

describe('The summary table in pages (Debian Chromium)', () => {
  const api = new ApiProcess();
  let browser: Browser;
  let base: string;
  let manager: BrowserUser;

  beforeAll(async () => {
    await api.start();
    freshScreenshots(SHOTS);
    const drafter = await ApiClient.login(api.baseUrl, 'drafter');
    for (let i = 1; i <= FORMS; i++) {
      const res = await drafter.post('/api/evaluations', newMediaForm({ projectName: `分页测试项目 ${String(i).padStart(2, '0')}` }));
      expect(res.status).toBe(201);
    }
    browser = await launchBrowser();
    base = `http://${LAN_HOST}:${new URL(api.baseUrl).port}`;
    await api.settled();
    manager = await BrowserUser.open(browser, 'manager', base);
  }, 120_000);

  afterAll(() => endBrowserSuite(api, browser, [manager]));

  it('shows 50 rows, the 合计 of the whole table on every page, and the next page continuing the 序号', async () => {
    const page = manager.page;
    await page.goto('/#/login');
    await manager.login('manager');
    await page.goto('/#/summary?fiscalYear=2021');
    await page.getByRole('heading', { name: '2021 年度项目绩效评价明细表' }).waitFor();
    const rows = page.locator('table.table-paper tbody tr');
    const total = page.locator('table.table-paper tfoot tr.total-row');
    await expect(rows.count()).resolves.toBe(50);
    // 334.61 (the sample) + 56 × 30 = 2014.61, the whole table's 合计 on both pages.
    expect(await total.textContent()).toContain('合计（全部 63 项）');
    expect(await total.textContent()).toContain('2014.61');
    expect(await page.locator('.pager').textContent()).toContain('共 63 条，第 1 / 2 页');
    expect(await rows.first().locator('td').first().textContent()).toBe('1');
    await manager.shot(SHOTS, 'page-1', false);

    await page.getByRole('button', { name: '下一页' }).click();
    await page.locator('.pager', { hasText: '第 2 / 2 页' }).waitFor();
    await expect(rows.count()).resolves.toBe(13);
    expect(await rows.first().locator('td').first().textContent()).toBe('51');
    expect(await rows.last().locator('td').first().textContent()).toBe('63');
    expect(await total.textContent()).toContain('2014.61');
    expect(page.url()).toContain('page=2');
    await manager.shot(SHOTS, 'page-2');

    // A page past the end (the table shrank since the link was made) lands on the last page.
    await page.goto('/#/summary?fiscalYear=2021&page=9');
    await page.locator('.pager', { hasText: '第 2 / 2 页' }).waitFor();
    await expect(rows.count()).resolves.toBe(13);
  });

  it('exports a city\'s year of 2,500 rows as Excel, and says why Word is refused', async () => {
    // A city's year: copies of one form.
    await copyForms(api, { fromYear: 2021, fiscalYear: 2034, count: 2500, namePrefix: '全市项目', budget: '10' });
    const page = manager.page;
    await page.goto('/#/summary?fiscalYear=2034');
    await page.locator('.pager', { hasText: '共 2500 条' }).waitFor();
    expect(await page.locator('table.table-paper tfoot tr.total-row').textContent()).toContain('25000.00');

    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: '导出 Excel' }).click()]);
    expect(download.suggestedFilename()).toMatch(/2034年度项目绩效评价明细表\.xlsx$/);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(readFileSync((await download.path())!) as unknown as ExcelJS.Buffer);
    const sheet = workbook.getWorksheet('项目绩效评价明细表')!;
    expect(sheet.rowCount).toBe(2503);
    expect(sheet.getCell('C2503').value).toEqual({ formula: 'SUM(C3:C2502)', result: 25000 });

    manager.expectConsoleError(/422/);
    await page.getByRole('button', { name: '导出 Word' }).click();
    const toast = page.locator('#toast.show');
    await toast.waitFor();
    expect(await toast.textContent()).toContain('Word 导出最多 2000 项');
    await page.waitForFunction(() => getComputedStyle(document.getElementById('toast')!).opacity === '1');
    await manager.shot(SHOTS, 'word-refused', false);
  });
});
