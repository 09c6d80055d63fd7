/** Documents in and out through the web app: a Word file uploaded on the import page, Word/PDF exports, the publication pack. */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import JSZip from 'jszip';
import { ApiProcess } from '../support/api-process.js';
import { BrowserUser, LAN_HOST, freshScreenshots, launchBrowser, endBrowserSuite } from '../support/browser.js';
import { selfEvaluationDocx } from '../support/word-documents.js';
import { parseSelfEvaluationText } from '#perf-eval/evaluation';

const SHOTS = 'documents';
const SAMPLE = readFileSync(path.resolve(import.meta.dirname, '../../samples/beijing-gwc-2021-self-evaluations.txt'), 'utf8');

describe('Documents in the web app (Debian Chromium)', () => {
  const api = new ApiProcess();
  let browser: Browser;
  let base: string;
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
    await api.settled();
  }, 90_000);

  afterAll(() => endBrowserSuite(api, browser, people));

  it('imports a Word file chosen on the import page, then exports the form as Word and PDF', async () => {
    const parsed = parseSelfEvaluationText(SAMPLE);
    parsed.forms[1]!.form.projectName = '新媒体运营服务项目（Word 上传）';
    const docx = await selfEvaluationDocx(parsed, { forms: [1], withSummary: false });

    const u = await person('drafter');
    await u.page.goto('/#/login');
    await u.login('drafter');
    await u.page.goto('/#/import');
    await u.page.getByRole('heading', { name: '导入自评表', exact: true }).waitFor();
    // Importing as published is publishing: a drafter is offered drafts only (the option was there, and answered 403).
    expect(await u.page.locator('option[value="published"]').count()).toBe(0);
    await u.page.getByLabel('选择 Word、Excel 或文本文件').setInputFiles({ name: '新媒体运营服务项目.docx', mimeType: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document', buffer: docx });
    await u.page.getByText('新媒体运营服务项目.docx（Word 文件').waitFor();
    await u.page.getByRole('button', { name: '开始导入' }).click();
    await u.page.getByRole('heading', { name: /导入完成/ }).waitFor();
    const link = u.page.getByRole('link', { name: '新媒体运营服务项目（Word 上传）' });
    await link.waitFor();
    await u.shot(SHOTS, 'imported-docx');

    await link.click();
    await u.page.getByRole('heading', { name: '新媒体运营服务项目（Word 上传）', exact: true }).waitFor();
    const [pdf] = await Promise.all([u.page.waitForEvent('download'), u.page.getByRole('button', { name: '导出 PDF' }).click()]);
    expect(pdf.suggestedFilename()).toBe('新媒体运营服务项目（Word 上传）-项目支出绩效自评表.pdf');
    const pdfBytes = readFileSync((await pdf.path())!);
    expect(pdfBytes.subarray(0, 5).toString()).toBe('%PDF-');
    const [word] = await Promise.all([u.page.waitForEvent('download'), u.page.getByRole('button', { name: '导出 Word' }).click()]);
    expect(word.suggestedFilename()).toBe('新媒体运营服务项目（Word 上传）-项目支出绩效自评表.docx');
    const zip = await JSZip.loadAsync(readFileSync((await word.path())!));
    expect(await zip.file('word/document.xml')!.async('string')).toContain('新媒体运营服务项目（Word 上传）');
    await u.close();
  });

  it('shows where a Word file could not be read: table, row and cell', async () => {
    const parsed = parseSelfEvaluationText(SAMPLE);
    parsed.forms[0]!.form.indicators[0]!.weight = '五' as unknown as number;
    const docx = await selfEvaluationDocx(parsed, { forms: [0], withSummary: false });
    const u = await person('drafter-broken');
    u.expectConsoleError(/status of 400/);
    await u.page.goto('/#/login');
    await u.login('drafter');
    await u.page.goto('/#/import');
    await u.page.getByLabel('选择 Word、Excel 或文本文件').setInputFiles({ name: '有误.docx', mimeType: 'application/octet-stream', buffer: docx });
    await u.page.getByRole('button', { name: '开始导入' }).click();
    await u.page.getByText('导入失败：').waitFor();
    expect(await u.page.locator('.error-box').innerText()).toContain('表格 1 第 12 行第 7 个单元格：“分值”不是数字：“五”');
    await u.shot(SHOTS, 'import-error');
    await u.close();
  });

  it('lets a manager download the summary as Word and the publication pack', async () => {
    const u = await person('manager');
    await u.page.goto('/#/login');
    await u.login('manager');
    await u.page.goto('/#/summary?fiscalYear=2021');
    await u.page.getByRole('heading', { name: '项目绩效评价明细表', exact: true }).waitFor();
    const [word] = await Promise.all([u.page.waitForEvent('download'), u.page.getByRole('button', { name: '导出 Word' }).click()]);
    expect(word.suggestedFilename()).toMatch(/项目绩效评价明细表\.docx$/);
    const [pack] = await Promise.all([u.page.waitForEvent('download'), u.page.getByRole('button', { name: '下载公开材料包' }).click()]);
    expect(pack.suggestedFilename()).toBe('北京市关心下一代工作委员会办公室2021年度绩效自评公开材料.zip');
    const names = Object.keys((await JSZip.loadAsync(readFileSync((await pack.path())!))).files);
    expect(names).toContain('manifest.json');
    expect(names.filter((name) => name.endsWith('.pdf'))).toHaveLength(8);
    await u.shot(SHOTS, 'summary');
    await u.close();
  });
});
