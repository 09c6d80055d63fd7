import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { Sql } from '#perf-eval/persistence';
import type { EvaluationState } from '../domain/evaluation.js';
import type { Finding } from '../scoring/finding.js';
import { ruleSetById, ruleSets, ruleSetVersion } from '../scoring/rule-set.js';
import { scoreEvaluation, type EvaluationScores } from '../scoring/score-evaluation.js';
import { DECLARED_SELF_SCORE_FIELDS } from '../scoring/self-score.js';

/** One scoring of one form version under one version of the rule data, as evaluation_scorings records it. */
export interface ScoringRecord {
  evaluationId: string;
  formVersion: number;
  ruleSetId: string;
  ruleVersion: string;
  scores: EvaluationScores;
  findings: Finding[];
}

/** Scores an evaluation's current form under its rule set: what a command and the worker both record. */
export function scoringOf(state: EvaluationState): ScoringRecord {
  const ruleSet = ruleSetById(state.ruleSetId);
  const { scores, findings } = scoreEvaluation(state.form, ruleSet);
  return { evaluationId: state.id, formVersion: state.formVersion, ruleSetId: state.ruleSetId, ruleVersion: ruleSetVersion(ruleSet), scores, findings };
}

/** `selfScore` (scoring/self-score.ts) in SQL, over SQL expressions for the declared figure and the computed total. */
export function selfScoreSql(declared: string, computedTotal: string): string {
  return `COALESCE(${declared}, ${computedTotal})`;
}

/** `declaredSelfScore` (scoring/self-score.ts) in SQL, over a stored form (jsonb): the same fields in the same order. */
export function declaredSelfScoreSql(form: string): string {
  return `COALESCE(${DECLARED_SELF_SCORE_FIELDS.map((field) => `(${form}->'declared'->>'${field}')::numeric`).join(', ')})`;
}

/**
 * The read-model columns a scoring sets, as [column, SQL expression] pairs over SQL expressions for the
 * scoring's parts, so that a command's own statement and `follow` write the same columns.
 * `declaredSelfScore` is what the paper form declared (null when it declared nothing).
 */
export function scoredColumns(from: {
  scores: string;
  findings: string;
  total: string;
  grade: string;
  errorCount: string;
  warningCount: string;
  formVersion: string;
  ruleVersion: string;
  declaredSelfScore: string;
}): [string, string][] {
  return [
    ['scores', from.scores],
    ['findings', from.findings],
    ['computed_total', from.total],
    ['grade', from.grade],
    ['error_count', from.errorCount],
    ['warning_count', from.warningCount],
    ['self_score', selfScoreSql(from.declaredSelfScore, from.total)],
    ['scored_version', from.formVersion],
    ['scored_rule_version', from.ruleVersion],
  ];
}

/** The parts of a scoring the read model keeps in columns of their own, as a command passes them to SQL. */
export function scoredValues(scoring: ScoringRecord): { total: string | null; grade: string | null; errorCount: number; warningCount: number } {
  const { total, grade } = scoring.scores;
  return {
    // A number of at most 2 decimals prints as exactly that decimal; (scores->>'total')::numeric reads the same text.
    total: total === null ? null : String(total),
    grade,
    errorCount: scoring.findings.filter((f) => f.severity === 'error').length,
    warningCount: scoring.findings.filter((f) => f.severity === 'warning').length,
  };
}

/**
 * ScoresRecomputed: a scoring is recorded once per (evaluation, form version, rule set, rule version).
 * Commands that change a form record theirs in their own statement (EvaluationRepository); the worker
 * uses this projection for what no command does: bulk recomputes and rescoring after a change of rules.
 * The read model follows only if the form has not moved on since.
 */
@Injectable()
export class ScoringProjection {
  constructor(private readonly dataSource: DataSource) {}

  /** Returns how many new scorings were recorded (0: these inputs were already scored, or nothing to score). */
  async score(...evaluationIds: string[]): Promise<number> {
    if (evaluationIds.length === 0) return 0;
    return this.dataSource.transaction(async (manager) => {
      const sql = Sql.of(manager);
      const rows = await sql.rows<{ state: EvaluationState }>('SELECT state FROM evaluations WHERE id = ANY($1::uuid[])', [evaluationIds]);
      const records = rows.map(({ state }) => {
        const { evaluationId, formVersion, ruleSetId, ruleVersion, scores, findings } = scoringOf(state);
        return { evaluation_id: evaluationId, form_version: formVersion, rule_set_id: ruleSetId, rule_version: ruleVersion, scores, findings };
      });
      if (records.length === 0) return 0;
      const inserted = await sql.rows(
        `INSERT INTO evaluation_scorings (evaluation_id, form_version, rule_set_id, rule_version, scores, findings)
         SELECT evaluation_id, form_version, rule_set_id, rule_version, scores, findings FROM jsonb_to_recordset($1::jsonb)
           AS r(evaluation_id uuid, form_version integer, rule_set_id text, rule_version text, scores jsonb, findings jsonb)
         ON CONFLICT DO NOTHING RETURNING evaluation_id`,
        [JSON.stringify(records)],
      );
      await this.follow(manager, evaluationIds);
      return inserted.length;
    });
  }

  /**
   * Evaluations whose read model does not show a scoring of their current form under the rule data the
   * rule sets say now: scored under old rules (a deployment changed them), or never scored for their
   * current form (written before commands scored their own forms). `from` is the rule version shown now.
   */
  async scoringsDue(limit = 100_000): Promise<{ id: string; formVersion: number; from: string | null; version: string }[]> {
    const current = [...ruleSets.values()].map((r) => ({ id: r.id, version: ruleSetVersion(r) }));
    const rows = await Sql.of(this.dataSource).rows<{ id: string; form_version: number; from: string | null; version: string }>(
      `SELECT e.id, e.form_version, e.scored_rule_version AS from, r.version FROM evaluations e
         JOIN jsonb_to_recordset($1::jsonb) AS r(id text, version text) ON r.id = e.state->>'ruleSetId'
       WHERE e.scored_rule_version IS DISTINCT FROM r.version OR e.scored_version IS DISTINCT FROM e.form_version
       ORDER BY e.id LIMIT $2`,
      [JSON.stringify(current), limit],
    );
    return rows.map((r) => ({ id: r.id, formVersion: r.form_version, from: r.from, version: r.version }));
  }

  /** Copies the recorded scoring of each evaluation's current form version into its read-model row. */
  async follow(manager: EntityManager, evaluationIds?: string[]): Promise<void> {
    const count = (severity: string) => `(SELECT count(*) FROM jsonb_array_elements(s.findings) f WHERE f->>'severity' = '${severity}')`;
    const columns = scoredColumns({
      scores: 's.scores',
      findings: 's.findings',
      total: `(s.scores->>'total')::numeric`,
      grade: `s.scores->>'grade'`,
      errorCount: count('error'),
      warningCount: count('warning'),
      formVersion: 's.form_version',
      ruleVersion: 's.rule_version',
      declaredSelfScore: declaredSelfScoreSql(`e.state->'form'`),
    });
    await Sql.of(manager).affected(
      `UPDATE evaluations e SET ${columns.map(([column, value]) => `${column} = ${value}`).join(', ')}
       FROM (SELECT DISTINCT ON (evaluation_id, form_version, rule_set_id) * FROM evaluation_scorings
             ${evaluationIds ? 'WHERE evaluation_id = ANY($1::uuid[])' : ''}
             ORDER BY evaluation_id, form_version, rule_set_id, recorded_at DESC) s
       WHERE s.evaluation_id = e.id AND s.form_version = e.form_version AND s.rule_set_id = e.state->>'ruleSetId'
         AND (e.scored_version, e.scored_rule_version) IS DISTINCT FROM (s.form_version, s.rule_version)
         ${evaluationIds ? 'AND e.id = ANY($1::uuid[])' : ''}`,
      evaluationIds ? [evaluationIds] : [],
    );
  }
}
