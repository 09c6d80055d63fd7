import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import type { EvaluationState } from '../domain/evaluation.js';
import { ruleSetById, ruleSets, ruleSetVersion } from '../scoring/rule-set.js';
import { scoreEvaluation } from '../scoring/score-evaluation.js';

/**
 * ScoresRecomputed: the worker scores the form version an evaluation has now and records it once per
 * (evaluation, form version, rule set); the read model follows only if the form has not moved on since.
 */
@Injectable()
export class ScoringProjection {
  constructor(private readonly dataSource: DataSource) {}

  /** Returns how many new scorings were recorded (0: these inputs were already scored, or nothing to score). */
  async score(...evaluationIds: string[]): Promise<number> {
    if (evaluationIds.length === 0) return 0;
    return this.dataSource.transaction(async (manager) => {
      const rows: { state: EvaluationState }[] = await manager.query('SELECT state FROM evaluations WHERE id = ANY($1::uuid[])', [evaluationIds]);
      const records = rows.map(({ state }) => {
        const ruleSet = ruleSetById(state.ruleSetId);
        const { scores, findings } = scoreEvaluation(state.form, ruleSet);
        return { evaluation_id: state.id, form_version: state.formVersion, rule_set_id: state.ruleSetId, rule_version: ruleSetVersion(ruleSet), scores, findings };
      });
      if (records.length === 0) return 0;
      const inserted: unknown[] = await manager.query(
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
   * Evaluations last scored under other rule data than the rule sets say now (after a deployment changed
   * them). Forms never scored yet are not listed: their own events bring them to the worker.
   */
  async scoredUnderOldRules(limit = 100_000): Promise<{ id: string; from: string; version: string }[]> {
    const current = [...ruleSets.values()].map((r) => ({ id: r.id, version: ruleSetVersion(r) }));
    const rows: { id: string; from: string; version: string }[] = await this.dataSource.query(
      `SELECT e.id, e.scored_rule_version AS from, r.version FROM evaluations e
         JOIN jsonb_to_recordset($1::jsonb) AS r(id text, version text) ON r.id = e.state->>'ruleSetId'
       WHERE e.scored_rule_version IS NOT NULL AND e.scored_rule_version <> r.version ORDER BY e.id LIMIT $2`,
      [JSON.stringify(current), limit],
    );
    return rows;
  }

  /** Copies the recorded scoring of each evaluation's current form version into its read-model row. */
  async follow(manager: EntityManager, evaluationIds?: string[]): Promise<void> {
    await manager.query(
      `UPDATE evaluations e SET
         scores = s.scores,
         findings = s.findings,
         computed_total = (s.scores->>'total')::numeric,
         grade = s.scores->>'grade',
         error_count = (SELECT count(*) FROM jsonb_array_elements(s.findings) f WHERE f->>'severity' = 'error'),
         warning_count = (SELECT count(*) FROM jsonb_array_elements(s.findings) f WHERE f->>'severity' = 'warning'),
         self_score = COALESCE((e.state->'form'->'declared'->>'summarySelfScore')::numeric, (e.state->'form'->'declared'->>'total')::numeric, (s.scores->>'total')::numeric),
         scored_version = s.form_version,
         scored_rule_version = s.rule_version
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
