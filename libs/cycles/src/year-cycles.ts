/**
 * A cycle covers every form of its fiscal year (all units), whenever the form was created: membership
 * is derived from the fiscal year at read time, never fixed when a form is created. When a year has
 * several open cycles, the newest one governs its forms (as it is the one a new form would have
 * joined); a closed cycle governs nothing: no reminders, no overdue count, no deadline in texts.
 *
 * `evaluations.cycle_id` (the form's `cycleId`) only records which cycle was open when the form was
 * drafted; nothing reads it to decide membership.
 *
 * Use as a table: `… LEFT JOIN ${YEAR_CYCLES} c ON c.fiscal_year = e.fiscal_year`.
 */
export const YEAR_CYCLES = `(SELECT DISTINCT ON (fiscal_year) * FROM cycles WHERE status = 'open' ORDER BY fiscal_year, created_at DESC, id DESC)`;
