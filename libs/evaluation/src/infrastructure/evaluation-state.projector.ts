import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { Sql } from '#perf-eval/persistence';
import { evolve, type EvaluationState, type RecordedEvent } from '../domain/evaluation.js';
import type { Finding } from '../scoring/finding.js';
import type { EvaluationScores } from '../scoring/score-evaluation.js';
import { declaredSelfScore } from '../scoring/self-score.js';
import { submissionGaps } from '../domain/submission-gaps.js';
import { rowsMarkedDown } from '../domain/review.js';
import { scoredColumns, scoredValues, selfScoreSql, type ScoringRecord } from './scoring.projection.js';

/** The scores and findings an evaluation's row shows (null until its form is first scored). */
export interface RowScoring {
  scores: EvaluationScores | null;
  findings: Finding[] | null;
}

/**
 * Projects an evaluation's events into its current-state row (snapshot + list read model) and its
 * published revisions. Idempotent: the row remembers the last version applied, older events are skipped.
 * A command that changed the form passes the scoring it computed: the row statement records it in
 * evaluation_scorings and sets the scored columns. Replaying the history (rebuild) passes none and
 * ScoringProjection.follow re-applies the recorded scorings afterwards.
 */
@Injectable()
export class EvaluationStateProjector {
  /** Answers what the row shows after the events (its scores and findings), or null when nothing was written. */
  async project(manager: EntityManager, events: RecordedEvent[], stateAfter?: EvaluationState, scoring?: ScoringRecord | null): Promise<RowScoring | null> {
    if (events.length === 0) return null;
    const id = events[0].evaluationId;
    const sql = Sql.of(manager);
    const before = (await sql.first<{ state: EvaluationState }>('SELECT state FROM evaluations WHERE id = $1 FOR UPDATE', [id]))?.state ?? null;
    const fresh = events.filter((e) => e.version > (before?.version ?? 0));
    if (fresh.length === 0) return null;
    // 删除草稿 ends a stream and its row: the discard applied again finds nothing left to write.
    if (before === null && fresh.length === 1 && fresh[0].type === 'EvaluationDiscarded') return null;
    if (fresh[0].version !== (before?.version ?? 0) + 1) {
      throw new Error(`Projection gap for evaluation ${id}: at ${before?.version ?? 0}, next event ${fresh[0].version}`);
    }
    const after = stateAfter && stateAfter.version === fresh[fresh.length - 1].version ? stateAfter : fresh.reduce(evolve, before);
    if (!after) return null;
    if (after.discarded) {
      // The history keeps the stream; no read model shows the form (never published: no revision refers to it).
      await sql.affected('DELETE FROM evaluations WHERE id = $1', [id]);
      // An import recognises a file by its content: once every form it brought is discarded (imported into the wrong
      // unit or year, as drafts instead of as published), the same file may be imported again.
      const batches = await sql.rows<{ id: string; emptied: boolean }>(
        `UPDATE import_batches SET evaluation_ids = array_remove(evaluation_ids, $1::uuid) WHERE $1::uuid = ANY(evaluation_ids)
         RETURNING id, cardinality(evaluation_ids) = 0 AS emptied`,
        [id],
      );
      const emptied = batches.filter((b) => b.emptied).map((b) => b.id);
      if (emptied.length > 0) await sql.affected('DELETE FROM import_batches WHERE id = ANY($1::uuid[])', [emptied]);
      return null;
    }
    const shown = await this.writeRow(manager, after, before === null, scoring?.formVersion === after.formVersion ? scoring : null);
    let replayed = before;
    for (const event of fresh) {
      replayed = evolve(replayed, event);
      if (event.type === 'EvaluationPublished' || (event.type === 'EvaluationImported' && event.payload.published)) {
        await sql.affected(
          `INSERT INTO evaluation_revisions (evaluation_id, revision, version, form_version, state, published_at, published_by)
           VALUES ($1,$2,$3,$4,$5,$6,$7) ON CONFLICT (evaluation_id, revision) DO NOTHING`,
          [replayed.id, replayed.revision, event.version, replayed.formVersion, JSON.stringify(replayed), event.occurredAt, event.actorId],
        );
      }
    }
    return shown;
  }

  private async writeRow(manager: EntityManager, state: EvaluationState, insert: boolean, scoring: ScoringRecord | null): Promise<RowScoring> {
    const statement = insert ? rowInsert(state, scoring) : rowUpdate(state, 0, undefined, scoring);
    const rows = await Sql.of(manager).rows<RowScoring>(withClause(statement), statement.params);
    if (scoring) return { scores: scoring.scores, findings: scoring.findings };
    // An UPDATE without a scoring answers the scores the row keeps (RETURNING); an INSERT without one shows none yet.
    return rows[0] ?? { scores: null, findings: null };
  }
}

/** A statement on an evaluation's row; `with` is a CTE (without WITH) that must run in the same statement. */
export interface RowStatement {
  with: string | null;
  sql: string;
  params: unknown[];
  /** The placeholder of the state's JSON among the params (a statement may read the form out of it). */
  stateParam: string;
  /** The state's JSON as the statement writes it. */
  stateJson: string;
}

/** The statement as one SQL text, its CTE (if any) in front. */
export function withClause(statement: RowStatement): string {
  return statement.with ? `WITH ${statement.with} ${statement.sql}` : statement.sql;
}

/** The read-model columns of the row, in the order of rowParams ($1 … $24). */
const ROW_COLUMNS = [
  'id', 'version', 'revision', 'status', 'returned', 'unit_id', 'fiscal_year', 'project_name', 'evaluation_method',
  'full_year_budget', 'executed', 'declared_total', 'state', 'created_by', 'created_at', 'updated_at', 'summary_seq', 'self_score',
  'cycle_id', 'form_version', 'submitted_at', 'last_edited_by', 'missing_count',
  'marked_down_count',
] as const;

function rowParams(state: EvaluationState): unknown[] {
  const { form } = state;
  return [
    state.id,
    state.version,
    state.revision,
    state.status,
    state.returned,
    form.unitId,
    form.fiscalYear,
    form.projectName,
    form.evaluationMethod,
    form.funds.total?.fullYearBudget ?? null,
    form.funds.total?.executed ?? null,
    form.declared?.total ?? null,
    JSON.stringify(state),
    state.createdBy,
    state.createdAt,
    state.updatedAt,
    form.declared?.summarySeq ?? null,
    declaredSelfScore(form.declared),
    form.cycleId ?? null,
    state.formVersion,
    state.submittedAt,
    state.lastEditedBy ?? null,
    // What a Draft still needs before it can be submitted, for the lists; the view names each gap.
    state.status === 'Draft' ? submissionGaps(form).length : 0,
    // The view's VERIFIED_BELOW_SELF warnings, which the lists add to the scoring's.
    rowsMarkedDown(state.verification).length,
  ];
}

/**
 * The row's columns as [column, SQL value] over parameters numbered from `offset + 1`; with a scoring,
 * also the scored columns and the CTE that records the scoring in evaluation_scorings (once per
 * evaluation, form version, rule set and rule version: ON CONFLICT DO NOTHING).
 * `selfScore` is the self_score value without a scoring (the declared figure is its parameter; see scoring/self-score.ts).
 */
function rowColumns(state: EvaluationState, offset: number, scoring: ScoringRecord | null, selfScore: (declared: string) => string) {
  const p = (n: number) => `$${offset + n}`;
  const params = rowParams(state);
  const param = (value: unknown, type: string) => {
    params.push(value);
    return `${p(params.length)}::${type}`;
  };
  const columns: [string, string][] = ROW_COLUMNS.map((column, i) => [column, p(i + 1)]);
  const declared = p(ROW_COLUMNS.indexOf('self_score') + 1);
  const formVersion = p(ROW_COLUMNS.indexOf('form_version') + 1);
  columns[ROW_COLUMNS.indexOf('self_score')][1] = selfScore(declared);
  const stateParam = p(ROW_COLUMNS.indexOf('state') + 1);
  if (!scoring) return { columns, with: null, params, param, p, stateParam };
  const values = scoredValues(scoring);
  const scores = param(JSON.stringify(scoring.scores), 'jsonb');
  const findings = param(JSON.stringify(scoring.findings), 'jsonb');
  const ruleSetId = param(scoring.ruleSetId, 'text');
  const ruleVersion = param(scoring.ruleVersion, 'text');
  const scored = scoredColumns({
    scores,
    findings,
    total: param(values.total, 'numeric'),
    grade: param(values.grade, 'text'),
    errorCount: param(values.errorCount, 'integer'),
    warningCount: param(values.warningCount, 'integer'),
    formVersion,
    ruleVersion,
    declaredSelfScore: declared,
  });
  for (const [column, value] of scored) {
    const existing = columns.find(([c]) => c === column);
    if (existing) existing[1] = value;
    else columns.push([column, value]);
  }
  const record = `sc AS (INSERT INTO evaluation_scorings (evaluation_id, form_version, rule_set_id, rule_version, scores, findings)
         VALUES (${p(1)}::uuid, ${formVersion}::integer, ${ruleSetId}, ${ruleVersion}, ${scores}, ${findings}) ON CONFLICT DO NOTHING)`;
  return { columns, with: record, params, param, p, stateParam };
}

/** The INSERT of a new evaluation's row (with its scoring, when the command computed one). */
export function rowInsert(state: EvaluationState, scoring: ScoringRecord | null = null): RowStatement {
  const { columns, with: record, params, stateParam } = rowColumns(state, 0, scoring, (declared) => declared);
  return {
    stateParam,
    stateJson: params[ROW_COLUMNS.indexOf('state')] as string,
    with: record,
    sql: `INSERT INTO evaluations (${columns.map(([c]) => c).join(', ')}) VALUES (${columns.map(([, v]) => v).join(', ')})`,
    params,
  };
}

/**
 * The UPDATE of an evaluation's row to `state`, with parameters numbered from `offset + 1`, so that the
 * repository can append events and move the row in one statement. `expectedVersion` (when given) makes
 * the row move only from the version the command loaded.
 * With a scoring (the command changed the form, or reopened it) the statement records it and the row
 * shows it at once; without one the row keeps its scores and the statement answers them (RETURNING).
 */
export function rowUpdate(state: EvaluationState, offset: number, expectedVersion?: number, scoring: ScoringRecord | null = null): RowStatement {
  const { columns, with: record, params, param, p, stateParam } = rowColumns(state, offset, scoring, (declared) => selfScoreSql(declared, 'computed_total'));
  const guard = expectedVersion === undefined ? '' : ` AND version = ${param(expectedVersion, 'integer')}`;
  return {
    stateParam,
    stateJson: params[ROW_COLUMNS.indexOf('state')] as string,
    with: record,
    sql: `UPDATE evaluations SET ${columns
      .filter(([c]) => c !== 'id')
      .map(([c, v]) => `${c}=${v}`)
      .join(', ')}
       WHERE id=${p(1)}${guard}${scoring ? '' : ' RETURNING scores, findings'}`,
    params,
  };
}
