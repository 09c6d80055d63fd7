import { Processor, WorkerHost } from '@nestjs/bullmq';
import type { Job } from 'bullmq';
import { DataSource } from 'typeorm';
import type { RecordedEvent } from '#perf-eval/evaluation';
import { NotificationCenter, type NoticeRequest } from '#perf-eval/notifications';
import { QUEUES, processorOptions } from '#perf-eval/persistence';
import { YEAR_CYCLES } from '#perf-eval/cycles';
import { DeliveryQueue } from './delivery.queue.js';

/**
 * Follows the evaluation events: a step that concerns a person becomes their notification
 * (idempotent, so a redelivered event changes nothing). Changed forms are not scored here: the
 * command that changed a form recorded its scoring in the same statement as its event. Only the
 * events in RELAYED_EVENTS reach the outbox; the others are handled (as nothing) for outbox rows
 * written before that rule.
 */
@Processor(QUEUES.evaluationEvents, processorOptions((config) => config.eventsConcurrency))
export class EvaluationEventsProcessor extends WorkerHost {
  constructor(
    private readonly dataSource: DataSource,
    private readonly center: NotificationCenter,
    private readonly deliveries: DeliveryQueue,
  ) {
    super();
  }

  async process(job: Job<{ events: RecordedEvent[] }>): Promise<void> {
    for (const event of job.data.events) await this.follow(event);
  }

  private async follow(event: RecordedEvent): Promise<void> {
    switch (event.type) {
      case 'EvaluationDrafted':
      case 'EvaluationImported':
      case 'EvaluationEdited':
        return; // scored by the command itself
      case 'EvaluationSubmitted':
        return this.notify(event, { kind: 'review_requested', audience: 'reviewers', context: { actorName: await this.nameOf(event.actorId), deadline: await this.reviewDeadline(event.evaluationId) }, exclude: [event.actorId] });
      case 'EvaluationReturned':
        return this.notify(event, { kind: 'returned', audience: 'authors', context: { actorName: await this.nameOf(event.actorId), comments: event.payload.comments } });
      case 'EvaluationApproved':
        return this.notify(event, { kind: 'approved', audience: 'authors', context: { actorName: await this.nameOf(event.actorId), comments: event.payload.comment ? [event.payload.comment] : [] } });
      case 'EvaluationPublished':
        return this.notify(event, { kind: 'published', audience: 'authors', context: { actorName: await this.nameOf(event.actorId) } });
      case 'EvaluationReopened':
        return;
      default: {
        const never: never = event;
        throw new Error(`Unknown event ${JSON.stringify(never)}`);
      }
    }
  }

  private async notify(event: RecordedEvent, notice: Pick<NoticeRequest, 'kind' | 'audience' | 'context' | 'exclude'>): Promise<void> {
    const cycle: { cycle_id: string | null }[] = await this.dataSource.query(`SELECT c.id AS cycle_id FROM evaluations e LEFT JOIN ${YEAR_CYCLES} c ON c.fiscal_year = e.fiscal_year WHERE e.id = $1`, [event.evaluationId]);
    const pending = await this.center.notify([
      { ...notice, evaluationId: event.evaluationId, cycleId: cycle[0]?.cycle_id ?? null, key: `v${event.version}`, context: { ...notice.context, now: new Date(event.occurredAt) } },
    ]);
    await this.deliveries.enqueue(pending);
  }

  private async nameOf(userId: string): Promise<string | null> {
    const rows: { display_name: string }[] = await this.dataSource.query('SELECT display_name FROM users WHERE id = $1', [userId]);
    return rows[0]?.display_name ?? null;
  }

  private async reviewDeadline(evaluationId: string): Promise<Date | null> {
    const rows: { review_deadline: Date | null }[] = await this.dataSource.query(
      `SELECT c.review_deadline FROM evaluations e LEFT JOIN ${YEAR_CYCLES} c ON c.fiscal_year = e.fiscal_year WHERE e.id = $1`,
      [evaluationId],
    );
    return rows[0]?.review_deadline ? new Date(rows[0].review_deadline) : null;
  }
}
