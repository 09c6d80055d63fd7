import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { evolve, type EvaluationState, type RecordedEvent } from '../domain/evaluation.js';
import { scoreEvaluation } from '../scoring/score-evaluation.js';
import { ruleSetById } from '../scoring/rule-set.js';

/**
 * Projects an evaluation's events into its current-state row (snapshot + list read model) and its
 * published revisions. Idempotent: the row remembers the last version applied, older events are skipped.
 */
@Injectable()
export class EvaluationStateProjector {
  async project(manager: EntityManager, events: RecordedEvent[], stateAfter?: EvaluationState): Promise<void> {
    if (events.length === 0) return;
    const id = events[0].evaluationId;
    const rows: { state: EvaluationState }[] = await manager.query('SELECT state FROM evaluations WHERE id = $1 FOR UPDATE', [id]);
    const before = rows[0]?.state ?? null;
    const fresh = events.filter((e) => e.version > (before?.version ?? 0));
    if (fresh.length === 0) return;
    if (fresh[0].version !== (before?.version ?? 0) + 1) {
      throw new Error(`Projection gap for evaluation ${id}: at ${before?.version ?? 0}, next event ${fresh[0].version}`);
    }
    const after = stateAfter && stateAfter.version === fresh[fresh.length - 1].version ? stateAfter : fresh.reduce(evolve, before);
    if (!after) return;
    await this.writeRow(manager, after, before === null);
    let replayed = before;
    for (const event of fresh) {
      replayed = evolve(replayed, event);
      if (event.type === 'EvaluationPublished' || (event.type === 'EvaluationImported' && event.payload.published)) {
        await this.writeRevision(manager, replayed, event);
      }
    }
  }

  private async writeRow(manager: EntityManager, state: EvaluationState, insert: boolean): Promise<void> {
    const { scores, findings } = scoreEvaluation(state.form, ruleSetById(state.ruleSetId));
    const total = state.form.funds.total;
    const params = [
      state.id,
      state.version,
      state.revision,
      state.status,
      state.returned,
      state.form.unitId,
      state.form.fiscalYear,
      state.form.projectName,
      state.form.evaluationMethod,
      total?.fullYearBudget ?? null,
      total?.executed ?? null,
      state.form.declared?.total ?? null,
      scores.total,
      scores.grade,
      findings.filter((f) => f.severity === 'error').length,
      findings.filter((f) => f.severity === 'warning').length,
      JSON.stringify(scores),
      JSON.stringify(findings),
      JSON.stringify(state),
      state.createdBy,
      state.createdAt,
      state.updatedAt,
      state.form.declared?.summarySeq ?? null,
      state.form.declared?.summarySelfScore ?? state.form.declared?.total ?? scores.total,
    ];
    if (insert) {
      await manager.query(
        `INSERT INTO evaluations (id, version, revision, status, returned, unit_id, fiscal_year, project_name, evaluation_method,
           full_year_budget, executed, declared_total, computed_total, grade, error_count, warning_count, scores, findings, state,
           created_by, created_at, updated_at, summary_seq, self_score)
         VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15,$16,$17,$18,$19,$20,$21,$22,$23,$24)`,
        params,
      );
      return;
    }
    await manager.query(
      `UPDATE evaluations SET version=$2, revision=$3, status=$4, returned=$5, unit_id=$6, fiscal_year=$7, project_name=$8,
         evaluation_method=$9, full_year_budget=$10, executed=$11, declared_total=$12, computed_total=$13, grade=$14,
         error_count=$15, warning_count=$16, scores=$17, findings=$18, state=$19, created_by=$20, created_at=$21, updated_at=$22,
         summary_seq=$23, self_score=$24
       WHERE id=$1`,
      params,
    );
  }

  private async writeRevision(manager: EntityManager, state: EvaluationState, event: RecordedEvent): Promise<void> {
    const { scores, findings } = scoreEvaluation(state.form, ruleSetById(state.ruleSetId));
    await manager.query(
      `INSERT INTO evaluation_revisions (evaluation_id, revision, version, state, scores, findings, published_at, published_by)
       VALUES ($1,$2,$3,$4,$5,$6,$7,$8) ON CONFLICT (evaluation_id, revision) DO NOTHING`,
      [state.id, state.revision, event.version, JSON.stringify(state), JSON.stringify(scores), JSON.stringify(findings), event.occurredAt, event.actorId],
    );
  }
}
