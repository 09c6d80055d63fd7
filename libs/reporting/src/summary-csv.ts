/**
 * The 项目绩效评价明细表 as CSV: UTF-8 with a BOM (so Excel opens the Chinese text correctly),
 * RFC 4180 quoting, CRLF line ends, the header row first and the 合计 row last.
 *
 * Also home of what the summary exports share (column headers, status labels, number text), so the
 * CSV and the workbook cannot drift apart.
 */
import { Decimal } from 'decimal.js';
import type { SummaryRow, SummaryTable } from './summary-table.js';

/** The paper's five columns, then what the system adds. */
export const SUMMARY_HEADERS = [
  '序号',
  '项目名称',
  '项目预算（万元）',
  '评价方式',
  '自评得分',
  '核查得分',
  '系统计算得分',
  '等级',
  '状态',
  '错误数',
  '警告数',
] as const;

export const SUMMARY_TOTAL_LABEL = '合计';

const STATUS_LABELS: Readonly<Record<string, string>> = {
  Draft: '草稿',
  Submitted: '已提交',
  Reviewed: '已审核',
  Published: '已公开',
};

/** Chinese label of a workflow status; an unknown status is shown as written. */
export function statusLabel(status: string): string {
  return STATUS_LABELS[status] ?? status;
}

/** The 状态 cell of a summary row: a published form under correction reads 已公开（更正中）. */
export function summaryStatusLabel(row: Pick<SummaryRow, 'status' | 'correcting'>): string {
  return row.correcting ? `${statusLabel(row.status)}（更正中）` : statusLabel(row.status);
}

/** "84.61" / 82.3 → "84.61" / "82.30"; exact (Decimal), half-up; '' for null. */
export function twoDecimals(value: string | number | null | undefined): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number' && !Number.isFinite(value)) return '';
  if (typeof value === 'string' && value.trim() === '') return '';
  return new Decimal(typeof value === 'string' ? value.trim() : value).toFixed(2, Decimal.ROUND_HALF_UP);
}

export function summaryCsv(table: SummaryTable): string {
  return [CSV_HEAD, csvLines(table.rows), csvTotal(table)].join('');
}

/** The same file as summaryCsv, written as its rows arrive (an export of a whole year, SummaryExport). */
export async function* summaryCsvStream(table: Omit<SummaryTable, 'rows'>, chunks: AsyncIterable<SummaryRow[]>): AsyncGenerator<string> {
  yield CSV_HEAD;
  for await (const rows of chunks) yield csvLines(rows);
  yield csvTotal(table);
}

const CSV_HEAD = '\uFEFF' + csvLine([...SUMMARY_HEADERS]);

function csvLines(rows: SummaryRow[]): string {
  return rows.map((row) => csvLine(rowRecord(row))).join('');
}

function csvTotal(table: Pick<SummaryTable, 'total'>): string {
  return csvLine([SUMMARY_TOTAL_LABEL, '', twoDecimals(table.total.budget), '', '', '', '', '', '', '', '']);
}

function csvLine(record: string[]): string {
  return record.map(csvField).join(',') + '\r\n';
}

function rowRecord(row: SummaryRow): string[] {
  return [
    String(row.seq),
    textField(row.projectName),
    twoDecimals(row.budget),
    textField(row.evaluationMethod),
    twoDecimals(row.selfScore),
    twoDecimals(row.verifiedScore),
    twoDecimals(row.computedScore),
    row.grade ?? '',
    summaryStatusLabel(row),
    String(row.findings.errors),
    String(row.findings.warnings),
  ];
}

/**
 * Free text typed by people: a leading = + - @ would make a spreadsheet run it as a formula
 * (CSV injection), so such text gets a leading apostrophe, as OWASP recommends.
 */
function textField(text: string | null | undefined): string {
  const value = text ?? '';
  return /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
}

/** RFC 4180: quote a field holding a comma, a quote or a line break; double the quotes inside. */
function csvField(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}
