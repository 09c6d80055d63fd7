import { CommandHandler, Command, type ICommandHandler } from '@nestjs/cqrs';
import { Directory, type AuthenticatedUser } from '#perf-eval/identity';
import { NotAStepReviewerError } from '../domain/evaluation.errors.js';
import { currentStep } from '../domain/review.js';
import { EvaluationCommandRunner, type EvaluationRef } from './evaluation-command.runner.js';
import { reassignableReviewers } from './step-reviewers.query.js';

/**
 * 认领 (`claimantId` absent: the caller claims the current step's review) or 改派 (a manager hands it to
 * `claimantId`, who must be one of the step's reassignable reviewers: the list `GET …/reviewers` shows).
 */
export class ClaimReviewCommand extends Command<EvaluationRef> {
  constructor(
    readonly id: string,
    readonly user: AuthenticatedUser,
    readonly expectedVersion: number,
    readonly claimantId: string | null = null,
  ) {
    super();
  }
}

@CommandHandler(ClaimReviewCommand)
export class ClaimReviewHandler implements ICommandHandler<ClaimReviewCommand, EvaluationRef> {
  constructor(
    private readonly runner: EvaluationCommandRunner,
    private readonly directory: Directory,
  ) {}

  execute({ id, user, expectedVersion, claimantId }: ClaimReviewCommand): Promise<EvaluationRef> {
    if (claimantId === null) {
      return this.runner.run(id, user, 'claim', expectedVersion, (evaluation, ctx) => evaluation.claim(user.id, ctx));
    }
    return this.runner.run(id, user, 'reassign', expectedVersion, async (evaluation, ctx) => {
      const step = currentStep(evaluation.state.review) ?? 'unit';
      // The aggregate's rules first (state, self-review, earlier steps); nothing is saved if the claimant is refused after.
      evaluation.claim(claimantId, ctx, user.id);
      const candidates = await reassignableReviewers(this.directory, evaluation.state);
      if (!candidates.some((c) => c.id === claimantId)) throw new NotAStepReviewerError(claimantId, step);
    });
  }
}
