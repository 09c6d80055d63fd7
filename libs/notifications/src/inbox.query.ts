import { QueryHandler, Query, type IQueryHandler } from '@nestjs/cqrs';
import { DataSource } from 'typeorm';
import { seesAllUnits, visibleUnitIds, type AuthenticatedUser } from '#perf-eval/identity';
import { Sql } from '#perf-eval/persistence';
import type { NotificationKind, NotificationMessage } from './notification.js';

/** A notification as its recipient reads it. */
export type InboxItem = Omit<NotificationMessage, 'recipientId'> & { readAt: string | null };

export class InboxQuery extends Query<InboxItem[]> {
  constructor(
    readonly user: AuthenticatedUser,
    readonly unreadOnly: boolean,
    readonly limit: number,
  ) {
    super();
  }
}

@QueryHandler(InboxQuery)
export class InboxHandler implements IQueryHandler<InboxQuery, InboxItem[]> {
  constructor(private readonly dataSource: DataSource) {}

  async execute({ user, unreadOnly, limit }: InboxQuery): Promise<InboxItem[]> {
    // A notice about a form of a unit the reader no longer sees (moved to another unit) is not shown: that
    // form answers 404 to them, its name and id stay in its unit (the access rule of GET, canSeeUnit: their
    // own units and their departments' units, visibleUnitIds).
    const rows = await Sql.of(this.dataSource).rows<{
      id: string;
      kind: NotificationKind;
      evaluation_id: string | null;
      cycle_id: string | null;
      title: string;
      body: string;
      link: string | null;
      created_at: Date;
      read_at: Date | null;
    }>(
      `SELECT n.id, n.kind, n.evaluation_id, n.cycle_id, n.title, n.body, n.link, n.created_at, n.read_at FROM notifications n
       WHERE n.recipient_id = $1 ${unreadOnly ? 'AND n.read_at IS NULL' : ''}
         AND ($3::boolean OR n.evaluation_id IS NULL
              OR EXISTS (SELECT 1 FROM evaluations e WHERE e.id = n.evaluation_id AND e.unit_id = ANY($4::uuid[])))
       ORDER BY n.created_at DESC, n.id LIMIT $2`,
      [user.id, limit, seesAllUnits(user), visibleUnitIds(user)],
    );
    return rows.map((r) => ({
      id: r.id,
      kind: r.kind,
      evaluationId: r.evaluation_id,
      cycleId: r.cycle_id,
      title: r.title,
      body: r.body,
      link: r.link,
      createdAt: new Date(r.created_at).toISOString(),
      readAt: r.read_at ? new Date(r.read_at).toISOString() : null,
    }));
  }
}
