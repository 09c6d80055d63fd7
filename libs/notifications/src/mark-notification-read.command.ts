import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { DataSource } from 'typeorm';
import { isUuid, Sql } from '#perf-eval/persistence';

/** When a notification was first read; null when the recipient has no notification of that id. */
export type NotificationRead = { id: string; readAt: string } | null;

/** Marks one of the recipient's notifications read (again: the first reading time stays). */
export class MarkNotificationReadCommand extends Command<NotificationRead> {
  constructor(
    readonly recipientId: string,
    readonly notificationId: string,
  ) {
    super();
  }
}

@CommandHandler(MarkNotificationReadCommand)
export class MarkNotificationReadHandler implements ICommandHandler<MarkNotificationReadCommand, NotificationRead> {
  constructor(private readonly dataSource: DataSource) {}

  async execute({ recipientId, notificationId }: MarkNotificationReadCommand): Promise<NotificationRead> {
    if (!isUuid(notificationId)) return null;
    const row = await Sql.of(this.dataSource).first<{ id: string; read_at: Date }>(
      `UPDATE notifications SET read_at = COALESCE(read_at, now()) WHERE id = $1 AND recipient_id = $2 RETURNING id, read_at`,
      [notificationId, recipientId],
    );
    return row ? { id: notificationId, readAt: new Date(row.read_at).toISOString() } : null;
  }
}
