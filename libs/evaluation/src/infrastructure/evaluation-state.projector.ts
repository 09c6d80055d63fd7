import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { evolve, type EvaluationState, type RecordedEvent } from '../domain/evaluation.js';

/**
 * Projects an evaluation's events into its current-state row (snapshot + list read model) and its
 * published revisions. Idempotent: the row remembers the last version applied, older events are skipped.
 * Scores and findings are not computed here: the scoring worker records them and ScoringProjection follows.
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
        await manager.query(
          `INSERT INTO evaluation_revisions (evaluation_id, revision, version, form_version, state, published_at, published_by)
           VALUES ($1,$2,$3,$4,$5,$6,$7) ON CONFLICT (evaluation_id, revision) DO NOTHING`,
          [replayed.id, replayed.revision, event.version, replayed.formVersion, JSON.stringify(replayed), event.occurredAt, event.actorId],
        );
      }
    }
  }

  private async writeRow(manager: EntityManager, state: EvaluationState, insert: boolean): Promise<void> {
    const { form } = state;
    const params = [
      state.id,
      state.version,
      state.revision,
      state.status,
      state.returned,
      form.unitId,
      form.fiscalYear,
      form.projectName,
      form.evaluationMethod,
      form.funds.total?.fullYearBudget ?? null,
      form.funds.total?.executed ?? null,
      form.declared?.total ?? null,
      JSON.stringify(state),
      state.createdBy,
      state.createdAt,
      state.updatedAt,
      form.declared?.summarySeq ?? null,
      form.declared?.summarySelfScore ?? form.declared?.total ?? null,
      form.cycleId ?? null,
      state.formVersion,
      state.submittedAt,
    ];
    if (insert) {
      await manager.query(
        `INSERT INTO evaluations (id, version, revision, status, returned, unit_id, fiscal_year, project_name, evaluation_method,
           full_year_budget, executed, declared_total, state, created_by, created_at, updated_at, summary_seq, self_score,
           cycle_id, form_version, submitted_at)
         VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15,$16,$17,$18,$19,$20,$21)`,
        params,
      );
      return;
    }
    // A changed form keeps its last scores until the worker scores it (scored_version < form_version shows it).
    await manager.query(
      `UPDATE evaluations SET version=$2, revision=$3, status=$4, returned=$5, unit_id=$6, fiscal_year=$7, project_name=$8,
         evaluation_method=$9, full_year_budget=$10, executed=$11, declared_total=$12, state=$13, created_by=$14, created_at=$15,
         updated_at=$16, summary_seq=$17, self_score=COALESCE($18, computed_total), cycle_id=$19, form_version=$20, submitted_at=$21
       WHERE id=$1`,
      params,
    );
  }
}
