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
  const moments = cycle.policy.before
    .map((offset) => ({ offset, at: submission.getTime() - durationMs(offset) }))
    .filter((m) => m.at <= t)
    .sort((a, b) => b.at - a.at);
  const waitMs = durationMs(cycle.policy.reviewWait);

  for (const evaluation of evaluations) {
    if (evaluation.status === 'Draft') {
      if (t >= submission.getTime()) {
        const key = `submission@${submission.toISOString()}`;
        notices.push({ evaluationId: evaluation.id, kind: 'overdue', audience: 'drafters', key, deadline: submission });
        notices.push({ evaluationId: evaluation.id, kind: 'escalation', audience: 'managers', key, deadline: submission });
      } else if (moments.length > 0) {
        const key = `submission@${submission.toISOString()}-${moments[0].offset}`;
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
