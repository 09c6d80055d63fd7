import { QueryHandler, Query, type IQueryHandler } from '@nestjs/cqrs';
import { DataSource } from 'typeorm';
import { Decimal } from 'decimal.js';
import { seesAllUnits, type AuthenticatedUser } from '#perf-eval/identity';
import type { EvaluationStatus, EvaluationForm, EvaluationScores } from '#perf-eval/evaluation';
import { selfScore, verifiedTotal, type Verification } from '#perf-eval/evaluation';
import type { SummaryRow, SummaryTable } from './summary-table.js';
import { SqlFilter, readQuery } from '#perf-eval/persistence';

export class SummaryQuery extends Query<SummaryTable> {
  constructor(
    readonly user: AuthenticatedUser,
    readonly fiscalYear?: number,
    readonly unitId?: string,
  ) {
    super();
  }
}

/**
 * The 项目绩效评价明细表 from the evaluations table: source order first (the paper's 序号), then creation order.
 *
 * A published form that is being corrected (更正: reopened into a new revision, not yet published) keeps
 * showing its last published revision — figures, score, grade, status — with `correcting: true`, until
 * the new revision is published. A form never published shows what it holds now (as before), with its
 * status, so that the table also tells how far each form has come.
 */
@QueryHandler(SummaryQuery)
export class SummaryHandler implements IQueryHandler<SummaryQuery, SummaryTable> {
  constructor(private readonly dataSource: DataSource) {}

  async execute({ user, fiscalYear, unitId }: SummaryQuery): Promise<SummaryTable> {
    const sql = new SqlFilter()
      .addIf(!seesAllUnits(user), 'e.unit_id = ANY(?::uuid[])', user.unitIds)
      .addIf(unitId, 'e.unit_id = ?', unitId)
      .addIf(fiscalYear, 'e.fiscal_year = ?', fiscalYear);
    // p: the last published revision of a form whose current revision is not published (a correction
    // under way), with the scoring recorded for that revision's form version. Only a form past its first
    // revision can have one (a reopen starts a new revision), so the others skip the look-up.
    const rows: Row[] = await readQuery(this.dataSource, 
      `SELECT e.id, e.unit_id, u.name AS unit_name, e.project_name, e.full_year_budget, e.evaluation_method, e.self_score,
              e.computed_total, e.grade, e.status, e.scores->'budgetScore' AS budget_score, e.state->'verification' AS verification, e.error_count, e.warning_count, e.revision,
              p.revision AS published_revision, p.form AS published_form, p.status AS published_status, p.scores AS published_scores,
              p.errors AS published_errors, p.warnings AS published_warnings, p.verification AS published_verification
       FROM evaluations e JOIN units u ON u.id = e.unit_id
       LEFT JOIN LATERAL (
         SELECT r.revision, r.state->'form' AS form, r.state->>'status' AS status, s.scores, r.state->'verification' AS verification,
                (SELECT count(*) FROM jsonb_array_elements(COALESCE(s.findings, '[]'::jsonb)) f WHERE f->>'severity' = 'error')::int AS errors,
                (SELECT count(*) FROM jsonb_array_elements(COALESCE(s.findings, '[]'::jsonb)) f WHERE f->>'severity' = 'warning')::int AS warnings
         FROM evaluation_revisions r
         LEFT JOIN LATERAL (
           SELECT s.scores, s.findings FROM evaluation_scorings s
           WHERE s.evaluation_id = r.evaluation_id AND s.form_version = r.form_version AND s.rule_set_id = r.state->>'ruleSetId'
           ORDER BY s.recorded_at DESC LIMIT 1
         ) s ON true
         WHERE r.evaluation_id = e.id AND e.status <> 'Published' AND e.revision > 1
         ORDER BY r.revision DESC LIMIT 1
       ) p ON true
       ${sql.where}
       ORDER BY u.name, e.fiscal_year, e.summary_seq NULLS LAST, e.created_at, e.id`,
      sql.params,
    );
    const shown = rows.map(shownFigures);
    const units = new Set(rows.map((r) => r.unit_name));
    const total = shown.reduce((sum, r) => (r.budget === null ? sum : sum.plus(r.budget)), new Decimal(0));
    return {
      fiscalYear: fiscalYear ?? null,
      unitName: units.size === 1 ? [...units][0] : null,
      rows: rows.map<SummaryRow>((r, i) => {
        const f = shown[i];
        return {
          seq: i + 1,
          evaluationId: r.id,
          unitId: r.unit_id,
          unitName: r.unit_name,
          projectName: f.projectName,
          budget: f.budget === null ? null : new Decimal(f.budget).toFixed(2, Decimal.ROUND_HALF_UP),
          evaluationMethod: f.evaluationMethod,
          selfScore: f.selfScore,
          verifiedScore: f.verifiedScore,
          computedScore: f.computedScore,
          grade: f.grade,
          status: f.status,
          findings: f.findings,
          revision: f.revision,
          correcting: r.published_revision !== null,
          currentRevision: r.revision,
          currentStatus: r.status,
        };
      }),
      total: { budget: total.toFixed(2, Decimal.ROUND_HALF_UP) },
    };
  }
}

/** The figures a row shows: its last published revision's while a correction is under way, else its own. */
function shownFigures(r: Row) {
  if (r.published_revision === null || r.published_form === null) {
    return {
      projectName: r.project_name,
      budget: r.full_year_budget,
      evaluationMethod: r.evaluation_method,
      selfScore: r.self_score === null ? null : Number(r.self_score),
      verifiedScore: verifiedTotal(r.verification, r.budget_score),
      computedScore: r.computed_total === null ? null : Number(r.computed_total),
      grade: r.grade,
      status: r.status,
      findings: { errors: r.error_count, warnings: r.warning_count },
      revision: r.revision,
    };
  }
  const form = r.published_form;
  const computed = r.published_scores?.total ?? null;
  return {
    projectName: form.projectName,
    budget: form.funds?.total?.fullYearBudget ?? null,
    evaluationMethod: form.evaluationMethod,
    selfScore: selfScore(form.declared, computed),
    verifiedScore: verifiedTotal(r.published_verification, r.published_scores?.budgetScore ?? null),
    computedScore: computed,
    grade: r.published_scores?.grade ?? null,
    status: (r.published_status ?? 'Published') as EvaluationStatus,
    findings: { errors: r.published_errors ?? 0, warnings: r.published_warnings ?? 0 },
    revision: r.published_revision,
  };
}

interface Row {
  budget_score: number | null;
  verification: Verification | null;
  published_verification: Verification | null;
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
  revision: number;
  published_revision: number | null;
  published_form: EvaluationForm | null;
  published_status: string | null;
  published_scores: EvaluationScores | null;
  published_errors: number | null;
  published_warnings: number | null;
}
