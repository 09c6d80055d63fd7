import { Logger, type OnApplicationShutdown } from '@nestjs/common';
import { OnWorkerEvent, Processor, WorkerHost } from '@nestjs/bullmq';
import type { Job } from 'bullmq';
import { DataSource } from 'typeorm';
import { AppConfig } from '#perf-eval/config';
import { emailChannelFromConfig, type EmailChannel, webhookChannelFromConfig, type WebhookChannel } from '#perf-eval/notifications';
import type { NotificationKind, NotificationMessage, PendingDelivery } from '#perf-eval/notifications';
import { QUEUES, processorOptions } from '#perf-eval/persistence';

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

/** Sends one notification through one channel; a delivery already sent is not sent again. */
@Processor(QUEUES.deliveries, processorOptions((config) => config.deliveryConcurrency))
export class DeliveriesProcessor extends WorkerHost implements OnApplicationShutdown {
  private readonly logger = new Logger(DeliveriesProcessor.name);
  private readonly email: EmailChannel | null;
  private readonly webhook: WebhookChannel | null;

  constructor(
    private readonly dataSource: DataSource,
    config: AppConfig,
  ) {
    super();
    this.email = emailChannelFromConfig(config);
    this.webhook = webhookChannelFromConfig(config);
  }

  async process(job: Job<PendingDelivery>): Promise<void> {
    const { notificationId, channel } = job.data;
    // TypeORM answers an UPDATE … RETURNING with [rows, affected].
    const [rows]: [DeliveryRow[], number] = await this.dataSource.query(
      `UPDATE notification_deliveries d SET attempts = attempts + 1
       FROM notifications n JOIN users u ON u.id = n.recipient_id
       WHERE d.notification_id = $1 AND d.channel = $2 AND n.id = d.notification_id
       RETURNING d.status, n.id, n.kind, n.recipient_id, n.evaluation_id, n.cycle_id, n.title, n.body, n.link, n.created_at, u.email, u.username, u.display_name`,
      [notificationId, channel],
    );
    const row = rows[0];
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
      await this.dataSource.query('UPDATE notification_deliveries SET last_error = $3 WHERE notification_id = $1 AND channel = $2', [
        notificationId,
        channel,
        (error as Error).message.slice(0, 1000),
      ]);
      throw error;
    }
    await this.dataSource.query(`UPDATE notification_deliveries SET status = 'sent', delivered_at = now(), last_error = NULL WHERE notification_id = $1 AND channel = $2`, [
      notificationId,
      channel,
    ]);
  }

  /** Out of retries: marked failed, and the job stays in the failed set for admins. */
  @OnWorkerEvent('failed')
  async onFailed(job: Job<PendingDelivery>, error: Error): Promise<void> {
    if (job.attemptsMade < (job.opts.attempts ?? 1)) return;
    this.logger.error(`delivery ${job.id} failed for good: ${error.message}`);
    await this.dataSource.query(`UPDATE notification_deliveries SET status = 'failed' WHERE notification_id = $1 AND channel = $2 AND status = 'pending'`, [
      job.data.notificationId,
      job.data.channel,
    ]);
  }

  onApplicationShutdown(): void {
    this.email?.close();
  }
}
