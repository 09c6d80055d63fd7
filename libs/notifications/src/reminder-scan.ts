import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { CyclesStore, dueNotices, type EvaluationProgress, durationMs } from '#perf-eval/cycles';
import { Sql } from '#perf-eval/persistence';
import { NotificationCenter, type NoticeRequest, type PendingDelivery } from './notification-center.js';

/** Forms whose notices are computed and stored together (memory holds one such slice of notices). */
const FORMS_PER_SLICE = 5000;

/**
 * One pass over the open cycles at `now` (the caller's clock): every notice that is due is stored once.
 * Running it again, twice at once, or after a crash stores nothing twice.
 *
 * Only forms that can be due are read: drafts once a reminder moment or the submission deadline has
 * passed, submitted forms once the review deadline has passed or they have waited `reviewWait`. Notices
 * are read through a cursor and stored FORMS_PER_SLICE forms at a time (NotificationCenter.notifyMany: a
 * thousand per transaction),
 * and their deliveries handed to `each` as each transaction commits (or returned, without `each`).
 */
@Injectable()
export class ReminderScan {
  constructor(
    private readonly dataSource: DataSource,
    private readonly cycles: CyclesStore,
    private readonly center: NotificationCenter,
  ) {}

  async run(now: Date, each?: (deliveries: PendingDelivery[]) => Promise<void>): Promise<{ notices: number; deliveries: PendingDelivery[] }> {
    const deliveries: PendingDelivery[] = [];
    const collect = each ?? (async (d: PendingDelivery[]) => void deliveries.push(...d));
    let notices = 0;
    const t = now.getTime();
    // Each year's governing cycle covers every form of that year, including forms created before it.
    for (const cycle of await this.cycles.governing()) {
      const submission = new Date(cycle.submissionDeadline);
      const review = new Date(cycle.reviewDeadline);
      const earliestReminder = Math.min(submission.getTime(), ...cycle.reminderPolicy.before.map((b) => submission.getTime() - durationMs(b)));
      const draftsDue = t >= earliestReminder;
      const waitedSince = new Date(t - durationMs(cycle.reminderPolicy.reviewWait));
      // A cursor streams the year's forms FORMS_PER_SLICE at a time: memory holds one slice, not the year.
      const runner = this.dataSource.createQueryRunner();
      await runner.connect();
      try {
        await runner.startTransaction();
        const sql = Sql.of(runner.manager);
        await sql.execute(
          `DECLARE reminder_forms NO SCROLL CURSOR FOR
           SELECT id, status, submitted_at FROM evaluations
           WHERE fiscal_year = $1 AND ((status = 'Draft' AND $2) OR (status = 'Submitted' AND ($3 OR submitted_at <= $4)))`,
          [cycle.fiscalYear, draftsDue, t >= review.getTime(), waitedSince],
        );
        for (;;) {
          const rows = await sql.rows<{ id: string; status: EvaluationProgress['status']; submitted_at: Date | null }>(`FETCH ${FORMS_PER_SLICE} FROM reminder_forms`);
          if (rows.length === 0) break;
          const waitingSince = new Map(rows.map((r) => [r.id, r.submitted_at]));
          const due = dueNotices(
            { id: cycle.id, submissionDeadline: submission, reviewDeadline: review, policy: cycle.reminderPolicy },
            rows.map((r) => ({ id: r.id, status: r.status, submittedAt: r.submitted_at ? new Date(r.submitted_at) : null })),
            now,
          );
          const requests = due.map<NoticeRequest>((notice) => ({
            kind: notice.kind,
            audience: notice.audience,
            evaluationId: notice.evaluationId,
            cycleId: cycle.id,
            key: notice.key,
            context: { deadline: notice.deadline, cycleName: cycle.name, now, waitingSince: waitingSince.get(notice.evaluationId) ?? null },
          }));
          notices += requests.length;
          await this.center.notifyMany(requests, collect);
        }
        await runner.commitTransaction();
      } finally {
        if (runner.isTransactionActive) await runner.rollbackTransaction();
        await runner.release();
      }
    }
    return { notices, deliveries };
  }
}
