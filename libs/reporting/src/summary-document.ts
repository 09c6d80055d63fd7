/**
 * The 项目绩效评价明细表 for Word and PDF in the paper's layout: title, 序号 | 项目名称 |
 * 项目预算（万元）| 评价方式 | 自评得分, one row per project, 合计 (the sum of the budgets).
 * The columns the paper cannot show (computed score, grade, status) stay in summary.xlsx/csv.
 */
import { Decimal } from 'decimal.js';
import { EvaluationError } from '#perf-eval/evaluation';
import { SUMMARY_TOTAL_LABEL } from './summary-csv.js';
import { summaryTitle } from './summary-workbook.js';
import type { SummaryExport, SummaryRow, SummaryTable } from './summary-table.js';
import { paperDocx, paperPdf, type PaperCell, type PaperDocument } from './paper-document.js';

export function summaryPaperDocument(table: SummaryTable): PaperDocument {
  const c = (text: string | number | null | undefined, align: PaperCell['align'] = 'center', span = 1): PaperCell => ({
    text: text === null || text === undefined ? '' : String(text),
    align,
    span,
  });
  const money = (amount: string | null) => (amount === null || amount.trim() === '' ? '' : new Decimal(amount).toFixed(2));
  return {
    title: summaryTitle(table),
    orientation: 'portrait',
    blocks: [
      { kind: 'title', text: summaryTitle(table), size: 16, bold: true },
      {
        kind: 'table',
        columns: [6, 40, 14, 12, 10],
        fontSize: 10,
        rows: [
          [c('序号'), c('项目名称'), c('项目预算\n（万元）'), c('评价方式'), c('自评\n得分')],
          ...table.rows.map((row) => [c(row.seq), c(row.projectName, 'left'), c(money(row.budget), 'right'), c(row.evaluationMethod), c(row.selfScore === null ? '' : new Decimal(row.selfScore).toFixed(2), 'right')]),
          [{ ...c(SUMMARY_TOTAL_LABEL, 'center', 2), bold: true }, { ...c(money(table.total.budget), 'right'), bold: true }, c(''), c('')],
        ],
      },
    ],
  };
}

export function summaryDocx(table: SummaryTable): Promise<Buffer> {
  return paperDocx(summaryPaperDocument(table));
}

export function summaryPdf(table: SummaryTable): Promise<Buffer> {
  return paperPdf(summaryPaperDocument(table));
}

/**
 * Rows a Word or PDF 明细表 may have: 2,000 rows are some 70 printed pages and take the API a few seconds
 * and ~150 MB while the document is built whole (pdfkit and docx hold it). A city's whole year is asked for
 * as Excel or CSV, which are written as their rows arrive.
 */
export const SUMMARY_DOCUMENT_MAX_ROWS = 2000;

export class SummaryTooLargeForDocumentError extends EvaluationError {
  readonly code = 'EXPORT_TOO_LARGE';
  override readonly details: { rows: number; maxRows: number };
  constructor(rows: number, format: string) {
    super(`明细表共 ${rows} 项，${format} 导出最多 ${SUMMARY_DOCUMENT_MAX_ROWS} 项：请选择单位分别导出，或导出 Excel / CSV（不限行数）`);
    this.details = { rows, maxRows: SUMMARY_DOCUMENT_MAX_ROWS };
  }
}

/** The whole table of an export as a SummaryTable for Word or PDF; refused beyond SUMMARY_DOCUMENT_MAX_ROWS. */
export async function summaryForDocument(summary: SummaryExport, format: 'Word' | 'PDF'): Promise<SummaryTable> {
  if (summary.totalRows > SUMMARY_DOCUMENT_MAX_ROWS) {
    await summary.close();
    throw new SummaryTooLargeForDocumentError(summary.totalRows, format);
  }
  const rows: SummaryRow[] = [];
  for await (const chunk of summary.chunks) rows.push(...chunk);
  return { fiscalYear: summary.fiscalYear, unitName: summary.unitName, rows, total: summary.total };
}
