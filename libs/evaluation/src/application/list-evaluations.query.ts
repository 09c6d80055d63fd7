import { QueryHandler, Query, type IQueryHandler } from '@nestjs/cqrs';
import { DataSource } from 'typeorm';
import { seesAllUnits, visibleUnitIds, type AuthenticatedUser } from '#perf-eval/identity';
import type { EvaluationStatus } from '../domain/evaluation.js';
import { toAmount } from '../domain/amount.js';
import { SqlFilter, readPage, readQuery } from '#perf-eval/persistence';
import { APPLICABLE_CYCLE_COLUMNS, APPLICABLE_CYCLE_JOINS, OPEN_CYCLE_BY_YEAR_CTE, toApplicableDeadline, type ApplicableCycleColumns, type ApplicableDeadline } from '#perf-eval/cycles';

export type { ApplicableDeadline };
import { Clock } from './clock.js';
import { addQueueFilter, queueOrder, type EvaluationQueue } from './evaluation-queues.js';
import { COUNTS_RELATION } from '../infrastructure/evaluation-counts.js';

export interface EvaluationListFilter {
  status?: EvaluationStatus;
  unitId?: string;
  fiscalYear?: number;
  /** Project name contains this (case-insensitive; already trimmed). */
  q?: string;
  queue?: EvaluationQueue;
  page: number;
  pageSize: number;
}


export interface EvaluationListItem {
  id: string;
  projectName: string;
  unitId: string;
  unitName: string;
  fiscalYear: number;
  status: EvaluationStatus;
  returned: boolean;
  version: number;
  revision: number;
  budget: string | null;
  evaluationMethod: string;
  declaredTotal: number | null;
  computedTotal: number | null;
  grade: string | null;
  /** `warnings` with the view's VERIFIED_BELOW_SELF (rows a 核查分 marked down); `missing`: what a Draft still needs before it can be submitted (the view's `missing`, counted); 0 for other statuses. */
  findings: { errors: number; warnings: number; missing: number };
  updatedAt: string;
  /** When the submission that put the form where it is happened; null for a Draft (also a returned one) and for imported forms. */
  submittedAt: string | null;
  deadline: ApplicableDeadline | null;
  /** The deadline has passed. */
  overdue: boolean;
  /** While Submitted: the review step it waits at (`unit` 单位审核 / `department` 主管部门审核) and who claimed it. */
  review: { step: string; claimedBy: { id: string; name: string | null } | null } | null;
}

export class ListEvaluationsQuery extends Query<{ items: EvaluationListItem[]; total: number }> {
  constructor(
    readonly user: AuthenticatedUser,
    readonly filter: EvaluationListFilter,
  ) {
    super();
  }
}

/** `%`, `_` and the escape character itself match literally in a LIKE pattern. */
export function likeContains(text: string): string {
  return `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/**
 * Reads the list straight from the evaluations table; nothing is replayed at request time.
 *
 * The total comes from the pre-aggregated counters whenever the filter only names columns they keep
 * (units, status, year, the publish/drafts/overdue queues); a name search or the review queue (the
 * self-review rule looks at each form) counts the rows. The page is found on an index in the list's
 * order (year, status, updated_at) by its ids alone, then only its rows are read (readPage: two statements,
 * each cheap to plan): a late page costs its offset in index entries, not a sort of the year.
 */
@QueryHandler(ListEvaluationsQuery)
export class ListEvaluationsHandler implements IQueryHandler<ListEvaluationsQuery, { items: EvaluationListItem[]; total: number }> {
  constructor(
    private readonly dataSource: DataSource,
    private readonly clock: Clock,
  ) {}

  async execute({ user, filter }: ListEvaluationsQuery): Promise<{ items: EvaluationListItem[]; total: number }> {
    const now = this.clock.now();
    const sql = new SqlFilter()
      .addIf(!seesAllUnits(user), 'e.unit_id = ANY(?::uuid[])', visibleUnitIds(user))
      .addIf(filter.unitId, 'e.unit_id = ?', filter.unitId)
      .addIf(filter.status, 'e.status = ?', filter.status)
      .addIf(filter.fiscalYear, 'e.fiscal_year = ?', filter.fiscalYear)
      .addIf(filter.q, `e.project_name ILIKE ?`, likeContains(filter.q ?? ''));
    if (filter.queue) addQueueFilter(sql, user, filter.queue, now);
    const counted = !filter.q && filter.queue !== 'review';
    const order = queueOrder(filter.queue);
    // Only the overdue queue filters or orders by the applicable deadline (`ac`).
    const pageJoins = filter.queue === 'overdue' ? APPLICABLE_CYCLE_JOINS : '';
    const [[{ n }], rows]: [{ n: string }[], ListRow[]] = await Promise.all([
      readQuery(this.dataSource, 
        `WITH ${OPEN_CYCLE_BY_YEAR_CTE} SELECT ${counted ? 'COALESCE(sum(e.n), 0)' : 'count(*)'} AS n
         FROM ${counted ? COUNTS_RELATION : 'evaluations'} e ${APPLICABLE_CYCLE_JOINS} ${sql.where}`,
        sql.params,
      ),
      readPage<ListRow>(this.dataSource,
        `${pageJoins ? `WITH ${OPEN_CYCLE_BY_YEAR_CTE} ` : ''}SELECT e.id FROM evaluations e ${pageJoins} ${sql.where}
         ORDER BY ${order} LIMIT ${sql.next(1)} OFFSET ${sql.next(2)}`,
        [...sql.params, filter.pageSize, (filter.page - 1) * filter.pageSize],
        LIST_ROWS,
      ),
    ]);
    return { total: Number(n), items: rows.map((r) => toItem(r, now)) };
  }
}

/** The rows of a page, by their ids ($1). */
const LIST_ROWS = `WITH ${OPEN_CYCLE_BY_YEAR_CTE}
  SELECT e.id, e.project_name, e.unit_id, u.name AS unit_name, e.fiscal_year, e.status, e.returned, e.version, e.revision,
         e.full_year_budget, e.evaluation_method, e.declared_total, e.computed_total, e.grade, e.error_count, e.warning_count, e.marked_down_count, e.missing_count, e.updated_at,
         e.submitted_at, ${APPLICABLE_CYCLE_COLUMNS},
         e.review_step,
         cu.id AS claimed_by, cu.display_name AS claimed_by_name
  FROM evaluations e JOIN units u ON u.id = e.unit_id ${APPLICABLE_CYCLE_JOINS}
  LEFT JOIN users cu ON e.status = 'Submitted' AND cu.id = (e.state->'review'->>'claimedBy')::uuid
  WHERE e.id = ANY($1::uuid[])`;

interface ListRow extends ApplicableCycleColumns {
  id: string;
  project_name: string;
  unit_id: string;
  unit_name: string;
  fiscal_year: number;
  status: EvaluationStatus;
  returned: boolean;
  version: number;
  revision: number;
  full_year_budget: string | null;
  evaluation_method: string;
  declared_total: string | null;
  computed_total: string | null;
  grade: string | null;
  error_count: number;
  warning_count: number;
  marked_down_count: number;
  missing_count: number;
  updated_at: Date;
  submitted_at: Date | null;
  review_step: string | null;
  claimed_by: string | null;
  claimed_by_name: string | null;
}

function toItem(r: ListRow, now: Date): EvaluationListItem {
  const deadline = toApplicableDeadline(r);
  return {
    id: r.id,
    projectName: r.project_name,
    unitId: r.unit_id,
    unitName: r.unit_name,
    fiscalYear: r.fiscal_year,
    status: r.status,
    returned: r.returned,
    version: r.version,
    revision: r.revision,
    budget: r.full_year_budget === null ? null : toAmount(r.full_year_budget),
    evaluationMethod: r.evaluation_method,
    declaredTotal: r.declared_total === null ? null : Number(r.declared_total),
    computedTotal: r.computed_total === null ? null : Number(r.computed_total),
    grade: r.grade,
    findings: { errors: r.error_count, warnings: r.warning_count + r.marked_down_count, missing: r.missing_count },
    updatedAt: new Date(r.updated_at).toISOString(),
    // A returned or reopened Draft keeps the time of its last submission in the row; it is not current.
    submittedAt: r.submitted_at && r.status !== 'Draft' ? new Date(r.submitted_at).toISOString() : null,
    deadline,
    overdue: deadline !== null && new Date(deadline.at).getTime() < now.getTime(),
    review: r.review_step === null ? null : { step: r.review_step, claimedBy: r.claimed_by ? { id: r.claimed_by, name: r.claimed_by_name } : null },
  };
}
