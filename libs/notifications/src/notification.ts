/**
 * What the system tells people about the evaluation workflow (pure data, no framework).
 *
 * - reminder          drafter, before the submission deadline (提交提醒)
 * - overdue           drafter, the submission deadline has passed (逾期提醒)
 * - escalation        manager, a deadline has passed and the form is not done (逾期督办)
 * - review_requested  reviewer of a step, a form was submitted or reached their step of the review chain (待审核)
 * - review_overdue    reviewer, a submitted form has waited too long (审核催办)
 * - returned          drafter, the reviewer returned the form with comments (退回修改)
 * - step_approved     drafter, a step before the last approved: the form went on to the next step (审核进度)
 * - approved          drafter, the form was approved (审核通过)
 * - withdrawn         reviewer of the current step, the drafter took the form back (已撤回)
 * - published         drafter / unit, the form was published (已公开)
 */
export const NOTIFICATION_KINDS = [
  'reminder',
  'overdue',
  'escalation',
  'review_requested',
  'review_overdue',
  'returned',
  'step_approved',
  'approved',
  'withdrawn',
  'published',
] as const;

export type NotificationKind = (typeof NOTIFICATION_KINDS)[number];

/** How the inbox names each kind (zh-CN). */
export const NOTIFICATION_KIND_LABELS: Readonly<Record<NotificationKind, string>> = {
  reminder: '提醒',
  overdue: '逾期',
  escalation: '督办',
  review_requested: '待审核',
  review_overdue: '审核超时',
  returned: '已退回',
  step_approved: '审核进度',
  approved: '已通过',
  withdrawn: '已撤回',
  published: '已公开',
};

export function isNotificationKind(value: unknown): value is NotificationKind {
  return typeof value === 'string' && (NOTIFICATION_KINDS as readonly string[]).includes(value);
}

export interface NotificationMessage {
  /** Stable id: channels derive idempotency keys from it (Message-ID, X-PerfEval-Delivery). */
  id: string;
  kind: NotificationKind;
  recipientId: string;
  evaluationId: string | null;
  cycleId: string | null;
  title: string;
  body: string;
  link: string | null;
  /** ISO-8601 instant. */
  createdAt: string;
}
