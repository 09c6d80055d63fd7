import { CommandHandler, Command, type ICommandHandler } from '@nestjs/cqrs';
import { Directory, type AuthenticatedUser } from '#perf-eval/identity';
import { NotAStepReviewerError } from '../domain/evaluation.errors.js';
import { currentStep } from '../domain/review.js';
import { EvaluationCommandRunner, type EvaluationRef } from './evaluation-command.runner.js';
import { may } from './evaluation-access.js';

/**
 * 认领 (`claimantId` absent: the caller claims the current step's review) or 改派 (a manager hands it to
 * `claimantId`, who must be a reviewer of that step for the form's unit).
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
      const session = await this.directory.findSession(claimantId);
      const reviewer = session?.user;
      if (!reviewer || !may(reviewer, 'claim', { unitId: evaluation.state.form.unitId, reviewStep: step })) {
        throw new NotAStepReviewerError(claimantId, step);
      }
    });
  }
}
