import { QueryHandler, Query, type IQueryHandler } from '@nestjs/cqrs';
import { Directory, type AuthenticatedUser, type UserRecord } from '#perf-eval/identity';
import { reviewBarred, type EvaluationState } from '../domain/evaluation.js';
import { IllegalTransitionError } from '../domain/evaluation.errors.js';
import { EvaluationRepository } from '../infrastructure/evaluation.repository.js';
import { accessTarget, assertMay, assertVisible, may } from './evaluation-access.js';

/** A reviewer a manager may hand the current step's review to (改派). */
export interface StepReviewer {
  id: string;
  displayName: string;
  /** Holds the step's review now. */
  claimed: boolean;
}

/**
 * The one list of whom a submitted form's current step may be handed to (改派): every active reviewer the access
 * table lets claim it (`may(…, 'claim')` — the unit's reviewers and those who see every unit at the unit step, its
 * 主管部门's at the department step), less its authors and earlier steps' approvers (whom the aggregate refuses).
 * `GET …/reviewers` shows it and `reassign` accepts exactly its members, so the two cannot disagree.
 */
export async function reassignableReviewers(directory: Directory, state: EvaluationState): Promise<UserRecord[]> {
  const target = accessTarget(state);
  const people = await directory.stepReviewers(target.unitId, target.reviewStep ?? 'unit', { reach: 'everyone allowed' });
  const barred = new Set([...reviewBarred(state), ...(state.review?.approvals.map((a) => a.by) ?? [])]);
  return people.filter((p) => may(p, 'claim', target) && !barred.has(p.id));
}

/** The reviewers a submitted form's current step may be handed to (reassignableReviewers). Asked by whoever may reassign (managers). */
export class StepReviewersQuery extends Query<StepReviewer[]> {
  constructor(
    readonly id: string,
    readonly user: AuthenticatedUser,
  ) {
    super();
  }
}

@QueryHandler(StepReviewersQuery)
export class StepReviewersHandler implements IQueryHandler<StepReviewersQuery, StepReviewer[]> {
  constructor(
    private readonly repository: EvaluationRepository,
    private readonly directory: Directory,
  ) {}

  async execute({ id, user }: StepReviewersQuery): Promise<StepReviewer[]> {
    const state = await this.repository.loadState(id);
    assertVisible(user, state, id);
    assertMay(user, 'reassign', accessTarget(state));
    if (state.status !== 'Submitted') throw new IllegalTransitionError(state.status, 'reassign');
    const people = await reassignableReviewers(this.directory, state);
    return people.map((p) => ({ id: p.id, displayName: p.displayName, claimed: state.review?.claimedBy === p.id }));
  }
}
