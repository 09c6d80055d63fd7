import { Injectable } from '@nestjs/common';
import { InjectQueue } from '@nestjs/bullmq';
import type { Queue } from 'bullmq';
import { DataSource } from 'typeorm';
import { QUEUES } from '#perf-eval/persistence';
import type { PendingDelivery } from '#perf-eval/notifications';

/** Queues e-mail and webhook deliveries under deterministic job ids, and re-queues any a crash left behind. */
@Injectable()
export class DeliveryQueue {
  constructor(
    private readonly dataSource: DataSource,
    @InjectQueue(QUEUES.deliveries) private readonly queue: Queue,
  ) {}

  async enqueue(deliveries: PendingDelivery[]): Promise<void> {
    if (deliveries.length === 0) return;
    await this.queue.addBulk(
      deliveries.map((d) => ({ name: d.channel, data: d, opts: { jobId: `deliver-${d.notificationId}-${d.channel}` } })),
    );
  }

  /** Deliveries still pending a while after they were stored: their job was never queued (crash after commit). */
  async sweep(olderThanMs = 30_000): Promise<number> {
    const rows: { notification_id: string; channel: 'email' | 'webhook' }[] = await this.dataSource.query(
      `SELECT notification_id, channel FROM notification_deliveries
       WHERE status = 'pending' AND created_at < now() - make_interval(secs => $1) ORDER BY created_at LIMIT 1000`,
      [olderThanMs / 1000],
    );
    await this.enqueue(rows.map((r) => ({ notificationId: r.notification_id, channel: r.channel })));
    return rows.length;
  }
}
