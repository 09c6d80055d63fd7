/**
 * The 项目绩效评价明细表 as an .xlsx workbook in the paper's layout (title, 序号 | 项目名称 |
 * 项目预算（万元）| 评价方式 | 自评得分, 合计), plus the columns the paper cannot show.
 * A SummaryTable in, the file's bytes out; or, for a whole year, its rows as they arrive and a stream out.
 */
import { PassThrough, type Readable, type Writable } from 'node:stream';
import ExcelJS from 'exceljs';
import { A4, FONT, THIN } from './workbook-style.js';
import { SUMMARY_HEADERS, SUMMARY_TOTAL_LABEL, summaryStatusLabel } from './summary-csv.js';
import type { SummaryRow, SummaryTable } from './summary-table.js';

export const SUMMARY_SHEET_NAME = '项目绩效评价明细表';

const TITLE_ROW = 1;
const HEADER_ROW = 2;
const FIRST_DATA_ROW = 3;
const COLUMN_COUNT = SUMMARY_HEADERS.length;
const BUDGET_COLUMN = 3; // C
const NUMBER_FORMAT = '0.00';
const COLUMN_WIDTHS = [6, 40, 14, 12, 10, 10, 14, 8, 10, 8, 8];


export async function summaryWorkbook(table: SummaryTable): Promise<Buffer> {
  const parts: Buffer[] = [];
  const sink = new PassThrough();
  sink.on('data', (part: Buffer) => parts.push(part));
  const ended = new Promise((resolve) => sink.on('end', resolve));
  await writeSummaryWorkbook(table, oneChunk(table.rows), sink);
  await ended;
  return Buffer.concat(parts);
}

/**
 * The same workbook, written to `out` as the rows arrive (an export of a whole year, SummaryExport): ExcelJS's
 * streaming writer commits each row, so memory holds a chunk of rows, not the sheet. Resolves when the file
 * is complete; rejects (and destroys `out`) if the rows fail.
 */
export function summaryWorkbookStream(table: Omit<SummaryTable, 'rows'>, chunks: AsyncIterable<SummaryRow[]>): Readable {
  const out = new PassThrough();
  writeSummaryWorkbook(table, chunks, out).catch((error: Error) => out.destroy(error));
  return out;
}

async function* oneChunk(rows: SummaryRow[]): AsyncGenerator<SummaryRow[]> {
  yield rows;
}

async function writeSummaryWorkbook(table: Omit<SummaryTable, 'rows'>, chunks: AsyncIterable<SummaryRow[]>, out: Writable): Promise<void> {
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: out, useStyles: true, useSharedStrings: false });
  const sheet = workbook.addWorksheet(SUMMARY_SHEET_NAME, {
    views: [{ state: 'frozen', xSplit: 0, ySplit: HEADER_ROW }],
    pageSetup: {
      paperSize: A4,
      orientation: 'landscape',
      fitToPage: true,
      fitToWidth: 1,
      fitToHeight: 0,
      horizontalCentered: true,
      printTitlesRow: `${TITLE_ROW}:${HEADER_ROW}`,
      margins: { left: 0.5, right: 0.5, top: 0.75, bottom: 0.75, header: 0.3, footer: 0.3 },
    },
    headerFooter: { oddFooter: '第 &P 页，共 &N 页' },
  });
  sheet.columns = COLUMN_WIDTHS.map((width) => ({ width }));

  // Title
  sheet.mergeCells(TITLE_ROW, 1, TITLE_ROW, COLUMN_COUNT);
  const titleRow = sheet.getRow(TITLE_ROW);
  const title = titleRow.getCell(1);
  title.value = summaryTitle(table);
  title.font = { name: FONT, size: 16, bold: true };
  title.alignment = { horizontal: 'center', vertical: 'middle' };
  titleRow.height = 30;
  titleRow.commit();

  // Header
  const header = sheet.getRow(HEADER_ROW);
  SUMMARY_HEADERS.forEach((label, index) => {
    const cell = header.getCell(index + 1);
    cell.value = label;
    cell.font = { name: FONT, size: 11, bold: true };
    cell.alignment = { horizontal: 'center', vertical: 'middle', wrapText: true };
    cell.border = THIN;
  });
  header.height = 30;
  header.commit();

  // One row per project
  let next = FIRST_DATA_ROW;
  for await (const rows of chunks) {
    // A reader that went away (the client left) ends the rows' read, not only the writing.
    if (out.destroyed) throw new Error('the summary workbook was no longer read');
    // A slow reader: the next rows wait until it caught up (ExcelJS buffers whatever it is given).
    await drained(out);
    for (const row of rows) {
      const values: ExcelJS.CellValue[] = [
        row.seq,
        row.projectName,
        numberOrNull(row.budgetExact ?? row.budget), // exact, shown with 2 decimals: the 合计's SUM is the exact total
        row.evaluationMethod,
        row.selfScore,
        row.verifiedScore,
        row.computedScore,
        row.grade,
        summaryStatusLabel(row),
        row.findings.errors,
        row.findings.warnings,
      ];
      const excelRow = sheet.getRow(next++);
      values.forEach((value, column) => {
        const cell = excelRow.getCell(column + 1);
        cell.value = value ?? null;
        cell.font = { name: FONT, size: 11 };
        cell.border = THIN;
        cell.alignment = { vertical: 'middle', horizontal: column === 1 ? 'left' : 'center', wrapText: column === 1 };
      });
      for (const column of [3, 5, 6, 7]) excelRow.getCell(column).numFmt = NUMBER_FORMAT;
      for (const column of [3, 5, 6, 7]) excelRow.getCell(column).alignment = { vertical: 'middle', horizontal: 'right' };
      excelRow.commit();
    }
  }

  // 合计: the budget sum as a formula, with the exact total as its cached result
  const totalRowNumber = next;
  const totalRow = sheet.getRow(totalRowNumber);
  sheet.mergeCells(totalRowNumber, 1, totalRowNumber, 2);
  for (let column = 1; column <= COLUMN_COUNT; column++) {
    const cell = totalRow.getCell(column);
    cell.border = THIN;
    cell.font = { name: FONT, size: 11, bold: true };
    cell.alignment = { vertical: 'middle', horizontal: 'center' };
  }
  totalRow.getCell(1).value = SUMMARY_TOTAL_LABEL;
  const totalBudget = totalRow.getCell(BUDGET_COLUMN);
  const budgetSum = numberOrNull(table.total.budget) ?? 0;
  const budgetColumn = sheet.getColumn(BUDGET_COLUMN).letter;
  totalBudget.value =
    totalRowNumber > FIRST_DATA_ROW
      ? { formula: `SUM(${budgetColumn}${FIRST_DATA_ROW}:${budgetColumn}${totalRowNumber - 1})`, result: budgetSum }
      : budgetSum;
  totalBudget.numFmt = NUMBER_FORMAT;
  totalBudget.alignment = { vertical: 'middle', horizontal: 'right' };
  totalRow.commit();
  await sheet.commit();
  await workbook.commit();
}

/** e.g. 北京市关心下一代工作委员会办公室2021年度项目绩效评价明细表 */
export function summaryTitle(table: Pick<SummaryTable, 'unitName' | 'fiscalYear'>): string {
  const year = table.fiscalYear === null ? '' : `${table.fiscalYear}年度`;
  return `${table.unitName ?? ''}${year}${SUMMARY_SHEET_NAME}`;
}

/** Budget strings are exact decimals with at most 2 (summary) or 6 decimals: a double holds them exactly enough. */
function numberOrNull(amount: string | null): number | null {
  if (amount === null || amount.trim() === '') return null;
  const value = Number(amount);
  return Number.isFinite(value) ? value : null;
}

/** Resolves when `out` takes more (or is gone). */
function drained(out: Writable): Promise<void> {
  if (!out.writableNeedDrain || out.destroyed) return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      out.off('drain', done);
      out.off('close', done);
      resolve();
    };
    out.on('drain', done);
    out.on('close', done);
  });
}
