import type { EvaluationEventType } from '../domain/evaluation.js';

/**
 * The events some process consumes through the outbox: the worker turns each of these into the
 * notifications of the people concerned (apps/worker evaluation-events.processor.ts). Only these get
 * an outbox row; drafting, importing, editing and reopening have no consumer (a command scores its own
 * form and live hints are published by the process that committed), so they cost the relay nothing.
 */
const HAS_CONSUMER: Readonly<Record<EvaluationEventType, boolean>> = {
  EvaluationDrafted: false,
  EvaluationImported: false,
  EvaluationEdited: false,
  EvaluationSubmitted: true,
  EvaluationStepApproved: true,
  EvaluationApproved: true,
  EvaluationReturned: true,
  EvaluationWithdrawn: true,
  EvaluationReviewClaimed: false,
  EvaluationPublished: true,
  EvaluationReopened: false,
  EvaluationCommentResolved: false,
  EvaluationAttachmentAdded: false,
  EvaluationAttachmentRemoved: false,
  // Nobody is told of a discarded draft; the viewers of the form are told by the process that committed (live).
  EvaluationDiscarded: false,
};

/** A record over every event type, so that a new event cannot be added without deciding whether it is relayed. */
export const RELAYED_EVENTS: ReadonlySet<EvaluationEventType> = new Set(
  (Object.keys(HAS_CONSUMER) as EvaluationEventType[]).filter((type) => HAS_CONSUMER[type]),
);

/** RELAYED_EVENTS as a SQL list of literals (constant text, so statements that use it stay preparable). */
export const RELAYED_EVENTS_SQL = [...RELAYED_EVENTS].map((t) => `'${t}'`).join(', ');
