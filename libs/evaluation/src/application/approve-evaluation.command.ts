import { CommandHandler, Command, type ICommandHandler } from '@nestjs/cqrs';
import type { AuthenticatedUser } from '#perf-eval/identity';
import { randomUUID } from 'node:crypto';
import type { VerifiedScoreInput } from '../domain/review.js';
import { EvaluationCommandRunner, type EvaluationRef } from './evaluation-command.runner.js';

export class ApproveEvaluationCommand extends Command<EvaluationRef> {
  constructor(
    readonly id: string,
    readonly user: AuthenticatedUser,
    readonly expectedVersion: number,
    readonly comment: string | null,
    /** 核查分 of indicator rows (none: the reviewer verified no row). */
    readonly verifiedScores: VerifiedScoreInput[] = [],
  ) {
    super();
  }
}

@CommandHandler(ApproveEvaluationCommand)
export class ApproveEvaluationHandler implements ICommandHandler<ApproveEvaluationCommand, EvaluationRef> {
  constructor(private readonly runner: EvaluationCommandRunner) {}

  execute(command: ApproveEvaluationCommand): Promise<EvaluationRef> {
    return this.runner.run(command.id, command.user, 'approve', command.expectedVersion, (evaluation, ctx) => evaluation.approve(command.comment, randomUUID(), ctx, command.verifiedScores));
  }
}
