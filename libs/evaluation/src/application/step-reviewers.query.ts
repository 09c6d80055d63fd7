import { QueryHandler, Query, type IQueryHandler } from '@nestjs/cqrs';
import { Directory, type AuthenticatedUser } from '#perf-eval/identity';
import { reviewBarred } from '../domain/evaluation.js';
import { IllegalTransitionError } from '../domain/evaluation.errors.js';
import { currentStep } from '../domain/review.js';
import { EvaluationRepository } from '../infrastructure/evaluation.repository.js';
import { accessTarget, assertMay, assertVisible } from './evaluation-access.js';

/** A reviewer a manager may hand the current step's review to (改派). */
export interface StepReviewer {
  id: string;
  displayName: string;
  /** Holds the step's review now. */
  claimed: boolean;
}

/**
 * The reviewers of a submitted form's current step — the unit's reviewers at the unit step, its 主管部门's at the
 * department step — without its authors and earlier steps' approvers (whom the aggregate would refuse): whom
 * `reassign` may name. Asked by whoever may reassign (managers).
 */
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
    const step = currentStep(state.review) ?? 'unit';
    const people =
      step === 'department' ? await this.directory.usersReviewingDepartmentOf(state.form.unitId) : await this.directory.usersWithRoleInUnit('reviewer', state.form.unitId);
    const barred = new Set([...reviewBarred(state), ...(state.review?.approvals.map((a) => a.by) ?? [])]);
    return people.filter((p) => !barred.has(p.id)).map((p) => ({ id: p.id, displayName: p.displayName, claimed: state.review?.claimedBy === p.id }));
  }
}
