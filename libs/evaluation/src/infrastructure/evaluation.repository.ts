import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { Evaluation, type EvaluationState, type RecordedEvent } from '../domain/evaluation.js';
import { EvaluationNotFoundError, VersionConflictError } from '../domain/evaluation.errors.js';
import { EvaluationStateProjector, rowUpdate, type RowScoring } from './evaluation-state.projector.js';
import { scoringOf, type ScoringRecord } from './scoring.projection.js';
import { isUuid, preparedQuery, Sql } from '#perf-eval/persistence';
import { RELAYED_EVENTS_SQL } from './relayed-events.js';
import { SnapshotCache } from './snapshot-cache.js';

const UNIQUE_VIOLATION = '23505';

/** Events that only move the current-state row (no new row, no published revision): the one-statement path. */
const ROW_ONLY_EVENTS = new Set<RecordedEvent['type']>([
  'EvaluationCommentResolved',
  'EvaluationEdited',
  'EvaluationSubmitted',
  'EvaluationStepApproved',
  'EvaluationApproved',
  'EvaluationWithdrawn',
  'EvaluationReviewClaimed',
  'EvaluationReturned',
  'EvaluationReopened',
  'EvaluationAttachmentAdded',
  'EvaluationAttachmentRemoved',
]);

/**
 * Events after which the command scores the form itself: those that create a form version, and a
 * reopen (a new revision starts from a scoring under the rules of today).
 */
const SCORED_EVENTS = new Set<RecordedEvent['type']>(['EvaluationDrafted', 'EvaluationImported', 'EvaluationEdited', 'EvaluationReopened']);

/** What a save wrote: the events, and the scores and findings the evaluation's row shows now. */
export interface SavedEvaluation extends RowScoring {
  events: RecordedEvent[];
}

/**
 * Loads an evaluation from its snapshot row and appends its new events, the outbox rows and the
 * current-state read model in one transaction: an accepted command is all written or not at all.
 * A command that changes the form scores it (scoreEvaluation, pure) and records the scoring in the
 * same statement, so the read model is never behind the form a command answered for.
 */
@Injectable()
export class EvaluationRepository {
  constructor(
    private readonly dataSource: DataSource,
    private readonly projector: EvaluationStateProjector,
    private readonly snapshots: SnapshotCache,
  ) {}

  /**
   * The state this process wrote for `id` at `expectedVersion`, if it still holds it (SnapshotCache); null
   * otherwise (the caller reads the row). A command run on it that is refused must be decided again on the row.
   */
  cachedForCommand(id: string, expectedVersion: number): EvaluationState | null {
    return this.snapshots.take(id, expectedVersion);
  }

  forgetCached(id: string): void {
    this.snapshots.forget(id);
  }

  async load(id: string): Promise<Evaluation> {
    const state = await this.loadState(id);
    if (!state) throw new EvaluationNotFoundError(id);
    return Evaluation.fromState(state);
  }

  /** The snapshot; outside a transaction (`manager` omitted) as a prepared statement of the command path. */
  async loadState(id: string, manager?: EntityManager): Promise<EvaluationState | null> {
    if (!isUuid(id)) return null;
    const text = 'SELECT state FROM evaluations WHERE id = $1';
    const rows = manager ? await Sql.of(manager).rows<{ state: EvaluationState }>(text, [id]) : (await preparedQuery<{ state: EvaluationState }>(this.dataSource, text, [id])).rows;
    return rows[0]?.state ?? null;
  }

  /**
   * Appends the evaluation's pending events; refuses if someone else moved it since `expectedVersion`. Inside the
   * caller's transaction (`manager`), a concurrent writer's win aborts that transaction: the caller, once it has
   * rolled back, hands the error to `refuseConflict`.
   */
  async save(evaluation: Evaluation, expectedVersion?: number, manager?: EntityManager): Promise<SavedEvaluation> {
    const events = [...evaluation.uncommittedEvents];
    // A command that changed nothing (resolving a resolved comment) answers what the row shows.
    if (events.length === 0) return { events, ...(await this.shownScoring(evaluation.state.id, manager)) };
    const loaded = evaluation.loadedVersion;
    if (expectedVersion !== undefined && expectedVersion !== loaded) throw new VersionConflictError(expectedVersion, loaded);
    const oneStatement = !manager && loaded > 0 && events.every((e) => ROW_ONLY_EVENTS.has(e.type));
    // Only appendAndMove remembers what it wrote; any other write of the row makes what this process holds old.
    if (!oneStatement) this.snapshots.forget(evaluation.state.id);
    if (manager) return { events, ...(await this.saveWithin(manager, evaluation)) };
    try {
      const shown = oneStatement
        ? await this.appendAndMove(evaluation, events, loaded)
        : await this.dataSource.transaction((m) => this.saveWithin(m, evaluation));
      return { events, ...shown };
    } catch (error) {
      return this.refuseConflict(error, evaluation.state.id, expectedVersion ?? loaded);
    }
  }

  /** A save that lost to a concurrent writer (the unique (evaluation, version)) is a VERSION_CONFLICT; any other error is rethrown. */
  async refuseConflict(error: unknown, id: string, expectedVersion: number): Promise<never> {
    this.snapshots.forget(id);
    if ((error as { code?: string }).code === UNIQUE_VIOLATION) {
      const current = await this.loadState(id);
      throw new VersionConflictError(expectedVersion, current?.version ?? null);
    }
    throw error;
  }

  /**
   * The common command, in one statement (so one round trip and its own transaction): the events,
   * their outbox rows, the scoring of a changed form and the row's move from the loaded version. The
   * unique (evaluation, version) refuses a concurrent writer; the guarded UPDATE cannot then match
   * another version. Without a new scoring the UPDATE answers the scores the row keeps.
   * A prepared statement (its text depends only on whether the command scored): parsed and planned once
   * per connection.
   */
  private async appendAndMove(evaluation: Evaluation, events: RecordedEvent[], loaded: number): Promise<RowScoring> {
    const scoring = scoringFor(evaluation, events);
    const update = rowUpdate(evaluation.state, 1, loaded, scoring);
    const { rows, rowCount: moved } = await preparedQuery<RowScoring>(
      this.dataSource,
      `${appendEvents(update.stateParam)}${update.with ? `, ${update.with}` : ''} ${update.sql}`,
      [eventRecords(events, evaluation.state), ...update.params],
    );
    if (moved !== 1) throw new VersionConflictError(loaded, null);
    this.snapshots.remember(evaluation.state.id, evaluation.state.version, update.stateJson);
    return scoring ? { scores: scoring.scores, findings: scoring.findings } : { scores: rows[0]?.scores ?? null, findings: rows[0]?.findings ?? null };
  }

  /**
   * Writes a new or changed evaluation inside a transaction the caller owns (an import writes many at
   * once), its scoring with it when the events changed the form; answers what the row shows.
   */
  async saveWithin(manager: EntityManager, evaluation: Evaluation): Promise<RowScoring> {
    const events = [...evaluation.uncommittedEvents];
    const scoring = scoringFor(evaluation, events);
    await this.append(manager, events);
    const shown = await this.projector.project(manager, events, evaluation.state, scoring);
    return shown ?? { scores: scoring?.scores ?? null, findings: scoring?.findings ?? null };
  }

  private async shownScoring(id: string, manager?: EntityManager): Promise<RowScoring> {
    const text = 'SELECT scores, findings FROM evaluations WHERE id = $1';
    const rows = manager ? await Sql.of(manager).rows<RowScoring>(text, [id]) : (await preparedQuery<RowScoring>(this.dataSource, text, [id])).rows;
    return rows[0] ?? { scores: null, findings: null };
  }

  async append(manager: EntityManager, events: RecordedEvent[]): Promise<void> {
    await Sql.of(manager).execute(`${appendEvents()} SELECT count(*) FROM ev`, [eventRecords(events)]);
  }

}

/** The scoring a command records with its events: of the form after them, if they changed it (or reopened it). */
function scoringFor(evaluation: Evaluation, events: RecordedEvent[]): ScoringRecord | null {
  return events.some((e) => SCORED_EVENTS.has(e.type)) ? scoringOf(evaluation.state) : null;
}

/**
 * The head of a statement that appends events ($1: their records as JSON) and an outbox row for each
 * event that has a consumer (RELAYED_EVENTS), exposing the inserted events as `ev`; the caller adds the
 * statement's main part. With `stateParam` (the placeholder of the state the statement also writes), an
 * edit's payload `{form}` is not sent a second time: it is built from the state's form in the statement.
 */
function appendEvents(stateParam?: string): string {
  const payload = stateParam ? `CASE WHEN form_from_state THEN jsonb_build_object('form', ${stateParam}::jsonb->'form') ELSE payload END` : 'payload';
  return `WITH x AS (
      SELECT * FROM jsonb_to_recordset($1::jsonb)
        AS r(evaluation_id uuid, version integer, type text, payload jsonb, actor_id uuid, occurred_at timestamptz, form_from_state boolean)
    ), ev AS (
      INSERT INTO evaluation_events (evaluation_id, version, type, payload, actor_id, occurred_at)
      SELECT evaluation_id, version, type, ${payload}, actor_id, occurred_at FROM x ORDER BY version
      RETURNING position, evaluation_id, version, type
    ), ob AS (
      INSERT INTO outbox (event_position, evaluation_id, type) SELECT position, evaluation_id, type FROM ev WHERE type IN (${RELAYED_EVENTS_SQL})
    )`;
}

/**
 * The events as JSON records. An edit whose form is the very form of `state` (the state written with it)
 * and that moved no row something pointed at (no `rows`) travels without its payload and is marked
 * `form_from_state` (appendEvents builds it): ~2.7 KB less to
 * serialise, send and parse per edit, the stored payload the same jsonb.
 */
function eventRecords(events: RecordedEvent[], state?: EvaluationState): string {
  return JSON.stringify(
    events.map((e) => {
      const fromState = state !== undefined && e.type === 'EvaluationEdited' && e.payload.form === state.form && e.payload.rows === undefined;
      return { evaluation_id: e.evaluationId, version: e.version, type: e.type, payload: fromState ? null : e.payload, actor_id: e.actorId, occurred_at: e.occurredAt, form_from_state: fromState };
    }),
  );
}

