import { QueryHandler, Query, type IQueryHandler } from '@nestjs/cqrs';
import { DataSource } from 'typeorm';
import type { AuthenticatedUser } from '#perf-eval/identity';
import { Sql } from '#perf-eval/persistence';
import { assertVisible } from './evaluation-access.js';
import { EvaluationRepository } from '../infrastructure/evaluation.repository.js';

export interface HistoryEntry {
  version: number;
  type: string;
  occurredAt: string;
  actor: { id: string; username: string | null; displayName: string | null };
  payload: unknown;
}

export class EvaluationHistoryQuery extends Query<HistoryEntry[]> {
  constructor(
    readonly id: string,
    readonly user: AuthenticatedUser,
  ) {
    super();
  }
}

/** The audit trail: every event of the evaluation, oldest first, with who did it and when. */
@QueryHandler(EvaluationHistoryQuery)
export class EvaluationHistoryHandler implements IQueryHandler<EvaluationHistoryQuery, HistoryEntry[]> {
  constructor(
    private readonly dataSource: DataSource,
    private readonly repository: EvaluationRepository,
  ) {}

  async execute({ id, user }: EvaluationHistoryQuery): Promise<HistoryEntry[]> {
    assertVisible(user, await this.repository.loadState(id), id);
    const rows = await Sql.of(this.dataSource).rows<{ version: number; type: string; occurred_at: Date; actor_id: string; username: string | null; display_name: string | null; payload: unknown }>(
      `SELECT ev.version, ev.type, ev.occurred_at, ev.actor_id, u.username, u.display_name, ev.payload
       FROM evaluation_events ev LEFT JOIN users u ON u.id = ev.actor_id
       WHERE ev.evaluation_id = $1 ORDER BY ev.version`,
      [id],
    );
    return rows.map((r) => ({
      version: r.version,
      type: r.type,
      occurredAt: new Date(r.occurred_at).toISOString(),
      actor: { id: r.actor_id, username: r.username, displayName: r.display_name },
      payload: r.payload,
    }));
  }
}
