import { YEAR_CYCLES } from './year-cycles.js';

/**
 * Which cycle's deadline applies to a form now, in SQL (lists, queue counts and the form read it).
 * The same rule as reminders (year-cycles.ts): the newest open cycle of the form's fiscal year governs
 * it, whenever the form was created; a closed cycle governs nothing.
 *
 * The deadline that applies: a Draft's is the submission deadline, a Submitted form's the review
 * deadline; a Reviewed or Published form has none.
 */

/** A CTE (`WITH` item) naming, per fiscal year, the cycle that governs it. */
export const OPEN_CYCLE_BY_YEAR_CTE = `open_cycle_by_year AS ${YEAR_CYCLES}`;

/**
 * Joins that make `ac` (id, name, deadline_kind, deadline_at) available for the evaluation aliased `e`;
 * needs OPEN_CYCLE_BY_YEAR_CTE in the statement's WITH. Every column is NULL when no deadline applies.
 */
export const APPLICABLE_CYCLE_JOINS = `
  LEFT JOIN open_cycle_by_year year_c ON year_c.fiscal_year = e.fiscal_year
  CROSS JOIN LATERAL (
    SELECT
      CASE WHEN e.status IN ('Draft', 'Submitted') THEN year_c.id END AS id,
      CASE WHEN e.status IN ('Draft', 'Submitted') THEN year_c.name END AS name,
      CASE e.status WHEN 'Draft' THEN 'submission' WHEN 'Submitted' THEN 'review' END AS deadline_kind,
      CASE e.status
        WHEN 'Draft' THEN year_c.submission_deadline
        WHEN 'Submitted' THEN year_c.review_deadline
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
