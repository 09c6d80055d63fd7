import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { Evaluation, type EvaluationState, type RecordedEvent } from '../domain/evaluation.js';
import { EvaluationNotFoundError, VersionConflictError } from '../domain/evaluation.errors.js';
import { EvaluationStateProjector } from './evaluation-state.projector.js';

const UNIQUE_VIOLATION = '23505';

/**
 * Loads an evaluation from its snapshot row and appends its new events, the outbox rows and the
 * current-state read model in one transaction: an accepted command is all written or not at all.
 */
@Injectable()
export class EvaluationRepository {
  constructor(
    private readonly dataSource: DataSource,
    private readonly projector: EvaluationStateProjector,
  ) {}

  async load(id: string): Promise<Evaluation> {
    const state = await this.loadState(id);
    if (!state) throw new EvaluationNotFoundError(id);
    return Evaluation.fromState(state);
  }

  async loadState(id: string, manager: EntityManager = this.dataSource.manager): Promise<EvaluationState | null> {
    if (!isUuid(id)) return null;
    const rows: { state: EvaluationState }[] = await manager.query('SELECT state FROM evaluations WHERE id = $1', [id]);
    return rows[0]?.state ?? null;
  }

  /** Appends the evaluation's pending events; refuses if someone else moved it since `expectedVersion`. */
  async save(evaluation: Evaluation, expectedVersion?: number): Promise<RecordedEvent[]> {
    const events = [...evaluation.uncommittedEvents];
    if (events.length === 0) return events;
    const loaded = evaluation.loadedVersion;
    if (expectedVersion !== undefined && expectedVersion !== loaded) throw new VersionConflictError(expectedVersion, loaded);
    try {
      await this.dataSource.transaction((manager) => this.saveWithin(manager, evaluation));
    } catch (error) {
      if ((error as { code?: string }).code === UNIQUE_VIOLATION) {
        const current = await this.loadState(evaluation.state.id);
        throw new VersionConflictError(expectedVersion ?? loaded, current?.version ?? null);
      }
      throw error;
    }
    return events;
  }

  /** Writes a new or changed evaluation inside a transaction the caller owns (an import writes many at once). */
  async saveWithin(manager: EntityManager, evaluation: Evaluation): Promise<void> {
    const events = [...evaluation.uncommittedEvents];
    await this.append(manager, events);
    await this.projector.project(manager, events, evaluation.state);
  }

  async append(manager: EntityManager, events: RecordedEvent[]): Promise<void> {
    const values: unknown[] = [];
    const rows = events.map((e, i) => {
      values.push(e.evaluationId, e.version, e.type, JSON.stringify(e.payload), e.actorId, e.occurredAt);
      const o = i * 6;
      return `($${o + 1}, $${o + 2}, $${o + 3}, $${o + 4}::jsonb, $${o + 5}, $${o + 6})`;
    });
    const inserted: { position: string }[] = await manager.query(
      `INSERT INTO evaluation_events (evaluation_id, version, type, payload, actor_id, occurred_at)
       VALUES ${rows.join(', ')} RETURNING position`,
      values,
    );
    const outboxValues: unknown[] = [];
    const outboxRows = events.map((e, i) => {
      outboxValues.push(inserted[i].position, e.evaluationId, e.type, JSON.stringify(e));
      const o = i * 4;
      return `($${o + 1}, $${o + 2}, $${o + 3}, $${o + 4}::jsonb)`;
    });
    await manager.query(`INSERT INTO outbox (event_position, evaluation_id, type, payload) VALUES ${outboxRows.join(', ')}`, outboxValues);
  }

  async history(id: string): Promise<RecordedEvent[]> {
    const rows: { evaluation_id: string; version: number; type: string; payload: unknown; actor_id: string; occurred_at: Date }[] =
      await this.dataSource.query(
        `SELECT evaluation_id, version, type, payload, actor_id, occurred_at FROM evaluation_events
         WHERE evaluation_id = $1 ORDER BY version`,
        [id],
      );
    return rows.map(
      (r) =>
        ({
          type: r.type,
          payload: r.payload,
          evaluationId: r.evaluation_id,
          version: r.version,
          actorId: r.actor_id,
          occurredAt: new Date(r.occurred_at).toISOString(),
        }) as RecordedEvent,
    );
  }
}

export function isUuid(value: string): boolean {
  return /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(value);
}
