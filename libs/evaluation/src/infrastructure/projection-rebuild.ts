import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Sql } from '#perf-eval/persistence';
import type { RecordedEvent } from '../domain/evaluation.js';
import { EvaluationStateProjector } from './evaluation-state.projector.js';
import { ScoringProjection } from './scoring.projection.js';
import { EvaluationCounts } from './evaluation-counts.js';

const BATCH = 500;

/**
 * Rebuilds every read model from the event history in one transaction: readers keep the old tables
 * until the new ones are complete.
 */
@Injectable()
export class ProjectionRebuild {
  constructor(
    private readonly dataSource: DataSource,
    private readonly projector: EvaluationStateProjector,
    private readonly scoring: ScoringProjection,
    private readonly counts: EvaluationCounts,
  ) {}

  async run(): Promise<{ evaluations: number; events: number }> {
    return this.dataSource.transaction(async (manager) => {
      const sql = Sql.of(manager);
      await sql.execute('LOCK TABLE evaluations, evaluation_revisions IN EXCLUSIVE MODE');
      await sql.affected('DELETE FROM evaluation_revisions');
      await sql.affected('DELETE FROM evaluations');
      const ids = await sql.rows<{ evaluation_id: string }>(
        'SELECT evaluation_id FROM evaluation_events GROUP BY evaluation_id ORDER BY min(position)',
      );
      let events = 0;
      for (let i = 0; i < ids.length; i += BATCH) {
        const batch = ids.slice(i, i + BATCH).map((r) => r.evaluation_id);
        const rows = await sql.rows<{ evaluation_id: string; version: number; type: string; payload: unknown; actor_id: string; occurred_at: Date }>(
          `SELECT evaluation_id, version, type, payload, actor_id, occurred_at FROM evaluation_events
           WHERE evaluation_id = ANY($1::uuid[]) ORDER BY evaluation_id, version`,
          [batch],
        );
        const streams = new Map<string, RecordedEvent[]>();
        for (const r of rows) {
          const event = { type: r.type, payload: r.payload, evaluationId: r.evaluation_id, version: r.version, actorId: r.actor_id, occurredAt: new Date(r.occurred_at).toISOString() } as RecordedEvent;
          streams.set(r.evaluation_id, [...(streams.get(r.evaluation_id) ?? []), event]);
        }
        for (const id of batch) await this.projector.project(manager, streams.get(id) ?? []);
        events += rows.length;
      }
      await this.scoring.follow(manager);
      // The row trigger tracked every delete and insert; the correction only guards against what it could not see.
      await this.counts.refresh(manager);
      return { evaluations: ids.length, events };
    });
  }
}
