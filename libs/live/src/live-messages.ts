import type { EvaluationEventType, EvaluationState, EvaluationStatus, RecordedEvent } from '../../evaluation/src/domain/evaluation.js';
import type { NotificationKind } from '../../notifications/src/notification.js';

/**
 * Live hints between processes (Redis pub/sub, under QUEUE_PREFIX so that deployments and test files
 * sharing one Redis do not hear each other). Published after commit; a hint lost to a crash between
 * commit and publish is acceptable — the web app reloads its data on navigation anyway.
 */
export function liveChannels(prefix: string) {
  return { evaluations: `${prefix}:live:evaluations`, notifications: `${prefix}:live:notifications` } as const;
}

/** An evaluation changed by a command: the `evaluation` event of GET /api/me/stream, as sent. */
export interface LiveEvaluationChange {
  id: string;
  unitId: string;
  fiscalYear: number;
  status: EvaluationStatus;
  version: number;
  revision: number;
  /** The event that made the change, e.g. EvaluationSubmitted (labels: GET /api/vocabulary → events). */
  type: EvaluationEventType;
  actorId: string;
  /** ISO-8601 instant of the change. */
  at: string;
}

/** An in-app notification stored for `recipientId`; the `notification` event carries the rest. */
export interface LiveNotification {
  recipientId: string;
  id: string;
  kind: NotificationKind;
  evaluationId: string | null;
  title: string;
}

/** The change a command made to an evaluation, described by its last event and the state it led to. */
export function evaluationChange(state: EvaluationState, events: readonly RecordedEvent[]): LiveEvaluationChange | null {
  const last = events.at(-1);
  if (!last) return null;
  return {
    id: state.id,
    unitId: state.form.unitId,
    fiscalYear: state.form.fiscalYear,
    status: state.status,
    version: state.version,
    revision: state.revision,
    type: last.type,
    actorId: last.actorId,
    at: last.occurredAt,
  };
}
