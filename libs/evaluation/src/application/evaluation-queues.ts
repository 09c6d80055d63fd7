import { QueryHandler, Query, type IQueryHandler } from '@nestjs/cqrs';
import { DataSource } from 'typeorm';
import { notAuthorOf, notEarlierApproverOf, seesAllUnits, visibleUnitIds, type AuthenticatedUser } from '#perf-eval/identity';
import { may } from './evaluation-access.js';
import { SqlFilter, readQuery } from '#perf-eval/persistence';
import { APPLICABLE_CYCLE_JOINS, OPEN_CYCLE_BY_YEAR_CTE, overdueSql } from '#perf-eval/cycles';
import { Clock } from './clock.js';
import { COUNTS_RELATION } from '../infrastructure/evaluation-counts.js';

/**
 * The role queues (工作队列): the forms that wait for someone.
 *
 * - review   待我审核  Submitted, in the units the user may review, except the forms the self-review
 *                    rule keeps from them (they created it, or edited or submitted this revision: isSelfReview)
 * - publish  待公开    Reviewed (approved), waiting for a manager to publish
 * - overdue  逾期      Draft past the applicable cycle's submission deadline, Submitted past its review deadline
 * - drafts   我的草稿  Draft in the user's own units (returned ones are counted again under `returned`)
 */
export const EVALUATION_QUEUES = ['review', 'publish', 'overdue', 'drafts'] as const;
export type EvaluationQueue = (typeof EVALUATION_QUEUES)[number];

export interface QueueCounts {
  review: number;
  publish: number;
  overdue: number;
  drafts: number;
  returned: number;
}

/** Who has which queue (the `queue.*` rows of the access table); a queue the user has no role for is empty (and counts 0). */
function hasQueue(user: AuthenticatedUser, queue: EvaluationQueue): boolean {
  return may(user, `queue.${queue}`);
}

/**
 * The review queue's step rule (reviewsStepIn in evaluation-access.ts, as SQL): a form at the unit step waits for
 * the reviewers of its unit (every unit for someone who sees all), at the department step for the reviewers of
 * its unit's 主管部门 (the units in `departmentUnitIds`). `review_step` is the row's generated column (migration
 * ReviewStep), found with the unit on the index `evaluations_review_queue`.
 */
function addReviewStepFilter(sql: SqlFilter, user: AuthenticatedUser): SqlFilter {
  const departmentUnits = user.departmentUnitIds ?? [];
  if (seesAllUnits(user)) return sql.addEach(`(e.review_step = 'unit' OR (e.review_step = 'department' AND e.unit_id = ANY(?::uuid[])))`, departmentUnits);
  return sql.addEach(
    `((e.review_step = 'unit' AND e.unit_id = ANY(?::uuid[])) OR (e.review_step = 'department' AND e.unit_id = ANY(?::uuid[])))`,
    user.unitIds,
    departmentUnits,
  );
}

/**
 * Narrows a list to a queue. The list's own access scoping (the units the user may see) still applies.
 * `overdue` as a list filter is open to everyone within what they may see (a drafter finds their late
 * drafts); only its count in /me/queues is the managers'.
 */
export function addQueueFilter(sql: SqlFilter, user: AuthenticatedUser, queue: EvaluationQueue, now: Date): SqlFilter {
  switch (queue) {
    case 'review':
      if (!hasQueue(user, queue)) return sql.raw('false');
      return addReviewStepFilter(sql.add(`e.status = ?`, 'Submitted').add(notAuthorOf('?::text'), user.id).add(notEarlierApproverOf('?::text'), user.id), user);
    case 'publish':
      if (!hasQueue(user, queue)) return sql.raw('false');
      return sql.add(`e.status = ?`, 'Reviewed');
    case 'overdue':
      return sql.add(overdueSql('?'), now);
    case 'drafts':
      if (!hasQueue(user, queue)) return sql.raw('false');
      return sql.add(`e.status = ?`, 'Draft').add('e.unit_id = ANY(?::uuid[])', user.unitIds);
    default: {
      const never: never = queue;
      throw new Error(`Unknown queue ${String(never)}`);
    }
  }
}

/** Oldest waiting first in the queues that wait for someone; returned drafts first, then the freshest. */
export function queueOrder(queue: EvaluationQueue | undefined): string {
  switch (queue) {
    case 'review':
      return 'e.submitted_at ASC NULLS LAST, e.id';
    case 'publish':
      // A Reviewed form's last change by a person is its approval (scoring never moves updated_at).
      return 'e.updated_at ASC, e.id';
    case 'overdue':
      return 'ac.deadline_at ASC, e.id';
    case 'drafts':
      return 'e.returned DESC, e.updated_at DESC, e.id';
    case undefined:
      return 'e.updated_at DESC, e.id';
    default: {
      const never: never = queue;
      throw new Error(`Unknown queue ${String(never)}`);
    }
  }
}

export class MyQueuesQuery extends Query<QueueCounts> {
  constructor(readonly user: AuthenticatedUser) {
    super();
  }
}

/**
 * The counts behind the queue badges, from the pre-aggregated counters (COUNTS_RELATION): as cheap for a
 * hundred thousand forms as for a few. The review queue is counted by its own filter (reviewCount): the
 * step a form waits at is on the row (review_step, indexed with the unit), the self-review and earlier-step
 * rules on the few rows that index finds.
 */
@QueryHandler(MyQueuesQuery)
export class MyQueuesHandler implements IQueryHandler<MyQueuesQuery, QueueCounts> {
  constructor(
    private readonly dataSource: DataSource,
    private readonly clock: Clock,
  ) {}

  async execute({ user }: MyQueuesQuery): Promise<QueueCounts> {
    const counts: QueueCounts = { review: 0, publish: 0, overdue: 0, drafts: 0, returned: 0 };
    const review = hasQueue(user, 'review');
    if (review) counts.review = await this.reviewCount(user);
    const publish = hasQueue(user, 'publish');
    const overdue = hasQueue(user, 'overdue');
    const drafts = hasQueue(user, 'drafts') && user.unitIds.length > 0;
    if (!publish && !overdue && !drafts) return counts;
    const visible = visibleUnitIds(user);
    if (!seesAllUnits(user) && visible.length === 0) return counts;

    const sql = new SqlFilter().add(`e.status = ANY(?::text[])`, ['Draft', 'Submitted', 'Reviewed']);
    if (!seesAllUnits(user)) sql.add('e.unit_id = ANY(?::uuid[])', visible);
    const params = [...sql.params];
    const param = (value: unknown) => `$${params.push(value)}`;
    const units = drafts ? param(user.unitIds) : '';
    const sum = (condition: string) => `COALESCE(sum(e.n) FILTER (WHERE ${condition}), 0)`;
    const [row]: Record<Exclude<keyof QueueCounts, 'review'>, string>[] = await readQuery(this.dataSource,
        `WITH ${OPEN_CYCLE_BY_YEAR_CTE}
         SELECT
           ${sum(publish ? `e.status = 'Reviewed'` : 'false')} AS publish,
           ${sum(overdue ? overdueSql(param(this.clock.now())) : 'false')} AS overdue,
           ${sum(drafts ? `e.status = 'Draft' AND e.unit_id = ANY(${units}::uuid[])` : 'false')} AS drafts,
           ${sum(drafts ? `e.status = 'Draft' AND e.returned AND e.unit_id = ANY(${units}::uuid[])` : 'false')} AS returned
         FROM ${COUNTS_RELATION} e ${APPLICABLE_CYCLE_JOINS}
         ${sql.where}`,
        params,
      );
    for (const key of ['publish', 'overdue', 'drafts', 'returned'] as const) counts[key] = Number(row[key]);
    return counts;
  }

  /**
   * The review queue's count, by the queue's own filter (step, self-review, earlier approvals): the Submitted
   * forms are a small share of a year's forms, found on the status index.
   */
  private async reviewCount(user: AuthenticatedUser): Promise<number> {
    const sql = addQueueFilter(new SqlFilter(), user, 'review', this.clock.now());
    const [row]: { n: string }[] = await readQuery(this.dataSource, `SELECT count(*) AS n FROM evaluations e ${sql.where}`, sql.params);
    return Number(row.n);
  }
}
