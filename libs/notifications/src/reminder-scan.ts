import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { CyclesStore, dueNotices, type Cycle, reminderScanScope, type EvaluationProgress } from '#perf-eval/cycles';
import { Sql } from '#perf-eval/persistence';
import { NotificationCenter, type NoticeRequest, type PendingDelivery } from './notification-center.js';

/** Forms whose notices are computed and stored together (memory holds one such slice of notices). */
const FORMS_PER_SLICE = 5000;

/**
 * One pass over the open cycles at `now` (the caller's clock): every notice that is due is stored once.
 * Running it again, twice at once, or after a crash stores nothing twice.
 *
 * Only forms that can be due are read: drafts once a reminder moment or the submission deadline has
 * passed, submitted forms once the review deadline has passed or they have waited `reviewWait`. A scan
 * that completes records its moment per cycle (reminder_watermarks, with the cycle's deadlines and policy);
 * the next one reads only what can have become due since (reminderScanScope): at a city's scale a tick
 * between two moments reads the forms changed in the last minutes, not the year's. Notices are read
 * through a cursor and stored FORMS_PER_SLICE forms at a time (NotificationCenter.notifyMany: a thousand
 * per transaction), and their deliveries handed to `each` as each transaction commits (or returned,
 * without `each`).
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
    // Each year's governing cycle covers every form of that year, including forms created before it.
    const governing = await this.cycles.governing();
    const lastScans = await this.lastScans(governing.map((c) => c.id));
    // One cycle that cannot be scanned (whatever the reason) does not keep the others' reminders back; the run
    // still fails afterwards, so that the job is retried and the failure seen.
    const failed: { cycle: string; error: unknown }[] = [];
    for (const cycle of governing) {
      try {
        notices += await this.scanCycle(cycle, lastScans.get(cycle.id), now, collect);
      } catch (error) {
        failed.push({ cycle: cycle.id, error });
      }
    }
    if (failed.length === 1) throw failed[0].error;
    if (failed.length > 1) {
      const reasons = failed.map((f) => `${f.cycle}: ${(f.error as Error)?.message ?? String(f.error)}`).join('; ');
      throw new AggregateError(failed.map((f) => f.error), `reminder scan failed for ${failed.length} cycles (${reasons})`);
    }
    return { notices, deliveries };
  }

  /** One governing cycle's scan, in its own transaction; answers how many notices it stored. */
  private async scanCycle(
    cycle: Cycle,
    last: { scannedAt: Date; fingerprint: string } | undefined,
    now: Date,
    collect: (deliveries: PendingDelivery[]) => Promise<void>,
  ): Promise<number> {
    let notices = 0;
    const deadlines = { id: cycle.id, submissionDeadline: new Date(cycle.submissionDeadline), reviewDeadline: new Date(cycle.reviewDeadline), policy: cycle.reminderPolicy };
    // What the last scan read under: the year (a cycle may be moved to another), the deadlines and the policy.
    const fingerprint = JSON.stringify([cycle.fiscalYear, deadlines.submissionDeadline.toISOString(), deadlines.reviewDeadline.toISOString(), cycle.reminderPolicy]);
    const scope = reminderScanScope(deadlines, last?.fingerprint === fingerprint ? last.scannedAt : null, now);
    // A cursor streams the year's forms FORMS_PER_SLICE at a time: memory holds one slice, not the year.
    const runner = this.dataSource.createQueryRunner();
    await runner.connect();
    try {
      await runner.startTransaction();
      const sql = Sql.of(runner.manager);
      await sql.execute(
        `DECLARE reminder_forms NO SCROLL CURSOR FOR
         SELECT id, status, submitted_at FROM evaluations
         WHERE fiscal_year = $1 AND (
           (status = 'Draft' AND ($2 = 'all' OR ($2 = 'changed' AND updated_at >= $7)))
           OR (status = 'Submitted' AND (
             ($3 AND ($4 OR updated_at >= $7))
             OR (NOT $3 AND submitted_at <= $5 AND ($6::timestamptz IS NULL OR submitted_at > $6 OR updated_at >= $7)))))`,
        [cycle.fiscalYear, scope.drafts, scope.reviewPassed, scope.allSubmitted, scope.waitedSince, scope.waitEndedAfter, scope.changedSince],
      );
      for (;;) {
        const rows = await sql.rows<{ id: string; status: EvaluationProgress['status']; submitted_at: Date | null }>(`FETCH ${FORMS_PER_SLICE} FROM reminder_forms`);
        if (rows.length === 0) break;
        const waitingSince = new Map(rows.map((r) => [r.id, r.submitted_at]));
        const due = dueNotices(
          deadlines,
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
      // Every notice due at `now` is stored: the next scan of this cycle may start from here.
      await sql.execute(
        `INSERT INTO reminder_watermarks (cycle_id, scanned_at, fingerprint) VALUES ($1, $2, $3)
         ON CONFLICT (cycle_id) DO UPDATE SET scanned_at = EXCLUDED.scanned_at, fingerprint = EXCLUDED.fingerprint`,
        [cycle.id, now, fingerprint],
      );
      await runner.commitTransaction();
    } finally {
      if (runner.isTransactionActive) await runner.rollbackTransaction();
      await runner.release();
    }
    return notices;
  }

  /** When each cycle's last complete scan happened, and under which deadlines and policy. */
  private async lastScans(cycleIds: string[]): Promise<Map<string, { scannedAt: Date; fingerprint: string }>> {
    const rows = await Sql.of(this.dataSource.manager).rows<{ cycle_id: string; scanned_at: Date; fingerprint: string }>(
      'SELECT cycle_id, scanned_at, fingerprint FROM reminder_watermarks WHERE cycle_id = ANY($1::uuid[])',
      [cycleIds],
    );
    return new Map(rows.map((r) => [r.cycle_id, { scannedAt: new Date(r.scanned_at), fingerprint: r.fingerprint }]));
  }
}
