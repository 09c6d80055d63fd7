/**
 * Live hints between processes (Redis pub/sub, under QUEUE_PREFIX so that deployments and test files
 * sharing one Redis do not hear each other). Published after commit; a hint lost to a crash between
 * commit and publish is acceptable — the web app reloads its data on navigation anyway.
 *
 * This lib is the transport only: the messages carry the libraries' values as plain text, so it
 * depends on no library above it (libs/evaluation builds the evaluation change, libs/notifications
 * the notification).
 */
export function liveChannels(prefix: string) {
  return { evaluations: `${prefix}:live:evaluations`, notifications: `${prefix}:live:notifications` } as const;
}

/** An evaluation changed by a command: the `evaluation` event of GET /api/me/stream, as sent. */
export interface LiveEvaluationChange {
  id: string;
  unitId: string;
  fiscalYear: number;
  /** An EvaluationStatus of libs/evaluation. */
  status: string;
  version: number;
  revision: number;
  /** The event that made the change, e.g. EvaluationSubmitted (labels: GET /api/vocabulary → events). */
  type: string;
  actorId: string;
  /** ISO-8601 instant of the change. */
  at: string;
}

/** An in-app notification stored for `recipientId`; the `notification` event carries the rest. */
export interface LiveNotification {
  recipientId: string;
  id: string;
  /** A NotificationKind of libs/notifications. */
  kind: string;
  evaluationId: string | null;
  title: string;
}
