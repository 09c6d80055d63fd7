import { allowedActions, evolve, type EvaluationAction, type EvaluationEventType, type EvaluationState, type RecordedEvent } from '#perf-eval/evaluation';

type Query = <T>(sql: string, params?: unknown[]) => Promise<T[]>;

/** The action each event records (the first event of a stream records none: it starts the stream). */
const ACTION_OF: Record<EvaluationEventType, EvaluationAction | null> = {
  EvaluationDrafted: null,
  EvaluationImported: null,
  EvaluationEdited: 'edit',
  EvaluationSubmitted: 'submit',
  EvaluationStepApproved: 'approve',
  EvaluationApproved: 'approve',
  EvaluationReturned: 'return',
  EvaluationWithdrawn: 'withdraw',
  EvaluationReviewClaimed: 'claim',
  EvaluationPublished: 'publish',
  EvaluationReopened: 'reopen',
  EvaluationCommentResolved: 'resolveComment',
  EvaluationAttachmentAdded: 'attach',
  EvaluationAttachmentRemoved: 'detach',
  EvaluationDiscarded: 'discard',
};

export interface InvariantReport {
  evaluations: number;
  events: number;
  notifications: number;
  violations: string[];
}

/**
 * What must hold of the stored data after any fault, checked from the database alone:
 * - every evaluation's row (snapshot and list columns) equals a replay of its events through the domain's `evolve`;
 * - versions of a stream run 1, 2, 3, … (strictly increasing, no gap), every event after a stream's first is an
 *   action the status before it allows (no illegal transition in any history), and only the first starts a stream;
 * - no event without its row (but a discarded Draft's, whose last event is its discard, of a first revision) and no row
 *   without events;
 * - every outbox row dispatched; every form scored at its latest form version;
 * - every delivery of a notification sent (a notification itself is stored once per dedupe key: a constraint).
 */
export async function checkInvariants(query: Query, options: { deliveriesSettled?: boolean } = {}): Promise<InvariantReport> {
  const violations: string[] = [];
  const events = await query<{ evaluation_id: string; version: number; type: EvaluationEventType; payload: unknown; actor_id: string; occurred_at: Date }>(
    'SELECT evaluation_id, version, type, payload, actor_id, occurred_at FROM evaluation_events ORDER BY evaluation_id, version',
  );
  const rows = await query<{ id: string; version: number; revision: number; status: string; returned: boolean; unit_id: string; fiscal_year: number; project_name: string; form_version: number; scored_version: number | null; state: EvaluationState }>(
    'SELECT id, version, revision, status, returned, unit_id, fiscal_year, project_name, form_version, scored_version, state FROM evaluations',
  );
  const streams = new Map<string, RecordedEvent[]>();
  for (const r of events) {
    const event = { type: r.type, payload: r.payload, evaluationId: r.evaluation_id, version: r.version, actorId: r.actor_id, occurredAt: new Date(r.occurred_at).toISOString() } as RecordedEvent;
    const stream = streams.get(r.evaluation_id) ?? [];
    stream.push(event);
    streams.set(r.evaluation_id, stream);
  }
  const rowById = new Map(rows.map((r) => [r.id, r]));
  for (const [id, stream] of streams) {
    let state: EvaluationState | null = null;
    let broken = false;
    for (const [i, event] of stream.entries()) {
      if (event.version !== i + 1) {
        violations.push(`${id}: version ${event.version} at position ${i + 1} (versions must run 1, 2, 3, …)`);
        broken = true;
        break;
      }
      const action = ACTION_OF[event.type];
      if (i === 0 && action !== null) violations.push(`${id}: the stream starts with ${event.type}`);
      if (i > 0 && action === null) violations.push(`${id}: ${event.type} at version ${event.version} starts a second stream`);
      if (state && action && !allowedActions(state.status).includes(action)) {
        violations.push(`${id}: illegal transition ${action} from ${state.status} at version ${event.version}`);
      }
      try {
        state = evolve(state, event);
      } catch (error) {
        violations.push(`${id}: replay failed at version ${event.version}: ${(error as Error).message}`);
        broken = true;
        break;
      }
    }
    const row = rowById.get(id);
    // A discarded Draft (删除草稿) keeps its history and has no row; it is the stream's last event.
    if (state?.discarded && !broken) {
      if (row) violations.push(`${id}: discarded at version ${state.version} but still has a read-model row`);
      if (stream.at(-1)?.type !== 'EvaluationDiscarded') violations.push(`${id}: events after its discard`);
      if (state.revision !== 1) violations.push(`${id}: discarded in revision ${state.revision} (a published revision exists)`);
      continue;
    }
    if (!row) {
      violations.push(`${id}: ${stream.length} events but no read-model row`);
      continue;
    }
    if (broken || !state) continue;
    const replayed = JSON.parse(JSON.stringify(state)) as EvaluationState;
    const columns = { version: row.version, revision: row.revision, status: row.status, returned: row.returned, unitId: row.unit_id, fiscalYear: row.fiscal_year, projectName: row.project_name, formVersion: row.form_version };
    const expected = { version: replayed.version, revision: replayed.revision, status: replayed.status, returned: replayed.returned, unitId: replayed.form.unitId, fiscalYear: replayed.form.fiscalYear, projectName: replayed.form.projectName, formVersion: replayed.formVersion };
    if (JSON.stringify(columns) !== JSON.stringify(expected)) violations.push(`${id}: row columns ${JSON.stringify(columns)} ≠ replay ${JSON.stringify(expected)}`);
    if (!deepEqual(withoutUndefined(row.state), replayed)) violations.push(`${id}: snapshot ≠ replay of its ${stream.length} events`);
    if (row.scored_version !== row.form_version) violations.push(`${id}: scored at version ${row.scored_version}, form at ${row.form_version}`);
  }
  for (const row of rows) if (!streams.has(row.id)) violations.push(`${row.id}: a read-model row without events`);

  const [outbox] = await query<{ n: string }>('SELECT count(*) AS n FROM outbox WHERE dispatched_at IS NULL');
  if (outbox.n !== '0') violations.push(`${outbox.n} outbox rows not dispatched`);
  if (options.deliveriesSettled !== false) {
    const [pending] = await query<{ n: string }>(`SELECT count(*) AS n FROM notification_deliveries WHERE status <> 'sent'`);
    if (pending.n !== '0') violations.push(`${pending.n} notification deliveries not sent`);
  }
  const [notifications] = await query<{ n: string }>('SELECT count(*) AS n FROM notifications');
  return { evaluations: rows.length, events: events.length, notifications: Number(notifications.n), violations };
}

/**
 * Waits until the worker has relayed every event, scored every form and sent every delivery, and (with
 * `jobsLeft`, e.g. queue counts from GET /api/admin/queues) until no job is waiting, running or retrying:
 * only then are the consequences of every event (notifications) stored. Answers how long it took.
 */
export async function settled(query: Query, timeoutMs = 60_000, jobsLeft?: () => Promise<number>): Promise<number> {
  const started = Date.now();
  for (;;) {
    const [row] = await query<{ outbox: string; unscored: string; pending: string }>(
      `SELECT (SELECT count(*) FROM outbox WHERE dispatched_at IS NULL) AS outbox,
              (SELECT count(*) FROM evaluations WHERE scored_version IS DISTINCT FROM form_version) AS unscored,
              (SELECT count(*) FROM notification_deliveries WHERE status = 'pending') AS pending`,
    );
    const jobs = row.outbox === '0' && row.unscored === '0' && row.pending === '0' && jobsLeft ? await jobsLeft().catch(() => -1) : 0;
    if (row.outbox === '0' && row.unscored === '0' && row.pending === '0' && jobs === 0) return Date.now() - started;
    if (Date.now() - started > timeoutMs) throw new Error(`not settled after ${timeoutMs} ms: ${JSON.stringify({ ...row, jobs })}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

function withoutUndefined<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}

function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== typeof b || a === null || b === null || typeof a !== 'object') return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const ka = Object.keys(a as object);
  const kb = Object.keys(b as object);
  if (ka.length !== kb.length) return false;
  return ka.every((k) => deepEqual((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
}
