import { QueryHandler, Query, type IQueryHandler } from '@nestjs/cqrs';
import { DataSource } from 'typeorm';
import type { AuthenticatedUser } from '#perf-eval/identity';
import { isUuid, Sql } from '#perf-eval/persistence';
import { assertVisible, may } from './evaluation-access.js';
import { EvaluationNotFoundError } from '../domain/evaluation.errors.js';
import type { EvaluationEventType } from '../domain/evaluation.js';
import { describeFormPath } from '../domain/form-path.js';
import { EvaluationRepository } from '../infrastructure/evaluation.repository.js';

export interface HistoryEntry {
  version: number;
  type: string;
  occurredAt: string;
  actor: { id: string; username: string | null; displayName: string | null };
  payload: unknown;
}

/** Which of the history: some event types only; the events' payloads without the whole form an edit, draft or import carries. */
export interface HistoryFilter {
  types?: readonly EvaluationEventType[];
  withForms?: boolean;
}

export class EvaluationHistoryQuery extends Query<HistoryEntry[]> {
  constructor(
    readonly id: string,
    readonly user: AuthenticatedUser,
    readonly filter: HistoryFilter = {},
  ) {
    super();
  }
}

/**
 * The audit trail: every event of the evaluation, oldest first, with who did it and when. A form saved many
 * times has as many edits, each carrying the whole form (~3 KB): `withForms: false` leaves the form out of
 * the payloads (the 操作记录 and the review page need who and when, not the forms), `types` picks events.
 */
@QueryHandler(EvaluationHistoryQuery)
export class EvaluationHistoryHandler implements IQueryHandler<EvaluationHistoryQuery, HistoryEntry[]> {
  constructor(
    private readonly dataSource: DataSource,
    private readonly repository: EvaluationRepository,
  ) {}

  async execute({ id, user, filter }: EvaluationHistoryQuery): Promise<HistoryEntry[]> {
    const state = await this.repository.loadState(id);
    if (state) assertVisible(user, state, id);
    else await this.assertDiscardedVisible(user, id);
    const rows = await Sql.of(this.dataSource).rows<{ version: number; type: string; occurred_at: Date; actor_id: string; username: string | null; display_name: string | null; payload: unknown }>(
      `SELECT ev.version, ev.type, ev.occurred_at, ev.actor_id, u.username, u.display_name,
              CASE WHEN $3 THEN ev.payload ELSE ev.payload - 'form' END AS payload
       FROM evaluation_events ev LEFT JOIN users u ON u.id = ev.actor_id
       WHERE ev.evaluation_id = $1 AND ($2::text[] IS NULL OR ev.type = ANY($2::text[])) ORDER BY ev.version`,
      [id, filter.types ? [...filter.types] : null, filter.withForms ?? true],
    );
    return rows.map((r) => ({
      version: r.version,
      type: r.type,
      occurredAt: new Date(r.occurred_at).toISOString(),
      actor: { id: r.actor_id, username: r.username, displayName: r.display_name },
      payload: withPlaces(r.payload),
    }));
  }

  /** A discarded Draft (删除草稿) has no row, and its history stays readable to whoever could read the form: its unit is its last form's. */
  private async assertDiscardedVisible(user: AuthenticatedUser, id: string): Promise<void> {
    if (!isUuid(id)) throw new EvaluationNotFoundError(id);
    const [last] = await Sql.of(this.dataSource).rows<{ type: string; unit_id: string | null }>(
      `SELECT ev.type, (SELECT f.payload->'form'->>'unitId' FROM evaluation_events f
                        WHERE f.evaluation_id = ev.evaluation_id AND f.payload ? 'form' ORDER BY f.version DESC LIMIT 1) AS unit_id
       FROM evaluation_events ev WHERE ev.evaluation_id = $1 ORDER BY ev.version DESC LIMIT 1`,
      [id],
    );
    if (last?.type !== 'EvaluationDiscarded' || !last.unit_id || !may(user, 'read', { unitId: last.unit_id })) throw new EvaluationNotFoundError(id);
  }
}

type TargetedComment = { target?: string | null; place?: string | null };

/** A review's comments name the place they point at (表中位置, as the form view names them), next to the path. */
function withPlaces(payload: unknown): unknown {
  if (payload === null || typeof payload !== 'object') return payload;
  const p = payload as { comments?: TargetedComment[]; comment?: TargetedComment | null };
  const place = (c: TargetedComment) => ({ ...c, place: c.target ? describeFormPath(c.target) : null });
  if (!Array.isArray(p.comments) && (p.comment === null || typeof p.comment !== 'object')) return payload;
  return {
    ...p,
    ...(Array.isArray(p.comments) ? { comments: p.comments.map(place) } : {}),
    ...(p.comment && typeof p.comment === 'object' ? { comment: place(p.comment) } : {}),
  };
}
