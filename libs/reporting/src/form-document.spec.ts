import { describe, expect, it } from '@jest/globals';
import fs from 'node:fs';
import JSZip from 'jszip';
import type { EvaluationForm } from '#perf-eval/evaluation';
import { cellText, parseSelfEvaluationText, parseSelfEvaluationTables, readWordDocument, scoreEvaluation } from '#perf-eval/evaluation';
import { beijingDate, formDocx, formPdf, maskContacts, publicationCopy } from './form-document.js';
import { summaryDocx, summaryPdf } from './summary-document.js';
import { pdfText } from '../../../test/support/pdf-text.js';

const SEED = fs.readFileSync(new URL('../../../samples/beijing-gwc-2021-self-evaluations.txt', import.meta.url), 'utf8');
const PARSED = parseSelfEvaluationText(SEED);
const UNIT_NAME = '北京市关心下一代工作委员会办公室';

function seedForm(index: number): EvaluationForm {
  return { ...PARSED.forms[index]!.form, unitId: 'unit-gwc' };
}

function input(form: EvaluationForm, publication = false) {
  return { form, scores: scoreEvaluation(form).scores, unitName: UNIT_NAME, filledAt: '2022-01-14T16:30:00Z', publication };
}

async function wordBlocks(docx: Buffer) {
  const zip = await JSZip.loadAsync(docx);
  return readWordDocument(await zip.file('word/document.xml')!.async('string'));
}

describe('form.docx of seed form 3 (运行保障经费)', () => {
  it('is one A4 table laid out as the paper: header, funds with 执行率 and 得分, goals, indicators, 总分 and 等级', async () => {
    const docx = await formDocx(input(seedForm(2)));
    const zip = await JSZip.loadAsync(docx);
    expect(await zip.file('word/document.xml')!.async('string')).toContain('w:w="11906" w:h="16838"');
    const blocks = await wordBlocks(docx);
    const paragraphs = blocks.flatMap((block) => (block.kind === 'paragraph' ? [block.text] : []));
    expect(paragraphs.slice(0, 2)).toEqual(['项目支出绩效自评表', '（2021年度）']);
    expect(paragraphs).toEqual(expect.arrayContaining(['填报日期：2022年1月15日', expect.stringContaining('单位负责人（签字并盖章）')]));
    const tables = blocks.flatMap((block) => (block.kind === 'table' ? [block.table] : []));
    expect(tables).toHaveLength(1);
    const rows = tables[0]!.rows.map((row) => row.cells.map(cellText));
    expect(rows[0]).toEqual(['项目名称', '关心下一代工作委员会运行保障经费', '评价方式', '单位自评']);
    expect(rows[2]).toEqual(['项目负责人', '韩清峰', '联系电话', '64258007']);
    expect(rows[4]).toEqual(['', '年度资金总额', '84.61', '84.61', '46.107788', '10', '54.49%', '5.45']);
    expect(rows[7]).toEqual(['', '其他资金', '0', '0', '', '—', '', '—']);
    expect(rows[10]).toEqual(['绩\n效\n指\n标', '一级指标', '二级指标', '三级指标', '年度指标值', '实际完成值', '分值', '得分', '偏差原因分析及改进措施']);
    expect(rows.at(-2)).toEqual(['总分', '100', '82.25', '（原表申报总分 82.3）']);
    expect(rows.at(-1)).toEqual(['等级', '良']);
    // The 项目资金 label spans its five rows; 绩效指标 spans the header and every indicator row.
    const table = tables[0]!;
    expect(table.rows[3]!.cells[0]).toMatchObject({ vMerge: 'restart', rowSpan: 5, gridSpan: 2 });
    expect(table.rows[10]!.cells[0]).toMatchObject({ vMerge: 'restart', rowSpan: 1 + PARSED.forms[2]!.form.indicators.length });
  });

  it('merges the 一级指标 cells of a group as the paper does', async () => {
    const blocks = await wordBlocks(await formDocx(input(seedForm(1))));
    const table = blocks.flatMap((block) => (block.kind === 'table' ? [block.table] : []))[0]!;
    const level1 = table.rows.slice(11, 11 + 13).map((row) => [cellText(row.cells[1]!), row.cells[1]!.vMerge, row.cells[1]!.rowSpan]);
    expect(level1[0]).toEqual(['产出指标', 'restart', 7]);
    expect(level1[1]).toEqual(['', 'continue', 0]);
  });

  it('reads back through the Word import as the same form', async () => {
    for (const index of [0, 2, 3]) {
      const form = seedForm(index);
      const parsed = parseSelfEvaluationTables(await wordBlocks(await formDocx(input(form))));
      const { declared: _a, unitId: _b, ...read } = { ...parsed.forms[0]!.form, unitId: '' };
      const { declared: _c, unitId: _d, ...original } = form;
      expect(read).toEqual(original);
    }
  });
});

describe('form.pdf', () => {
  it('is A4 with the Chinese text extractable: project name, 总分, 等级, the figures', async () => {
    const pdf = await formPdf(input(seedForm(2)));
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
    // The font travels inside the file (subset), no system font needed.
    expect(pdf.toString('latin1')).toMatch(/\/FontFile2/);
    const { pages, text } = await pdfText(pdf);
    expect(pages.length).toBeGreaterThanOrEqual(1);
    for (const expected of ['项目支出绩效自评表', '（2021年度）', '关心下一代工作委员会运行保障经费', '中共北京市委老干部局', '总分', '82.25', '等级', '良', '46.107788', '54.49%', '64258007', '填报日期：2022年1月15日']) {
      expect(text).toContain(expected);
    }
  });

  it('keeps every indicator row on some page, across page breaks', async () => {
    const form = seedForm(3); // 17 indicator rows
    const { text, pages } = await pdfText(await formPdf(input(form)));
    expect(pages.length).toBeGreaterThan(1);
    for (const row of form.indicators) expect(text.replace(/\s/g, '')).toContain(row.name.replace(/\s/g, '').slice(0, 6));
  });
});

describe('the publication variant', () => {
  it('withholds 联系电话 and masks phone numbers and e-mail addresses written in the texts', async () => {
    const form = seedForm(0);
    form.goals = { ...form.goals, actual: `${form.goals.actual}咨询电话：010-64258007，13501271919 或 info@example.org` };
    form.indicators = form.indicators.map((row, index) => (index === 0 ? { ...row, deviation: '联系 13501271919' } : row));
    const copy = publicationCopy(form);
    expect(JSON.stringify(copy)).not.toMatch(/13501271919|64258007|info@example\.org/);
    expect(copy.goals.actual).toContain('咨询电话：［已隐去］');
    const { text } = await pdfText(await formPdf(input(form, true)));
    expect(text).not.toContain('13501271919');
    expect(text).toContain('（不公开）');
    const docxXml = await (await JSZip.loadAsync(await formDocx(input(form, true)))).file('word/document.xml')!.async('string');
    expect(docxXml).not.toContain('13501271919');
  });

  it('leaves figures that only look like numbers alone', () => {
    expect(maskContacts('全市提交作品400余件，浏览量共计410000次，2021年12月31日，84.610000万元')).toBe('全市提交作品400余件，浏览量共计410000次，2021年12月31日，84.610000万元');
    expect(maskContacts('电话 (010)64258007 或 +86 135-0127-1919')).toBe('电话 ［已隐去］ 或 ［已隐去］');
  });

  it('writes dates in Beijing time, blank lines without one', () => {
    expect(beijingDate('2021-12-31T16:30:00Z')).toBe('2022年1月1日');
    expect(beijingDate(null)).toBe('＿＿＿＿年＿＿月＿＿日');
  });
});

describe('summary.docx and summary.pdf', () => {
  const table = {
    fiscalYear: 2021,
    unitName: UNIT_NAME,
    rows: PARSED.summary!.rows.map((row) => ({ ...row, evaluationId: 'e', unitId: 'u', unitName: UNIT_NAME, verifiedScore: null, computedScore: null, grade: null, status: 'Published' as const, findings: { errors: 0, warnings: 0 }, revision: 1, correcting: false, currentRevision: 1, currentStatus: 'Published' as const })),
    total: { budget: '334.61' },
  };

  it('lays out the paper 明细表 with 合计 in Word', async () => {
    const blocks = await wordBlocks(await summaryDocx(table));
    const rows = blocks.flatMap((block) => (block.kind === 'table' ? [block.table] : []))[0]!.rows.map((row) => row.cells.map(cellText));
    expect(rows[0]).toEqual(['序号', '项目名称', '项目预算\n（万元）', '评价方式', '自评\n得分']);
    expect(rows[3]).toEqual(['3', '关心下一代工作委员会运行保障经费', '84.61', '单位自评', '82.30']);
    expect(rows.at(-1)).toEqual(['合计', '334.61', '', '']);
    // And the Word import reads it as a 明细表.
    expect(parseSelfEvaluationTables(blocks).summary?.total).toBe('334.61');
  });

  it('gives the same table as PDF text', async () => {
    const { text } = await pdfText(await summaryPdf(table));
    for (const expected of [`${UNIT_NAME}2021年度项目绩效评价明细表`, '开展北京市家庭教育暨家校社共育服务', '合计', '334.61', '80.65']) expect(text).toContain(expected);
  });
});
