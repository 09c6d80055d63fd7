import type { LivePublisher, LiveEvaluationChange } from '#perf-eval/live';
import type { EvaluationState, RecordedEvent } from '../domain/evaluation.js';

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

/** Call after the transaction that made the change has committed; without a publisher (CLI, tests) nothing is announced. */
export function announceChange(live: LivePublisher | undefined, state: EvaluationState, events: readonly RecordedEvent[]): void {
  const change = evaluationChange(state, events);
  if (change) live?.evaluationsChanged([change]);
}
