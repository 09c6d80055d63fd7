/**
 * Which cycle's deadline applies to a form now, in SQL (lists and queue counts read it for many rows).
 *
 * A cycle covers the forms of its fiscal year: a form created before its cycle existed (cycle_id NULL),
 * or whose own cycle was closed, is covered by the open cycle of its year. Only open cycles apply
 * (closed ones remind nobody). Where several cycles of the year are open, the form's own cycle
 * (evaluations.cycle_id) wins, else the newest open one — the one CyclesStore.cycleFor gives a new form.
 * Cycles have no unit scope today: when they get one, this is the one place that needs to know.
 *
 * The deadline that applies: a Draft's is the submission deadline, a Submitted form's the review
 * deadline; a Reviewed or Published form has none.
 */

/** A CTE (`WITH` item) naming, per fiscal year, the newest open cycle. */
export const OPEN_CYCLE_BY_YEAR_CTE = `open_cycle_by_year AS (
  SELECT DISTINCT ON (fiscal_year) id, fiscal_year, name, submission_deadline, review_deadline
  FROM cycles WHERE status = 'open' ORDER BY fiscal_year, created_at DESC, id)`;

/**
 * Joins that make `ac` (id, name, deadline_kind, deadline_at) available for the evaluation aliased `e`;
 * needs OPEN_CYCLE_BY_YEAR_CTE in the statement's WITH. Every column is NULL when no deadline applies.
 */
export const APPLICABLE_CYCLE_JOINS = `
  LEFT JOIN cycles own_c ON own_c.id = e.cycle_id AND own_c.status = 'open' AND own_c.fiscal_year = e.fiscal_year
  LEFT JOIN open_cycle_by_year year_c ON year_c.fiscal_year = e.fiscal_year AND own_c.id IS NULL
  CROSS JOIN LATERAL (
    SELECT
      CASE WHEN e.status IN ('Draft', 'Submitted') THEN COALESCE(own_c.id, year_c.id) END AS id,
      CASE WHEN e.status IN ('Draft', 'Submitted') THEN COALESCE(own_c.name, year_c.name) END AS name,
      CASE e.status WHEN 'Draft' THEN 'submission' WHEN 'Submitted' THEN 'review' END AS deadline_kind,
      CASE e.status
        WHEN 'Draft' THEN COALESCE(own_c.submission_deadline, year_c.submission_deadline)
        WHEN 'Submitted' THEN COALESCE(own_c.review_deadline, year_c.review_deadline)
      END AS deadline_at
  ) ac`;

/** True for a form whose applicable deadline has passed at `nowParam` (a SQL expression, e.g. `now()` or `$3`). */
export function overdueSql(nowParam: string): string {
  return `(ac.deadline_at IS NOT NULL AND ac.deadline_at < ${nowParam})`;
}

/** The deadline that applies to a form now: a Draft's submission deadline, a Submitted form's review deadline. */
export interface ApplicableDeadline {
  kind: 'submission' | 'review';
  at: string;
  cycleId: string;
  cycleName: string;
}

/** The columns APPLICABLE_CYCLE_JOINS exposes, as a query selects them (`ac.id AS cycle_id, …`). */
export interface ApplicableCycleColumns {
  cycle_id: string | null;
  cycle_name: string | null;
  deadline_kind: 'submission' | 'review' | null;
  deadline_at: Date | string | null;
}

/** The select list for APPLICABLE_CYCLE_JOINS' columns, named as ApplicableCycleColumns. */
export const APPLICABLE_CYCLE_COLUMNS = 'ac.id AS cycle_id, ac.name AS cycle_name, ac.deadline_kind, ac.deadline_at';

export function toApplicableDeadline(r: ApplicableCycleColumns): ApplicableDeadline | null {
  return r.deadline_at && r.deadline_kind && r.cycle_id
    ? { kind: r.deadline_kind, at: new Date(r.deadline_at).toISOString(), cycleId: r.cycle_id, cycleName: r.cycle_name ?? '' }
    : null;
}
