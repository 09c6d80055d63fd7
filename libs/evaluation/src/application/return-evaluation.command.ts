import { CommandHandler, Command, type ICommandHandler } from '@nestjs/cqrs';
import type { AuthenticatedUser } from '#perf-eval/identity';
import { randomUUID } from 'node:crypto';
import type { ReturnCommentInput } from '../domain/evaluation.js';
import type { VerifiedScoreInput } from '../domain/review.js';
import { EvaluationCommandRunner, type EvaluationRef } from './evaluation-command.runner.js';

export class ReturnEvaluationCommand extends Command<EvaluationRef> {
  constructor(
    readonly id: string,
    readonly user: AuthenticatedUser,
    readonly expectedVersion: number,
    readonly comments: ReturnCommentInput[],
    /** 核查分 of indicator rows recorded with the return. */
    readonly verifiedScores: VerifiedScoreInput[] = [],
  ) {
    super();
  }
}

@CommandHandler(ReturnEvaluationCommand)
export class ReturnEvaluationHandler implements ICommandHandler<ReturnEvaluationCommand, EvaluationRef> {
  constructor(private readonly runner: EvaluationCommandRunner) {}

  execute(command: ReturnEvaluationCommand): Promise<EvaluationRef> {
    return this.runner.run(command.id, command.user, 'return', command.expectedVersion, (evaluation, ctx) => evaluation.return(command.comments, command.comments.map(() => randomUUID()), ctx, command.verifiedScores));
  }
}
