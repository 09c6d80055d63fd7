import { QueryHandler, Query, type IQueryHandler } from '@nestjs/cqrs';
import { DataSource } from 'typeorm';
import { Decimal } from 'decimal.js';
import { seesAllUnits, type AuthenticatedUser } from '../../identity/src/roles.js';
import type { EvaluationStatus } from '../../evaluation/src/domain/evaluation.js';
import type { SummaryRow, SummaryTable } from './summary-table.js';
import { SqlFilter } from '../../persistence/src/sql-filter.js';

export class SummaryQuery extends Query<SummaryTable> {
  constructor(
    readonly user: AuthenticatedUser,
    readonly fiscalYear?: number,
    readonly unitId?: string,
  ) {
    super();
  }
}

/** The 项目绩效评价明细表 from the evaluations table: source order first (the paper's 序号), then creation order. */
@QueryHandler(SummaryQuery)
export class SummaryHandler implements IQueryHandler<SummaryQuery, SummaryTable> {
  constructor(private readonly dataSource: DataSource) {}

  async execute({ user, fiscalYear, unitId }: SummaryQuery): Promise<SummaryTable> {
    const sql = new SqlFilter()
      .addIf(!seesAllUnits(user), 'e.unit_id = ANY(?::uuid[])', user.unitIds)
      .addIf(unitId, 'e.unit_id = ?', unitId)
      .addIf(fiscalYear, 'e.fiscal_year = ?', fiscalYear);
    const rows: Row[] = await this.dataSource.query(
      `SELECT e.id, e.unit_id, u.name AS unit_name, e.project_name, e.full_year_budget, e.evaluation_method, e.self_score,
              e.computed_total, e.grade, e.status, e.error_count, e.warning_count
       FROM evaluations e JOIN units u ON u.id = e.unit_id
       ${sql.where}
       ORDER BY u.name, e.fiscal_year, e.summary_seq NULLS LAST, e.created_at, e.id`,
      sql.params,
    );
    const units = new Set(rows.map((r) => r.unit_name));
    const total = rows.reduce((sum, r) => (r.full_year_budget === null ? sum : sum.plus(r.full_year_budget)), new Decimal(0));
    return {
      fiscalYear: fiscalYear ?? null,
      unitName: units.size === 1 ? [...units][0] : null,
      rows: rows.map<SummaryRow>((r, i) => ({
        seq: i + 1,
        evaluationId: r.id,
        unitId: r.unit_id,
        unitName: r.unit_name,
        projectName: r.project_name,
        budget: r.full_year_budget === null ? null : new Decimal(r.full_year_budget).toFixed(2, Decimal.ROUND_HALF_UP),
        evaluationMethod: r.evaluation_method,
        selfScore: r.self_score === null ? null : Number(r.self_score),
        computedScore: r.computed_total === null ? null : Number(r.computed_total),
        grade: r.grade,
        status: r.status,
        findings: { errors: r.error_count, warnings: r.warning_count },
      })),
      total: { budget: total.toFixed(2, Decimal.ROUND_HALF_UP) },
    };
  }
}

interface Row {
  id: string;
  unit_id: string;
  unit_name: string;
  project_name: string;
  full_year_budget: string | null;
  evaluation_method: string;
  self_score: string | null;
  computed_total: string | null;
  grade: string | null;
  status: EvaluationStatus;
  error_count: number;
  warning_count: number;
}
