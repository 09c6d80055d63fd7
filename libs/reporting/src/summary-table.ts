import type { EvaluationStatus } from '#perf-eval/evaluation';

/** One row of the 项目绩效评价明细表, plus what the paper cannot show. */
export interface SummaryRow {
  seq: number; // 序号
  evaluationId: string;
  unitId: string;
  unitName: string;
  projectName: string; // 项目名称
  budget: string | null; // 项目预算（万元）: the full-year budget, 2 decimals ("84.61")
  /** The same budget as declared (万元, up to 6 decimals): the Excel cells hold it, shown with 2 decimals, so that their SUM is the exact 合计. */
  budgetExact?: string | null;
  evaluationMethod: string; // 评价方式
  selfScore: number | null; // 自评得分: selfScore() of #perf-eval/evaluation (declared summary score, else declared total, else computed)
  /**
   * 核查得分: the last verified total (the budget execution score plus the reviewer's 核查分 of every indicator
   * row), when every row was verified; null otherwise.
   */
  verifiedScore: number | null;
  computedScore: number | null;
  grade: string | null;
  status: EvaluationStatus; // of the revision shown
  findings: { errors: number; warnings: number };
  /** The revision whose figures the row shows: the last published one while a correction is under way, else the current one. */
  revision: number;
  /** A published form has been reopened (更正) and its new revision is not published yet: the row still shows the published figures. */
  correcting: boolean;
  /** The form's current revision and status (the draft of a correction, when `correcting`). */
  currentRevision: number;
  currentStatus: EvaluationStatus;
}

export interface SummaryTable {
  fiscalYear: number | null;
  unitName: string | null; // when the table is of one unit
  rows: SummaryRow[];
  total: { budget: string }; // 合计 of the whole table (every page), 2 decimals
}

/** What `GET /api/summary` answers: the table, or one page of it, with the whole table's count and 合计. */
export interface SummaryAnswer extends SummaryTable {
  /** Rows of the whole table: the rows of every page. */
  totalRows: number;
  /** When one page was asked for (`?page=&pageSize=`): which. */
  page?: number;
  pageSize?: number;
}

/** The whole table for an export: its head first, then its rows in chunks (SummaryExportQuery). */
export interface SummaryExport extends Omit<SummaryTable, 'rows'> {
  totalRows: number;
  /** The rows in the table's order, numbered on; reading them to the end ends the read. */
  chunks: AsyncIterable<SummaryRow[]>;
  /** Ends the read without the rows (safe to call twice, or after the chunks ended). */
  close(): Promise<void>;
}
