import { Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AppConfig } from '#perf-eval/config';
import { Sql } from '#perf-eval/persistence';
import { emailChannelFromConfig, type EmailChannel } from './email.channel.js';
import type { PendingDelivery } from './notification-center.js';
import type { NotificationKind, NotificationMessage } from './notification.js';
import { webhookChannelFromConfig, type WebhookChannel } from './webhook.channel.js';

interface DeliveryRow {
  status: string;
  id: string;
  kind: NotificationKind;
  recipient_id: string;
  evaluation_id: string | null;
  cycle_id: string | null;
  title: string;
  body: string;
  link: string | null;
  created_at: Date;
  email: string | null;
  username: string;
  display_name: string;
}

/**
 * Sends one stored notification through one channel (e-mail or webhook) and records the outcome on its
 * delivery row; a delivery already sent is not sent again. Throws when the channel failed, so that the
 * queue retries; `giveUp` marks a delivery failed for good.
 */
@Injectable()
export class NotificationDelivery implements OnApplicationShutdown {
  private readonly email: EmailChannel | null;
  private readonly webhook: WebhookChannel | null;

  constructor(
    private readonly dataSource: DataSource,
    config: AppConfig,
  ) {
    this.email = emailChannelFromConfig(config);
    this.webhook = webhookChannelFromConfig(config);
  }

  async deliver({ notificationId, channel }: PendingDelivery): Promise<void> {
    const sql = Sql.of(this.dataSource);
    const row = await sql.first<DeliveryRow>(
      `UPDATE notification_deliveries d SET attempts = attempts + 1
       FROM notifications n JOIN users u ON u.id = n.recipient_id
       WHERE d.notification_id = $1 AND d.channel = $2 AND n.id = d.notification_id
       RETURNING d.status, n.id, n.kind, n.recipient_id, n.evaluation_id, n.cycle_id, n.title, n.body, n.link, n.created_at, u.email, u.username, u.display_name`,
      [notificationId, channel],
    );
    if (!row || row.status === 'sent') return;
    const message: NotificationMessage = {
      id: row.id,
      kind: row.kind,
      recipientId: row.recipient_id,
      evaluationId: row.evaluation_id,
      cycleId: row.cycle_id,
      title: row.title,
      body: row.body,
      link: row.link,
      createdAt: new Date(row.created_at).toISOString(),
    };
    try {
      if (channel === 'email') {
        if (!this.email || !row.email) throw new Error('e-mail is not configured or the recipient has no address');
        await this.email.send(message, row.email);
      } else {
        if (!this.webhook) throw new Error('webhook is not configured');
        await this.webhook.send({ ...message, recipient: { username: row.username, displayName: row.display_name } });
      }
    } catch (error) {
      await sql.affected('UPDATE notification_deliveries SET last_error = $3 WHERE notification_id = $1 AND channel = $2', [
        notificationId,
        channel,
        (error as Error).message.slice(0, 1000),
      ]);
      throw error;
    }
    await sql.affected(`UPDATE notification_deliveries SET status = 'sent', delivered_at = now(), last_error = NULL WHERE notification_id = $1 AND channel = $2`, [
      notificationId,
      channel,
    ]);
  }

  /** Out of retries: the delivery is marked failed (unless it was sent meanwhile). */
  async giveUp({ notificationId, channel }: PendingDelivery): Promise<void> {
    await Sql.of(this.dataSource).affected(
      `UPDATE notification_deliveries SET status = 'failed' WHERE notification_id = $1 AND channel = $2 AND status = 'pending'`,
      [notificationId, channel],
    );
  }

  /** Deliveries still pending a while after they were stored: their job was never queued (crash after commit). */
  async stalled(olderThanMs: number): Promise<PendingDelivery[]> {
    const rows = await Sql.of(this.dataSource).rows<{ notification_id: string; channel: PendingDelivery['channel'] }>(
      `SELECT notification_id, channel FROM notification_deliveries
       WHERE status = 'pending' AND created_at < now() - make_interval(secs => $1) ORDER BY created_at LIMIT 1000`,
      [olderThanMs / 1000],
    );
    return rows.map((r) => ({ notificationId: r.notification_id, channel: r.channel }));
  }

  onApplicationShutdown(): void {
    this.email?.close();
  }
}
