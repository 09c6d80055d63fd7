import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { YEAR_CYCLES } from '#perf-eval/cycles';
import type { RecordedEvent } from '#perf-eval/evaluation';
import { Sql } from '#perf-eval/persistence';
import { NotificationCenter, type NoticeRequest, type PendingDelivery } from './notification-center.js';

/**
 * Turns an evaluation event into the notification of the people it concerns (idempotent: the notice's
 * key is the event's version, so a redelivered event changes nothing). Answers the deliveries to queue.
 * Changed forms are not scored here: the command that changed a form recorded its scoring in the same
 * statement as its event.
 */
@Injectable()
export class EvaluationEventNotices {
  constructor(
    private readonly dataSource: DataSource,
    private readonly center: NotificationCenter,
  ) {}

  async follow(event: RecordedEvent): Promise<PendingDelivery[]> {
    switch (event.type) {
      case 'EvaluationDrafted':
      case 'EvaluationImported':
      case 'EvaluationEdited':
        return []; // scored by the command itself
      case 'EvaluationSubmitted': {
        const step = event.payload.chain?.[0] ?? 'unit';
        return this.notify(event, { kind: 'review_requested', audience: 'reviewers', reviewStep: step, approvers: [], context: { actorName: await this.nameOf(event.actorId), deadline: await this.reviewDeadline(event.evaluationId), stepName: step }, exclude: [event.actorId] });
      }
      case 'EvaluationStepApproved': {
        // The authors hear that a step passed; the next step's reviewers that the form waits for them.
        const actorName = await this.nameOf(event.actorId);
        const { stepName, next, comment } = event.payload;
        const [authors, reviewers] = await Promise.all([
          this.notify(event, { kind: 'step_approved', audience: 'authors', context: { actorName, stepName, nextStepName: next, comments: comment ? [comment] : [] } }),
          this.notify(event, { kind: 'review_requested', audience: 'reviewers', reviewStep: next, approvers: [event.actorId], context: { actorName, stepName: next, deadline: await this.reviewDeadline(event.evaluationId) }, exclude: [event.actorId] }),
        ]);
        return [...authors, ...reviewers];
      }
      case 'EvaluationWithdrawn':
        return this.notify(event, { kind: 'withdrawn', audience: 'reviewers', reviewStep: 'unit', approvers: [], context: { actorName: await this.nameOf(event.actorId) }, exclude: [event.actorId] });
      case 'EvaluationReviewClaimed':
        return [];
      case 'EvaluationReturned':
        return this.notify(event, { kind: 'returned', audience: 'authors', context: { actorName: await this.nameOf(event.actorId), comments: event.payload.comments } });
      case 'EvaluationApproved':
        return this.notify(event, { kind: 'approved', audience: 'authors', context: { actorName: await this.nameOf(event.actorId), comments: event.payload.comment ? [event.payload.comment] : [] } });
      case 'EvaluationPublished':
        return this.notify(event, { kind: 'published', audience: 'authors', context: { actorName: await this.nameOf(event.actorId) } });
      case 'EvaluationReopened':
      case 'EvaluationCommentResolved':
      case 'EvaluationAttachmentAdded':
      case 'EvaluationAttachmentRemoved':
      case 'EvaluationDiscarded':
        return [];
      default: {
        const never: never = event;
        throw new Error(`Unknown event ${JSON.stringify(never)}`);
      }
    }
  }

  private async notify(event: RecordedEvent, notice: Pick<NoticeRequest, 'kind' | 'audience' | 'context' | 'exclude' | 'reviewStep' | 'approvers'>): Promise<PendingDelivery[]> {
    const cycle = await Sql.of(this.dataSource).first<{ cycle_id: string | null }>(
      `SELECT c.id AS cycle_id FROM evaluations e LEFT JOIN ${YEAR_CYCLES} c ON c.fiscal_year = e.fiscal_year WHERE e.id = $1`,
      [event.evaluationId],
    );
    return this.center.notify([
      { ...notice, evaluationId: event.evaluationId, cycleId: cycle?.cycle_id ?? null, key: `v${event.version}`, context: { ...notice.context, now: new Date(event.occurredAt) } },
    ]);
  }

  private async nameOf(userId: string): Promise<string | null> {
    const row = await Sql.of(this.dataSource).first<{ display_name: string }>('SELECT display_name FROM users WHERE id = $1', [userId]);
    return row?.display_name ?? null;
  }

  private async reviewDeadline(evaluationId: string): Promise<Date | null> {
    const row = await Sql.of(this.dataSource).first<{ review_deadline: Date | null }>(
      `SELECT c.review_deadline FROM evaluations e LEFT JOIN ${YEAR_CYCLES} c ON c.fiscal_year = e.fiscal_year WHERE e.id = $1`,
      [evaluationId],
    );
    return row?.review_deadline ? new Date(row.review_deadline) : null;
  }
}
