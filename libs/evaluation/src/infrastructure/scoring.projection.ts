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

  /** Returns whether a new scoring was recorded (false: this input was already scored, or nothing to score). */
  async score(evaluationId: string): Promise<boolean> {
    return this.dataSource.transaction(async (manager) => {
      const rows: { state: EvaluationState }[] = await manager.query('SELECT state FROM evaluations WHERE id = $1', [evaluationId]);
      const state = rows[0]?.state;
      if (!state) return false;
      const { scores, findings } = scoreEvaluation(state.form, ruleSetById(state.ruleSetId));
      const inserted: unknown[] = await manager.query(
        `INSERT INTO evaluation_scorings (evaluation_id, form_version, rule_set_id, scores, findings) VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT DO NOTHING RETURNING evaluation_id`,
        [evaluationId, state.formVersion, state.ruleSetId, JSON.stringify(scores), JSON.stringify(findings)],
      );
      await this.follow(manager, evaluationId);
      return inserted.length > 0;
    });
  }

  /** Copies the recorded scoring of each evaluation's current form version into its read-model row. */
  async follow(manager: EntityManager, evaluationId?: string): Promise<void> {
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
         AND e.scored_version IS DISTINCT FROM s.form_version ${evaluationId ? 'AND e.id = $1' : ''}`,
      evaluationId ? [evaluationId] : [],
    );
  }
}
