import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Sql } from '#perf-eval/persistence';
import type { RecordedEvent } from '../domain/evaluation.js';

/** An event waiting in the outbox, with its position in the event log (stable: it names the queue's jobs). */
export interface OutboxEvent {
  position: string;
  event: RecordedEvent;
}

/**
 * The outbox the commands write in the statement of their events. Several relays may dispatch at once:
 * rows are claimed with SKIP LOCKED, and marked dispatched only after `send` accepted them, in the same
 * transaction; if `send` throws, they stay pending.
 */
@Injectable()
export class EvaluationOutbox {
  constructor(private readonly dataSource: DataSource) {}

  /** Claims up to `limit` pending events, oldest first, hands them to `send`, and marks them dispatched. Answers how many. */
  async dispatch(limit: number, send: (events: OutboxEvent[]) => Promise<void>): Promise<number> {
    return this.dataSource.transaction(async (manager) => {
      const sql = Sql.of(manager);
      const rows = await sql.rows<{ id: string; event_position: string; evaluation_id: string; version: number; type: string; payload: unknown; actor_id: string; occurred_at: Date }>(
        `SELECT o.id, o.event_position, e.evaluation_id, e.version, e.type, e.payload, e.actor_id, e.occurred_at
         FROM outbox o JOIN evaluation_events e ON e.position = o.event_position
         WHERE o.dispatched_at IS NULL ORDER BY o.id LIMIT $1 FOR UPDATE OF o SKIP LOCKED`,
        [limit],
      );
      if (rows.length === 0) return 0;
      await send(
        rows.map((r) => ({
          position: r.event_position,
          event: { type: r.type, payload: r.payload, evaluationId: r.evaluation_id, version: r.version, actorId: r.actor_id, occurredAt: new Date(r.occurred_at).toISOString() } as RecordedEvent,
        })),
      );
      await sql.affected(`UPDATE outbox SET dispatched_at = now() WHERE id = ANY($1::bigint[])`, [rows.map((r) => r.id)]);
      return rows.length;
    });
  }
}
