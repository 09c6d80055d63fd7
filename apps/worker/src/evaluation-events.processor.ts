import { Processor, WorkerHost } from '@nestjs/bullmq';
import type { Job } from 'bullmq';
import type { RecordedEvent } from '#perf-eval/evaluation';
import { EvaluationEventNotices } from '#perf-eval/notifications';
import { QUEUES, processorOptions } from '#perf-eval/persistence';
import { DeliveryQueue } from './delivery.queue.js';

/**
 * Follows the evaluation events: a step that concerns a person becomes their notification
 * (EvaluationEventNotices), whose deliveries are queued. Only the events in RELAYED_EVENTS reach the
 * outbox; the others are handled (as nothing) for outbox rows written before that rule.
 */
@Processor(QUEUES.evaluationEvents, processorOptions((config) => config.eventsConcurrency))
export class EvaluationEventsProcessor extends WorkerHost {
  constructor(
    private readonly notices: EvaluationEventNotices,
    private readonly deliveries: DeliveryQueue,
  ) {
    super();
  }

  async process(job: Job<{ events: RecordedEvent[] }>): Promise<void> {
    for (const event of job.data.events) await this.deliveries.enqueue(await this.notices.follow(event));
  }
}
