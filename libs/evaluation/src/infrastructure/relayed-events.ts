import type { EvaluationEventType } from '../domain/evaluation.js';

/**
 * The events some process consumes through the outbox: the worker turns each of these into the
 * notifications of the people concerned (apps/worker evaluation-events.processor.ts). Only these get
 * an outbox row; drafting, importing, editing and reopening have no consumer (a command scores its own
 * form and live hints are published by the process that committed), so they cost the relay nothing.
 */
export const RELAYED_EVENTS: ReadonlySet<EvaluationEventType> = new Set<EvaluationEventType>([
  'EvaluationSubmitted',
  'EvaluationReturned',
  'EvaluationApproved',
  'EvaluationPublished',
]);

/** RELAYED_EVENTS as a SQL list of literals (constant text, so statements that use it stay preparable). */
export const RELAYED_EVENTS_SQL = [...RELAYED_EVENTS].map((t) => `'${t}'`).join(', ');
