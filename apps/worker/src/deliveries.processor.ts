import { Logger } from '@nestjs/common';
import { OnWorkerEvent, Processor, WorkerHost } from '@nestjs/bullmq';
import type { Job } from 'bullmq';
import { NotificationDelivery, type PendingDelivery } from '#perf-eval/notifications';
import { QUEUES, processorOptions } from '#perf-eval/persistence';

/** Sends one notification through one channel; a delivery already sent is not sent again. */
@Processor(QUEUES.deliveries, processorOptions((config) => config.deliveryConcurrency))
export class DeliveriesProcessor extends WorkerHost {
  private readonly logger = new Logger(DeliveriesProcessor.name);

  constructor(private readonly delivery: NotificationDelivery) {
    super();
  }

  async process(job: Job<PendingDelivery>): Promise<void> {
    await this.delivery.deliver(job.data);
  }

  /** Out of retries: marked failed, and the job stays in the failed set for admins. */
  @OnWorkerEvent('failed')
  async onFailed(job: Job<PendingDelivery>, error: Error): Promise<void> {
    if (job.attemptsMade < (job.opts.attempts ?? 1)) return;
    this.logger.error(`delivery ${job.id} failed for good: ${error.message}`);
    await this.delivery.giveUp(job.data);
  }
}
