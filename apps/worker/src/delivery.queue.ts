import { Injectable } from '@nestjs/common';
import { InjectQueue } from '@nestjs/bullmq';
import type { Queue } from 'bullmq';
import { QUEUES } from '#perf-eval/persistence';
import { NotificationDelivery, type PendingDelivery } from '#perf-eval/notifications';

/** Queues e-mail and webhook deliveries under deterministic job ids, and re-queues any a crash left behind. */
@Injectable()
export class DeliveryQueue {
  constructor(
    private readonly delivery: NotificationDelivery,
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
    const stalled = await this.delivery.stalled(olderThanMs);
    await this.enqueue(stalled);
    return stalled.length;
  }
}
