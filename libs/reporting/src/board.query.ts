import { QueryHandler, Query, type IQueryHandler } from '@nestjs/cqrs';
import { DataSource } from 'typeorm';
import { Decimal } from 'decimal.js';
import { EVALUATION_STATUSES, type EvaluationStatus, COUNTS_RELATION } from '#perf-eval/evaluation';
import { YEAR_CYCLES } from '#perf-eval/cycles';
import { readQuery } from '#perf-eval/persistence';

export interface StatusBoard {
  fiscalYear: number | null;
  total: number;
  byStatus: Record<EvaluationStatus, number>;
  returned: number;
  byUnit: { unitId: string; unitName: string; total: number; byStatus: Record<EvaluationStatus, number> }[];
  byGrade: { 优: number; 良: number; 中: number; 差: number; 无: number };
  /**
   * Evaluations past the deadline of their fiscal year's cycle (YEAR_CYCLES): still in Draft after the
   * submission deadline, or in Submitted after the review deadline.
   */
  overdue: number;
  averageComputedScore: number | null;
  budget: { budgeted: string; executed: string; executionRate: number | null };
  withErrors: { id: string; projectName: string; unitName: string; status: EvaluationStatus; errors: number }[];
}

export class BoardQuery extends Query<StatusBoard> {
  constructor(readonly fiscalYear?: number) {
    super();
  }
}

/**
 * The managers' status board. Counts, budget and average score come from the pre-aggregated counters
 * (COUNTS_RELATION: per year, unit, status, returned and grade, kept by a trigger in the row's own
 * transaction), so the board costs the same for a thousand forms as for a hundred thousand; the forms
 * with errors are the first 100 of an index in the board's order.
 */
@QueryHandler(BoardQuery)
export class BoardHandler implements IQueryHandler<BoardQuery, StatusBoard> {
  constructor(private readonly dataSource: DataSource) {}

  async execute({ fiscalYear }: BoardQuery): Promise<StatusBoard> {
    const filter = fiscalYear ? 'WHERE e.fiscal_year = $1' : '';
    const params = fiscalYear ? [fiscalYear] : [];
    const [byUnitStatus, [totals], errors]: [
      ({ of_grade: false; unit_id: string; unit_name: string; status: EvaluationStatus; n: string } | { of_grade: true; grade: string | null; n: string })[],
      { n: string; returned: string; overdue: string; avg: string | null; budgeted: string | null; executed: string | null }[],
      { id: string; project_name: string; unit_name: string; status: EvaluationStatus; error_count: number }[],
    ] = await Promise.all([
      readQuery(this.dataSource, 
        // Two groupings in one pass: per unit and status (≤ 4 rows a unit), and per grade (≤ 5 rows) — not per
        // unit, status and grade (up to 5 times as many rows to send, parse and add up here).
        `SELECT e.unit_id, u.name AS unit_name, e.status, NULLIF(e.grade, '') AS grade, sum(e.n) AS n, GROUPING(e.unit_id) = 1 AS of_grade
         FROM ${COUNTS_RELATION} e JOIN units u ON u.id = e.unit_id ${filter}
         GROUP BY GROUPING SETS ((e.unit_id, u.name, e.status), (e.grade)) HAVING sum(e.n) <> 0 ORDER BY u.name`,
        params,
      ),
      readQuery(this.dataSource, 
        `SELECT COALESCE(sum(e.n), 0) AS n, COALESCE(sum(e.n) FILTER (WHERE e.returned), 0) AS returned,
                round(sum(e.total_sum) / NULLIF(sum(e.total_n), 0), 2) AS avg, sum(e.budget) AS budgeted, sum(e.executed) AS executed,
                COALESCE(sum(e.n) FILTER (WHERE (e.status = 'Draft' AND c.submission_deadline < now()) OR (e.status = 'Submitted' AND c.review_deadline < now())), 0) AS overdue
         FROM ${COUNTS_RELATION} e LEFT JOIN ${YEAR_CYCLES} c ON c.fiscal_year = e.fiscal_year ${filter}`,
        params,
      ),
      readQuery(this.dataSource, 
        `SELECT e.id, e.project_name, u.name AS unit_name, e.status, e.error_count
         FROM evaluations e JOIN units u ON u.id = e.unit_id ${filter ? `${filter} AND` : 'WHERE'} e.error_count > 0
         ORDER BY e.error_count DESC, e.updated_at DESC, e.id LIMIT 100`,
        params,
      ),
    ]);
    const emptyStatuses = () => Object.fromEntries(EVALUATION_STATUSES.map((s) => [s, 0])) as Record<EvaluationStatus, number>;
    const byStatus = emptyStatuses();
    const byGrade = { 优: 0, 良: 0, 中: 0, 差: 0, 无: 0 };
    const units = new Map<string, StatusBoard['byUnit'][number]>();
    for (const row of byUnitStatus) {
      const n = Number(row.n);
      if (row.of_grade) {
        byGrade[(row.grade ?? '无') as keyof typeof byGrade] += n;
        continue;
      }
      byStatus[row.status] += n;
      const unit = units.get(row.unit_id) ?? { unitId: row.unit_id, unitName: row.unit_name, total: 0, byStatus: emptyStatuses() };
      unit.total += n;
      unit.byStatus[row.status] += n;
      units.set(row.unit_id, unit);
    }
    const budgeted = new Decimal(totals.budgeted ?? 0);
    const executed = new Decimal(totals.executed ?? 0);
    return {
      fiscalYear: fiscalYear ?? null,
      total: Number(totals.n),
      byStatus,
      returned: Number(totals.returned),
      byUnit: [...units.values()],
      byGrade,
      overdue: Number(totals.overdue),
      averageComputedScore: totals.avg === null ? null : Number(totals.avg),
      budget: {
        budgeted: budgeted.toFixed(2),
        executed: executed.toFixed(2),
        executionRate: budgeted.isZero() ? null : executed.div(budgeted).times(100).toDecimalPlaces(2, Decimal.ROUND_HALF_UP).toNumber(),
      },
      withErrors: errors.map((r) => ({ id: r.id, projectName: r.project_name, unitName: r.unit_name, status: r.status, errors: r.error_count })),
    };
  }
}
