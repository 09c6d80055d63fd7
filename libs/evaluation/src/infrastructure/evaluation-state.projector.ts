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
    if (insert) {
      await manager.query(
        `INSERT INTO evaluations (id, version, revision, status, returned, unit_id, fiscal_year, project_name, evaluation_method,
           full_year_budget, executed, declared_total, state, created_by, created_at, updated_at, summary_seq, self_score,
           cycle_id, form_version, submitted_at)
         VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15,$16,$17,$18,$19,$20,$21)`,
        rowParams(state),
      );
      return;
    }
    const update = rowUpdate(state, 0);
    await manager.query(update.sql, update.params);
  }

}

function rowParams(state: EvaluationState): unknown[] {
  const { form } = state;
  return [
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
}

/**
 * The UPDATE of an evaluation's row to `state`, with parameters numbered from `offset + 1`, so that the
 * repository can append events and move the row in one statement. `expectedVersion` (when given) makes
 * the row move only from the version the command loaded.
 * A changed form keeps its last scores until the worker scores it (scored_version < form_version shows it).
 */
export function rowUpdate(state: EvaluationState, offset: number, expectedVersion?: number): { sql: string; params: unknown[] } {
  const p = (n: number) => `$${offset + n}`;
  const params = rowParams(state);
  const guard = expectedVersion === undefined ? '' : ` AND version = ${p(params.length + 1)}`;
  return {
    sql: `UPDATE evaluations SET version=${p(2)}, revision=${p(3)}, status=${p(4)}, returned=${p(5)}, unit_id=${p(6)}, fiscal_year=${p(7)},
         project_name=${p(8)}, evaluation_method=${p(9)}, full_year_budget=${p(10)}, executed=${p(11)}, declared_total=${p(12)},
         state=${p(13)}, created_by=${p(14)}, created_at=${p(15)}, updated_at=${p(16)}, summary_seq=${p(17)},
         self_score=COALESCE(${p(18)}, computed_total), cycle_id=${p(19)}, form_version=${p(20)}, submitted_at=${p(21)}
       WHERE id=${p(1)}${guard}`,
    params: expectedVersion === undefined ? params : [...params, expectedVersion],
  };
}
