import { describe, it, expect, beforeAll } from '@jest/globals';
import ExcelJS from 'exceljs';
import type { SummaryTable } from './summary-table.js';
import { seedSummaryTable } from './seed-summary.fixture.js';
import { summaryWorkbook, SUMMARY_SHEET_NAME } from './summary-workbook.js';


async function readBack(buffer: Buffer): Promise<ExcelJS.Worksheet> {
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load(buffer as unknown as ExcelJS.Buffer);
  const sheet = workbook.getWorksheet(SUMMARY_SHEET_NAME);
  if (!sheet) throw new Error(`no sheet ${SUMMARY_SHEET_NAME}`);
  return sheet;
}

describe('summaryWorkbook', () => {
  const table = seedSummaryTable();
  let buffer: Buffer;
  let sheet: ExcelJS.Worksheet;

  beforeAll(async () => {
    buffer = await summaryWorkbook(table);
    sheet = await readBack(buffer);
  });

  it('returns the bytes of an xlsx file (a zip)', () => {
    expect(Buffer.isBuffer(buffer)).toBe(true);
    expect(buffer.subarray(0, 2).toString('latin1')).toBe('PK');
  });

  it('titles the sheet with the unit and the year in a row merged over every column', () => {
    expect(sheet.getCell('A1').value).toBe('北京市关心下一代工作委员会办公室2021年度项目绩效评价明细表');
    expect(sheet.model.merges).toContain('A1:K1');
  });

  it('heads the columns like the paper, then adds computed score, grade, status and finding counts', () => {
    const headers = Array.from({ length: 11 }, (_, index) => sheet.getRow(2).getCell(index + 1).value);
    expect(headers).toEqual(['序号', '项目名称', '项目预算（万元）', '评价方式', '自评得分', '核查得分', '系统计算得分', '等级', '状态', '错误数', '警告数']);
  });

  it('writes one row per project with the seed figures as numbers', () => {
    const rows = [3, 4, 5, 6, 7, 8, 9].map((r) => sheet.getRow(r));
    expect(rows.map((row) => row.getCell(1).value)).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(rows.map((row) => row.getCell(2).value)).toEqual([
      '青少年迷你冬奥会项目',
      '新媒体运营服务项目',
      '关心下一代工作委员会运行保障经费',
      '首都关心下一代大讲堂',
      '市关工委网站运维项目',
      '开展北京市家庭教育暨家校社共育服务',
      '北京市关心下一代工作宣传推广',
    ]);
    expect(rows.map((row) => row.getCell(3).value)).toEqual([90, 30, 84.61, 35, 30, 30, 35]);
    expect(rows.map((row) => row.getCell(4).value)).toEqual(Array(7).fill('单位自评'));
    expect(rows.map((row) => row.getCell(5).value)).toEqual([92, 96, 82.3, 82.84, 96, 80.65, 97]);
  });

  it('adds the computed total, grade, Chinese status and finding counts of each row', () => {
    table.rows.forEach((row, index) => {
      const excelRow = sheet.getRow(3 + index);
      expect(excelRow.getCell(6).value).toBe(row.verifiedScore);
      expect(excelRow.getCell(7).value).toBe(row.computedScore);
      expect(excelRow.getCell(8).value).toBe(row.grade);
      expect(excelRow.getCell(10).value).toBe(row.findings.errors);
      expect(excelRow.getCell(11).value).toBe(row.findings.warnings);
    });
    expect([3, 4, 5, 6].map((r) => sheet.getRow(r).getCell(9).value)).toEqual(['草稿', '已提交', '已审核', '已公开']);
    // form 3 declares 82.3 but computes 82.25: both are shown
    expect(sheet.getCell('E5').value).toBe(82.3);
    expect(sheet.getCell('F5').value).toBe(null);
    expect(sheet.getCell('G5').value).toBe(82.25);
  });

  it('ends with 合计: a SUM formula over the budgets whose cached result is the exact total', () => {
    expect(sheet.getCell('A10').value).toBe('合计');
    expect(sheet.model.merges).toContain('A10:B10');
    expect(sheet.getCell('C10').value).toEqual({ formula: 'SUM(C3:C9)', result: 334.61 });
    expect(sheet.getCell('C10').result).toBe(334.61);
    expect(sheet.rowCount).toBe(10);
  });

  it('formats budgets and scores with two decimals', () => {
    for (let r = 3; r <= 9; r++) {
      for (const column of ['C', 'E', 'F', 'G']) expect(sheet.getCell(`${column}${r}`).numFmt).toBe('0.00');
    }
    expect(sheet.getCell('C10').numFmt).toBe('0.00');
  });

  it('borders the table, freezes the header and prints landscape on A4', () => {
    expect(sheet.getCell('B5').border?.left?.style).toBe('thin');
    expect(sheet.getCell('J10').border?.bottom?.style).toBe('thin');
    expect(sheet.views[0]).toMatchObject({ state: 'frozen', ySplit: 2 });
    expect(sheet.pageSetup.orientation).toBe('landscape');
    expect(sheet.pageSetup.paperSize).toBe(9);
    expect(sheet.getColumn(2).width).toBeGreaterThanOrEqual(30);
  });

  it('leaves cells of missing figures blank and titles a table without unit or year plainly', async () => {
    const sparse: SummaryTable = {
      fiscalYear: null,
      unitName: null,
      rows: [{ ...table.rows[0]!, budget: null, selfScore: null, verifiedScore: null, computedScore: null, grade: null }],
      total: { budget: '0.00' },
    };
    const back = await readBack(await summaryWorkbook(sparse));
    expect(back.getCell('A1').value).toBe('项目绩效评价明细表');
    expect(back.getCell('C3').value).toBeNull();
    expect(back.getCell('E3').value).toBeNull();
    // the file holds <v>0</v>; exceljs's reader drops a cached result of 0, so only the formula is checked
    expect(back.getCell('C4').formula).toBe('SUM(C3:C3)');
  });

  it('writes an empty table as header and a 合计 of zero', async () => {
    const back = await readBack(await summaryWorkbook({ fiscalYear: 2021, unitName: '某单位', rows: [], total: { budget: '0.00' } }));
    expect(back.getCell('A3').value).toBe('合计');
    expect(back.getCell('C3').value).toBe(0);
  });

  it('keeps the exact budgets in the cells (shown with 2 decimals), so that the 合计\'s SUM is the exact total', async () => {
    const rows = ['12.345678', '0.004999', '30'].map((exact, i) => ({ ...table.rows[i]!, budget: Number(exact).toFixed(2), budgetExact: exact }));
    const back = await readBack(await summaryWorkbook({ fiscalYear: 2021, unitName: '某单位', rows, total: { budget: '42.35' } }));
    expect([3, 4, 5].map((r) => back.getCell(`C${r}`).value)).toEqual([12.345678, 0.004999, 30]);
    expect(back.getCell('C3').numFmt).toBe('0.00');
    // The shown figures 12.35 + 0.00 + 30.00 would sum to 42.35 here too; the cells' exact sum rounds to it
    expect(back.getCell('C6').value).toEqual({ formula: 'SUM(C3:C5)', result: 42.35 });
    expect(Math.round((12.345678 + 0.004999 + 30) * 100) / 100).toBe(42.35);
  });
});
