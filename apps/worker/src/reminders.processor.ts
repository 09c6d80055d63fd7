import { Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { InjectQueue, Processor, WorkerHost } from '@nestjs/bullmq';
import type { Job, Queue } from 'bullmq';
import { AppConfig } from '#perf-eval/config';
import { Clock } from '#perf-eval/evaluation';
import { ReminderScan } from '#perf-eval/notifications';
import { QUEUES, processorOptions } from '#perf-eval/persistence';
import { DeliveryQueue } from './delivery.queue.js';

/**
 * A job scheduler ticks every REMINDER_TICK_MS; each tick asks the clock for the time and stores the
 * notices that are due. Concurrency 1 per worker; two workers at once still store each notice once.
 */
@Processor(QUEUES.reminders, processorOptions(() => 1))
export class RemindersProcessor extends WorkerHost implements OnApplicationBootstrap {
  private readonly logger = new Logger(RemindersProcessor.name);

  constructor(
    private readonly scan: ReminderScan,
    private readonly clock: Clock,
    private readonly deliveries: DeliveryQueue,
    @InjectQueue(QUEUES.reminders) private readonly queue: Queue,
    private readonly config: AppConfig,
  ) {
    super();
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.queue.upsertJobScheduler('reminder-tick', { every: this.config.reminderTickMs }, { name: 'tick', opts: { removeOnComplete: 100, removeOnFail: 1000 } });
  }

  async process(_job: Job): Promise<{ notices: number }> {
    // Deliveries are queued as each slice of notices commits: a year's reminders never wait in memory.
    const { notices } = await this.scan.run(this.clock.now(), (deliveries) => this.deliveries.enqueue(deliveries));
    const swept = await this.deliveries.sweep();
    if (swept > 0) this.logger.warn(`re-queued ${swept} deliveries left pending`);
    return { notices };
  }
}
