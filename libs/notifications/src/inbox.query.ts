import { QueryHandler, Query, type IQueryHandler } from '@nestjs/cqrs';
import { DataSource } from 'typeorm';
import type { NotificationKind, NotificationMessage } from './notification.js';

/** A notification as its recipient reads it. */
export type InboxItem = Omit<NotificationMessage, 'recipientId'> & { readAt: string | null };

export class InboxQuery extends Query<InboxItem[]> {
  constructor(
    readonly userId: string,
    readonly unreadOnly: boolean,
    readonly limit: number,
  ) {
    super();
  }
}

@QueryHandler(InboxQuery)
export class InboxHandler implements IQueryHandler<InboxQuery, InboxItem[]> {
  constructor(private readonly dataSource: DataSource) {}

  async execute({ userId, unreadOnly, limit }: InboxQuery): Promise<InboxItem[]> {
    const rows: { id: string; kind: NotificationKind; evaluation_id: string | null; cycle_id: string | null; title: string; body: string; link: string | null; created_at: Date; read_at: Date | null }[] =
      await this.dataSource.query(
        `SELECT id, kind, evaluation_id, cycle_id, title, body, link, created_at, read_at FROM notifications
         WHERE recipient_id = $1 ${unreadOnly ? 'AND read_at IS NULL' : ''} ORDER BY created_at DESC, id LIMIT $2`,
        [userId, limit],
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
