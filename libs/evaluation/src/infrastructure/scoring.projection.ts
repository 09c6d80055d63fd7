import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import type { EvaluationState } from '../domain/evaluation.js';
import { ruleSetById } from '../scoring/rule-set.js';
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
        const { scores, findings } = scoreEvaluation(state.form, ruleSetById(state.ruleSetId));
        return { evaluation_id: state.id, form_version: state.formVersion, rule_set_id: state.ruleSetId, scores, findings };
      });
      if (records.length === 0) return 0;
      const inserted: unknown[] = await manager.query(
        `INSERT INTO evaluation_scorings (evaluation_id, form_version, rule_set_id, scores, findings)
         SELECT evaluation_id, form_version, rule_set_id, scores, findings FROM jsonb_to_recordset($1::jsonb)
           AS r(evaluation_id uuid, form_version integer, rule_set_id text, scores jsonb, findings jsonb)
         ON CONFLICT DO NOTHING RETURNING evaluation_id`,
        [JSON.stringify(records)],
      );
      await this.follow(manager, evaluationIds);
      return inserted.length;
    });
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
         scored_version = s.form_version
       FROM evaluation_scorings s
       WHERE s.evaluation_id = e.id AND s.form_version = e.form_version AND s.rule_set_id = e.state->>'ruleSetId'
         AND e.scored_version IS DISTINCT FROM s.form_version ${evaluationIds ? 'AND e.id = ANY($1::uuid[])' : ''}`,
      evaluationIds ? [evaluationIds] : [],
    );
  }
}
