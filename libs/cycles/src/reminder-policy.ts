import { durationMs } from './iso-duration.js';

export interface ReminderPolicy {
  /** Remind drafters this long before the submission deadline, e.g. ["P7D","P3D","P1D"]. */
  before: string[];
  /** Remind reviewers when a form has waited this long in Submitted. */
  reviewWait: string;
}

export const DEFAULT_REMINDER_POLICY: ReminderPolicy = { before: ['P7D', 'P3D', 'P1D'], reviewWait: 'P3D' };

export interface CycleDeadlines {
  id: string;
  submissionDeadline: Date;
  reviewDeadline: Date;
  policy: ReminderPolicy;
}

export interface EvaluationProgress {
  id: string;
  status: 'Draft' | 'Submitted' | 'Reviewed' | 'Published';
  submittedAt: Date | null;
}

export type Audience = 'drafters' | 'reviewers' | 'managers';
export type ReminderKind = 'reminder' | 'overdue' | 'escalation' | 'review_overdue';

/** A notice that is due now; `key` names the moment, so that each is sent once and a moved deadline makes new ones. */
export interface DueNotice {
  evaluationId: string;
  kind: ReminderKind;
  audience: Audience;
  key: string;
  deadline: Date | null;
}

/** The reminder moment (a `before` offset) passed latest at `t`, or null before the first: after a pause only it is due. */
function latestReminder(cycle: CycleDeadlines, t: number): string | null {
  const submission = cycle.submissionDeadline.getTime();
  let latest: { offset: string; at: number } | null = null;
  for (const offset of cycle.policy.before) {
    const at = submission - durationMs(offset);
    if (at <= t && (latest === null || at > latest.at)) latest = { offset, at };
  }
  return latest?.offset ?? null;
}

/**
 * What the deadlines of a cycle ask for at `now`. Pure: the scheduler passes its clock's time, and
 * storage makes each (evaluation, kind, key, recipient) a single delivery however often this runs.
 * After a pause only the latest reminder moment is due: nobody needs the 7-day reminder on the last day.
 */
export function dueNotices(cycle: CycleDeadlines, evaluations: EvaluationProgress[], now: Date): DueNotice[] {
  const notices: DueNotice[] = [];
  const submission = cycle.submissionDeadline;
  const review = cycle.reviewDeadline;
  const t = now.getTime();
  const moment = latestReminder(cycle, t);
  const waitMs = durationMs(cycle.policy.reviewWait);

  for (const evaluation of evaluations) {
    if (evaluation.status === 'Draft') {
      if (t >= submission.getTime()) {
        const key = `submission@${submission.toISOString()}`;
        notices.push({ evaluationId: evaluation.id, kind: 'overdue', audience: 'drafters', key, deadline: submission });
        notices.push({ evaluationId: evaluation.id, kind: 'escalation', audience: 'managers', key, deadline: submission });
      } else if (moment !== null) {
        const key = `submission@${submission.toISOString()}-${moment}`;
        notices.push({ evaluationId: evaluation.id, kind: 'reminder', audience: 'drafters', key, deadline: submission });
      }
    }
    if (evaluation.status === 'Submitted') {
      if (t >= review.getTime()) {
        const key = `review@${review.toISOString()}`;
        notices.push({ evaluationId: evaluation.id, kind: 'review_overdue', audience: 'reviewers', key, deadline: review });
        notices.push({ evaluationId: evaluation.id, kind: 'escalation', audience: 'managers', key, deadline: review });
      } else if (evaluation.submittedAt && t >= evaluation.submittedAt.getTime() + waitMs) {
        const key = `waiting-since@${evaluation.submittedAt.toISOString()}`;
        notices.push({ evaluationId: evaluation.id, kind: 'review_overdue', audience: 'reviewers', key, deadline: review });
      }
    }
  }
  return notices;
}

/** How far before the last complete scan a later one still looks for changed forms: commands in flight then, clocks apart. */
export const CHANGED_FORMS_MARGIN_MS = 10 * 60_000;

/**
 * Which forms a scan at `now` must read, given the last scan of the same cycle (same deadlines and policy)
 * that completed at `lastScan` — every notice due then is stored. A later scan needs only what can have
 * become due since:
 * - drafts: all of them when a reminder moment or the submission deadline has passed since (the notice's
 *   moment changed), else only those changed since (a new draft, a returned form);
 * - submitted forms: all of them when the review deadline has passed since; before it, those whose wait
 *   ended since, and any changed since (a resubmission, another step, a reassignment);
 * `changedSince` reaches CHANGED_FORMS_MARGIN_MS further back than the last scan, for a command that was
 * written before that scan began and committed after it.
 * Without a last scan (or with the clock behind it) everything that can be due is read, as the first time.
 * A person who joins a unit after a moment hears the next one, not the ones already sent.
 */
export interface ReminderScanScope {
  drafts: 'none' | 'all' | 'changed';
  reviewPassed: boolean;
  /** With reviewPassed: every Submitted form, not only the changed ones. */
  allSubmitted: boolean;
  /** Submitted at or before this: the review wait has ended. */
  waitedSince: Date;
  /** Before the review deadline, only forms whose wait ended after this one (or changed); null: all. */
  waitEndedAfter: Date | null;
  changedSince: Date | null;
}

export function reminderScanScope(cycle: CycleDeadlines, lastScan: Date | null, now: Date): ReminderScanScope {
  const t = now.getTime();
  const waitMs = durationMs(cycle.policy.reviewWait);
  const submission = cycle.submissionDeadline.getTime();
  const review = cycle.reviewDeadline.getTime();
  const draftMoment = (at: number): string | null => (at >= submission ? 'submission' : latestReminder(cycle, at));
  const moment = draftMoment(t);
  const last = lastScan !== null && lastScan.getTime() <= t ? lastScan.getTime() : null;
  const reviewPassed = t >= review;
  return {
    drafts: moment === null ? 'none' : last === null || draftMoment(last) !== moment ? 'all' : 'changed',
    reviewPassed,
    allSubmitted: reviewPassed && (last === null || last < review),
    waitedSince: new Date(t - waitMs),
    waitEndedAfter: last === null ? null : new Date(last - waitMs),
    changedSince: last === null ? null : new Date(last - CHANGED_FORMS_MARGIN_MS),
  };
}
