import { Logger } from '@nestjs/common';
import { Processor, WorkerHost } from '@nestjs/bullmq';
import type { Job } from 'bullmq';
import type { RecordedEvent } from '#perf-eval/evaluation';
import { EvaluationEventNotices } from '#perf-eval/notifications';
import { QUEUES, processorOptions } from '#perf-eval/persistence';
import { PublishedDocuments } from '#perf-eval/reporting';
import { DeliveryQueue } from './delivery.queue.js';

/**
 * Follows the evaluation events: a step that concerns a person becomes their notification
 * (EvaluationEventNotices), whose deliveries are queued; a publication has its public PDF and Word files
 * rendered and stored (PublishedDocuments), after the notices. Only the events in RELAYED_EVENTS reach the
 * outbox; the others are handled (as nothing) for outbox rows written before that rule.
 */
@Processor(QUEUES.evaluationEvents, processorOptions((config) => config.eventsConcurrency))
export class EvaluationEventsProcessor extends WorkerHost {
  private readonly logger = new Logger(EvaluationEventsProcessor.name);

  constructor(
    private readonly notices: EvaluationEventNotices,
    private readonly deliveries: DeliveryQueue,
    private readonly documents: PublishedDocuments,
  ) {
    super();
  }

  async process(job: Job<{ events: RecordedEvent[] }>): Promise<void> {
    for (const event of job.data.events) await this.deliveries.enqueue(await this.notices.follow(event));
    for (const event of job.data.events) {
      if (event.type !== 'EvaluationPublished') continue;
      // Ahead of the first 公开材料包, which renders whatever is not stored: a failure here costs that download time, not a notice.
      await this.documents.ensure(event.evaluationId, event.payload.revision).catch((error: Error) => {
        this.logger.warn(`published files of ${event.evaluationId} r${event.payload.revision} not rendered: ${error.message}`);
      });
    }
  }
}
