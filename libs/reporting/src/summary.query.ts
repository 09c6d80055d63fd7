import { QueryHandler, Query, type IQueryHandler } from '@nestjs/cqrs';
import { DataSource } from 'typeorm';
import { Decimal } from 'decimal.js';
import { seesAllUnits, visibleUnitIds, type AuthenticatedUser } from '#perf-eval/identity';
import type { EvaluationStatus, EvaluationForm, EvaluationScores } from '#perf-eval/evaluation';
import { EvaluationError, rowsMarkedDown, selfScore, verifiedTotal, type Verification } from '#perf-eval/evaluation';
import type { SummaryAnswer, SummaryExport, SummaryRow } from './summary-table.js';
import { Sql, SqlFilter, readPage, readQuery } from '#perf-eval/persistence';
import { COUNTS_RELATION } from '#perf-eval/evaluation';

/** A page of the table: `page` from 1, `size` rows. */
export interface SummaryPage {
  page: number;
  size: number;
}

export class SummaryQuery extends Query<SummaryAnswer> {
  constructor(
    readonly user: AuthenticatedUser,
    readonly fiscalYear?: number,
    readonly unitId?: string,
    /** Absent: the whole table (the exports); present: one page, with the whole table's count and 合计. */
    readonly page?: SummaryPage,
  ) {
    super();
  }
}

/** The table's order within one unit, and across units (by unit name first). */
const UNIT_ORDER = 'e.fiscal_year, e.summary_seq NULLS LAST, e.created_at, e.id';
const SUMMARY_ORDER = `u.name, ${UNIT_ORDER}`;

/**
 * The 项目绩效评价明细表 from the evaluations table: source order first (the paper's 序号), then creation order.
 *
 * A published form that is being corrected (更正: reopened into a new revision, not yet published) keeps
 * showing its last published revision — figures, score, grade, status — with `correcting: true`, until
 * the new revision is published. A form never published shows what it holds now (as before), with its
 * status, so that the table also tells how far each form has come.
 *
 * A page is found by its ids alone in the table's order (the summary-order index), then only its rows are
 * read (readPage); the count and the 合计 of the whole table come from a second statement that reads no JSON but the
 * published budgets of forms being corrected. A page costs its rows, not the unit's or the year's.
 */
@QueryHandler(SummaryQuery)
export class SummaryHandler implements IQueryHandler<SummaryQuery, SummaryAnswer> {
  constructor(private readonly dataSource: DataSource) {}

  async execute({ user, fiscalYear, unitId, page }: SummaryQuery): Promise<SummaryAnswer> {
    const sql = summaryFilter(user, fiscalYear, unitId);
    const offset = page ? (page.page - 1) * page.size : 0;
    if (!page) {
      // The whole table as JSON is held whole (rows, objects, the answer's text): bounded, before anything is read.
      const [head] = await readQuery<TotalsRow>(this.dataSource, totalsStatement(sql), sql.params);
      if (head.rows > SUMMARY_UNPAGED_MAX_ROWS) throw new SummaryTooLargeError(head.rows);
    }
    const [rows, whole] = await Promise.all([
      page
        ? readPage<Row>(this.dataSource, pageStatement(sql, unitId !== undefined), [...sql.params, page.size, offset], rowsStatement('WHERE e.id = ANY($1::uuid[])'))
        : readQuery<Row>(this.dataSource, rowsStatement(sql.where), sql.params),
      page ? readQuery<TotalsRow>(this.dataSource, totalsStatement(sql), sql.params).then(([t]) => t) : undefined,
    ]);
    const shown = rows.map(shownFigures);
    const totals = whole ? wholeTable(whole) : totalsOfRows(rows, shown);
    return {
      fiscalYear: fiscalYear ?? null,
      unitName: totals.unitName,
      rows: rows.map((r, i) => summaryRow(r, shown[i], offset + i + 1)),
      total: { budget: totals.budget.toFixed(2, Decimal.ROUND_HALF_UP) },
      totalRows: totals.rows,
      ...(page ? { page: page.page, pageSize: page.size } : {}),
    };
  }
}

/** The forms of the table: those the user sees, of the unit and the year asked for. */
function summaryFilter(user: AuthenticatedUser, fiscalYear?: number, unitId?: string): SqlFilter {
  return new SqlFilter()
    .addIf(!seesAllUnits(user), 'e.unit_id = ANY(?::uuid[])', visibleUnitIds(user))
    .addIf(unitId, 'e.unit_id = ?', unitId)
    .addIf(fiscalYear, 'e.fiscal_year = ?', fiscalYear);
}

/**
 * The ids of one page in the table's order ($n+1: size, $n+2: offset after the filter's parameters).
 * Of one unit the name is the same on every row: the page is then read off the summary-order index in its
 * order and stops after its rows (with the name first, PostgreSQL sorts the unit's rows to find them).
 */
function pageStatement(sql: SqlFilter, oneUnit: boolean): string {
  return `SELECT e.id FROM evaluations e ${oneUnit ? '' : 'JOIN units u ON u.id = e.unit_id'} ${sql.where}
          ORDER BY ${oneUnit ? UNIT_ORDER : SUMMARY_ORDER} LIMIT ${sql.next(1)} OFFSET ${sql.next(2)}`;
}

/**
 * The rows of the table that `where` picks, in its order.
 * p: the last published revision of a form whose current revision is not published (a correction under
 * way), with the scoring recorded for that revision's form version. Only a form past its first revision
 * can have one (a reopen starts a new revision), so the others skip the look-up.
 */
function rowsStatement(where: string): string {
  return `SELECT e.id, e.unit_id, u.name AS unit_name, e.project_name, e.full_year_budget, e.evaluation_method, e.self_score,
              e.computed_total, e.grade, e.status, e.scores->'budgetScore' AS budget_score, e.state->'verification' AS verification, e.error_count, e.warning_count, e.marked_down_count, e.revision,
              p.revision AS published_revision, p.form AS published_form, p.status AS published_status, p.scores AS published_scores,
              p.errors AS published_errors, p.warnings AS published_warnings, p.verification AS published_verification
       FROM evaluations e JOIN units u ON u.id = e.unit_id
       LEFT JOIN LATERAL (
         SELECT r.revision, r.state->'form' AS form, r.state->>'status' AS status, s.scores, r.state->'verification' AS verification,
                (SELECT count(*) FROM jsonb_array_elements(COALESCE(s.findings, '[]'::jsonb)) f WHERE f->>'severity' = 'error')::int AS errors,
                (SELECT count(*) FROM jsonb_array_elements(COALESCE(s.findings, '[]'::jsonb)) f WHERE f->>'severity' = 'warning')::int AS warnings
         FROM evaluation_revisions r
         LEFT JOIN LATERAL (
           SELECT s.scores, s.findings FROM evaluation_scorings s
           WHERE s.evaluation_id = r.evaluation_id AND s.form_version = r.form_version AND s.rule_set_id = r.state->>'ruleSetId'
           ORDER BY s.recorded_at DESC LIMIT 1
         ) s ON true
         WHERE r.evaluation_id = e.id AND e.status <> 'Published' AND e.revision > 1
         ORDER BY r.revision DESC LIMIT 1
       ) p ON true
       ${where}
       ORDER BY ${SUMMARY_ORDER}`;
}

/**
 * The whole table's count, units and 合计 without reading its rows: the counters (COUNTS_RELATION, kept in
 * each row's own transaction) hold the forms and the sum of their current budgets per unit; a form under
 * correction shows its published revision's budget instead, so those few (a partial index finds them) are
 * read with both budgets as text and the 合计 is corrected here (Decimal), as shownFigures shows them.
 */
function totalsStatement(sql: SqlFilter): string {
  const correcting = `${sql.where ? `${sql.where} AND` : 'WHERE'} e.revision > 1 AND e.status <> 'Published'`;
  return `WITH c AS (
            SELECT e.unit_id, sum(e.n) AS n, sum(e.budget) AS budget FROM ${COUNTS_RELATION} e ${sql.where}
            GROUP BY e.unit_id HAVING sum(e.n) <> 0
          )
          SELECT COALESCE(sum(c.n), 0)::int AS rows, count(*)::int AS units, min(u.name) AS unit_name, COALESCE(sum(c.budget), 0)::text AS budget,
                 (SELECT COALESCE(json_agg(json_build_array(e.full_year_budget::text, p.budget)), '[]')
                  FROM evaluations e JOIN LATERAL (
                    SELECT r.state->'form'->'funds'->'total'->>'fullYearBudget' AS budget FROM evaluation_revisions r
                    WHERE r.evaluation_id = e.id ORDER BY r.revision DESC LIMIT 1
                  ) p ON true
                  ${correcting}) AS corrections
          FROM c JOIN units u ON u.id = c.unit_id`;
}

/** A row of the table as it shows, numbered `seq`. */
function summaryRow(r: Row, f: ReturnType<typeof shownFigures>, seq: number): SummaryRow {
  const budget = f.budget === null ? null : new Decimal(f.budget);
  return {
    seq,
    evaluationId: r.id,
    unitId: r.unit_id,
    unitName: r.unit_name,
    projectName: f.projectName,
    budget: budget === null ? null : budget.toFixed(2, Decimal.ROUND_HALF_UP),
    budgetExact: budget === null ? null : budget.toString(),
    evaluationMethod: f.evaluationMethod,
    selfScore: f.selfScore,
    verifiedScore: f.verifiedScore,
    computedScore: f.computedScore,
    grade: f.grade,
    status: f.status,
    findings: f.findings,
    revision: f.revision,
    correcting: r.published_revision !== null,
    currentRevision: r.revision,
    currentStatus: r.status,
  };
}

/**
 * Rows `GET /api/summary` answers without a page: ~4 MB of JSON. A city's year (100,000 rows, ~40 MB of JSON and
 * several times that in objects) would take the API's heap; it is read in pages, or exported (written as read).
 */
export const SUMMARY_UNPAGED_MAX_ROWS = 10_000;

export class SummaryTooLargeError extends EvaluationError {
  readonly code = 'SUMMARY_TOO_LARGE';
  override readonly details: { rows: number; maxRows: number };
  constructor(rows: number) {
    super(`明细表共 ${rows} 项，不分页时最多 ${SUMMARY_UNPAGED_MAX_ROWS} 项：请分页读取（page、pageSize），或导出 Excel / CSV（不限行数）`);
    this.details = { rows, maxRows: SUMMARY_UNPAGED_MAX_ROWS };
  }
}

/** Rows an export reads per FETCH: memory holds one chunk, not the table. */
const EXPORT_CHUNK_ROWS = 1000;

/**
 * Whole-table exports one API process writes at once: each holds a pool connection (DATABASE_POOL_SIZE, 20 by
 * default) while its client reads, so a few stalled downloads must not take the pool from everyone else.
 */
export const CONCURRENT_EXPORTS = 4;

/** An export whose client stops reading for this long loses its transaction (PostgreSQL ends the session). */
const EXPORT_IDLE_TIMEOUT = '60s';

export class TooManyExportsError extends EvaluationError {
  readonly code = 'TOO_MANY_REQUESTS';
  override readonly details = { retryAfterSeconds: 10, concurrentExports: CONCURRENT_EXPORTS };
  constructor() {
    super(`正在导出的明细表已有 ${CONCURRENT_EXPORTS} 份，请稍后再试`);
  }
}

export class SummaryExportQuery extends Query<SummaryExport> {
  constructor(
    readonly user: AuthenticatedUser,
    readonly fiscalYear?: number,
    readonly unitId?: string,
  ) {
    super();
  }
}

/**
 * The whole table for an export, without holding it: its head (title, count, 合计) first, then its rows in
 * chunks through a cursor, all in one REPEATABLE READ snapshot, so that the 合计 is the sum of the rows
 * written even while forms change. A city's year of 100,000 rows is written in constant memory (held whole,
 * it ran the API out of its heap). Read `chunks` to the end, or call `close()`: either ends the transaction. A
 * stream over the chunks must call `close()` when it closes: a reader that leaves before the first chunk never
 * starts the generator, whose own ending would not run (each such request held a pool connection for good).
 */
@QueryHandler(SummaryExportQuery)
export class SummaryExportHandler implements IQueryHandler<SummaryExportQuery, SummaryExport> {
  constructor(private readonly dataSource: DataSource) {}

  private running = 0;

  async execute({ user, fiscalYear, unitId }: SummaryExportQuery): Promise<SummaryExport> {
    if (this.running >= CONCURRENT_EXPORTS) throw new TooManyExportsError();
    this.running++;
    const sql = summaryFilter(user, fiscalYear, unitId);
    const runner = this.dataSource.createQueryRunner();
    let open = true;
    // A FETCH under way when the reader goes away: the transaction ends after it, not across it.
    let fetching: Promise<unknown> = Promise.resolve();
    const close = async () => {
      if (!open) return;
      open = false;
      // The slot stays taken until the connection is back in the pool: an abandoned export whose FETCH is still
      // sorting holds a connection, and a client that leaves and asks again in a loop must not take the pool.
      await fetching.catch(() => undefined);
      try {
        if (runner.isTransactionActive) await runner.rollbackTransaction();
      } finally {
        this.running--;
        await runner.release();
      }
    };
    try {
      await runner.connect();
      await runner.startTransaction('REPEATABLE READ');
      const q = Sql.of(runner.manager);
      await q.execute(`SET LOCAL idle_in_transaction_session_timeout = '${EXPORT_IDLE_TIMEOUT}'`);
      const [head] = await q.rows<TotalsRow>(totalsStatement(sql), sql.params);
      const totals = wholeTable(head);
      await q.execute(`DECLARE summary_rows NO SCROLL CURSOR FOR ${rowsStatement(sql.where)}`, sql.params);
      async function* chunks(): AsyncGenerator<SummaryRow[]> {
        let seq = 0;
        try {
          while (open) {
            const fetch = q.rows<Row>(`FETCH ${EXPORT_CHUNK_ROWS} FROM summary_rows`);
            fetching = fetch;
            const rows = await fetch;
            if (rows.length === 0) return;
            yield rows.map((r) => summaryRow(r, shownFigures(r), ++seq));
          }
        } finally {
          await close();
        }
      }
      return {
        fiscalYear: fiscalYear ?? null,
        unitName: totals.unitName,
        totalRows: totals.rows,
        total: { budget: totals.budget.toFixed(2, Decimal.ROUND_HALF_UP) },
        chunks: chunks(),
        close,
      };
    } catch (error) {
      await close();
      throw error;
    }
  }
}

interface Totals {
  rows: number;
  unitName: string | null;
  budget: Decimal;
}

function wholeTable(t: TotalsRow): Totals {
  const budget = t.corrections.reduce(
    (sum, [own, published]) => sum.minus(own ?? 0).plus(published ?? 0),
    new Decimal(t.budget),
  );
  return { rows: t.rows, unitName: t.units === 1 ? t.unit_name : null, budget };
}

/** The totals of an unpaged table, from its own rows. */
function totalsOfRows(rows: Row[], shown: ReturnType<typeof shownFigures>[]): Totals {
  const units = new Set(rows.map((r) => r.unit_name));
  const budget = shown.reduce((sum, r) => (r.budget === null ? sum : sum.plus(r.budget)), new Decimal(0));
  return { rows: rows.length, unitName: units.size === 1 ? [...units][0] : null, budget };
}

interface TotalsRow {
  rows: number;
  units: number;
  unit_name: string | null;
  /** Σ of the current budgets (a missing one as 0). */
  budget: string;
  /** [current budget, published revision's budget] of each form under correction. */
  corrections: [string | null, string | null][];
}

/** The figures a row shows: its last published revision's while a correction is under way, else its own. */
function shownFigures(r: Row) {
  if (r.published_revision === null || r.published_form === null) {
    return {
      projectName: r.project_name,
      budget: r.full_year_budget,
      evaluationMethod: r.evaluation_method,
      selfScore: r.self_score === null ? null : Number(r.self_score),
      verifiedScore: verifiedTotal(r.verification, r.budget_score),
      computedScore: r.computed_total === null ? null : Number(r.computed_total),
      grade: r.grade,
      status: r.status,
      // The warnings the form shows: the scoring's and one per row a 核查分 marked down (VERIFIED_BELOW_SELF), as the lists count them.
      findings: { errors: r.error_count, warnings: r.warning_count + r.marked_down_count },
      revision: r.revision,
    };
  }
  const form = r.published_form;
  const computed = r.published_scores?.total ?? null;
  return {
    projectName: form.projectName,
    budget: form.funds?.total?.fullYearBudget ?? null,
    evaluationMethod: form.evaluationMethod,
    selfScore: selfScore(form.declared, computed),
    verifiedScore: verifiedTotal(r.published_verification, r.published_scores?.budgetScore ?? null),
    computedScore: computed,
    grade: r.published_scores?.grade ?? null,
    status: (r.published_status ?? 'Published') as EvaluationStatus,
    findings: { errors: r.published_errors ?? 0, warnings: (r.published_warnings ?? 0) + rowsMarkedDown(r.published_verification).length },
    revision: r.published_revision,
  };
}

interface Row {
  budget_score: number | null;
  verification: Verification | null;
  published_verification: Verification | null;
  id: string;
  unit_id: string;
  unit_name: string;
  project_name: string;
  full_year_budget: string | null;
  evaluation_method: string;
  self_score: string | null;
  computed_total: string | null;
  grade: string | null;
  status: EvaluationStatus;
  error_count: number;
  warning_count: number;
  /** The rows the last 核查分 marked down (VERIFIED_BELOW_SELF), as the row counts them for the lists. */
  marked_down_count: number;
  revision: number;
  published_revision: number | null;
  published_form: EvaluationForm | null;
  published_status: string | null;
  published_scores: EvaluationScores | null;
  published_errors: number | null;
  published_warnings: number | null;
}
