import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { NotificationCenter, type NoticeRequest, type PendingDelivery } from '../../notifications/src/notification-center.js';
import { CyclesStore } from './cycles.store.js';
import { dueNotices, type EvaluationProgress } from './reminder-policy.js';

const NOTICES_PER_TRANSACTION = 200;

/**
 * One pass over the open cycles at `now` (the caller's clock): every notice that is due is stored once.
 * Running it again, twice at once, or after a crash stores nothing twice.
 */
@Injectable()
export class ReminderScan {
  constructor(
    private readonly dataSource: DataSource,
    private readonly cycles: CyclesStore,
    private readonly center: NotificationCenter,
  ) {}

  async run(now: Date): Promise<{ notices: number; deliveries: PendingDelivery[] }> {
    const deliveries: PendingDelivery[] = [];
    let notices = 0;
    // Each year's governing cycle covers every form of that year, including forms created before it.
    for (const cycle of await this.cycles.governing()) {
      const rows: { id: string; status: EvaluationProgress['status']; submitted_at: Date | null }[] = await this.dataSource.query(
        `SELECT id, status, submitted_at FROM evaluations WHERE fiscal_year = $1 AND status IN ('Draft', 'Submitted') ORDER BY id`,
        [cycle.fiscalYear],
      );
      const due = dueNotices(
        { id: cycle.id, submissionDeadline: new Date(cycle.submissionDeadline), reviewDeadline: new Date(cycle.reviewDeadline), policy: cycle.reminderPolicy },
        rows.map((r) => ({ id: r.id, status: r.status, submittedAt: r.submitted_at ? new Date(r.submitted_at) : null })),
        now,
      );
      const requests = due.map<NoticeRequest>((notice) => ({
        kind: notice.kind,
        audience: notice.audience,
        evaluationId: notice.evaluationId,
        cycleId: cycle.id,
        key: notice.key,
        context: {
          deadline: notice.deadline,
          cycleName: cycle.name,
          now,
          waitingSince: rows.find((r) => r.id === notice.evaluationId)?.submitted_at ?? null,
        },
      }));
      notices += requests.length;
      for (let i = 0; i < requests.length; i += NOTICES_PER_TRANSACTION) {
        deliveries.push(...(await this.center.notify(requests.slice(i, i + NOTICES_PER_TRANSACTION))));
      }
    }
    return { notices, deliveries };
  }
}
