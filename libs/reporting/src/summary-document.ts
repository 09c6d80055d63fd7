/**
 * The 项目绩效评价明细表 for Word and PDF in the paper's layout: title, 序号 | 项目名称 |
 * 项目预算（万元）| 评价方式 | 自评得分, one row per project, 合计 (the sum of the budgets).
 * The columns the paper cannot show (computed score, grade, status) stay in summary.xlsx/csv.
 */
import { Decimal } from 'decimal.js';
import { SUMMARY_TOTAL_LABEL } from './summary-csv.js';
import { summaryTitle } from './summary-workbook.js';
import type { SummaryTable } from './summary-table.js';
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
