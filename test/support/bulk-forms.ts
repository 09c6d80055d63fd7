import type { ApiProcess } from './api-process.js';

/**
 * A city's year in one statement: `count` Draft copies of the first form of `fromYear` into `fiscalYear`,
 * each with its own id, name (`${namePrefix} n`), creation time and budget (`budget`: a SQL expression of n),
 * then the counters folded (the row trigger keeps their deltas, as for any write).
 */
export async function copyForms(api: ApiProcess, { fromYear, fiscalYear, count, namePrefix, budget }: { fromYear: number; fiscalYear: number; count: number; namePrefix: string; budget: string }): Promise<void> {
  await api.query(
    `INSERT INTO evaluations (id, version, revision, status, returned, unit_id, fiscal_year, project_name, evaluation_method,
                              full_year_budget, executed, declared_total, computed_total, grade, error_count, warning_count,
                              scores, findings, state, created_by, created_at, updated_at, summary_seq, self_score, cycle_id,
                              form_version, scored_version, submitted_at, scored_rule_version, last_edited_by, missing_count, marked_down_count)
     SELECT gen_random_uuid(), 1, 1, 'Draft', false, e.unit_id, $1, $4 || ' ' || n, e.evaluation_method,
            ${budget}, e.executed, e.declared_total, e.computed_total, e.grade, e.error_count, e.warning_count,
            e.scores, e.findings, e.state, e.created_by, e.created_at + make_interval(secs => n), e.updated_at, NULL, e.self_score, NULL,
            1, 1, NULL, e.scored_rule_version, e.last_edited_by, e.missing_count, e.marked_down_count
     FROM generate_series(1, $2::int) n CROSS JOIN (SELECT * FROM evaluations WHERE fiscal_year = $3 ORDER BY created_at LIMIT 1) e`,
    [fiscalYear, count, fromYear, namePrefix],
  );
  await api.query('SELECT evaluation_counts_fold()');
}
