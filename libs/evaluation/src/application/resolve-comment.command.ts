import { CommandHandler, Command, type ICommandHandler } from '@nestjs/cqrs';
import type { AuthenticatedUser } from '#perf-eval/identity';
import { EvaluationCommandRunner, type EvaluationRef } from './evaluation-command.runner.js';

/** A reviewer marks a return comment 已解决 on the resubmitted form. */
export class ResolveCommentCommand extends Command<EvaluationRef> {
  constructor(
    readonly id: string,
    readonly user: AuthenticatedUser,
    readonly expectedVersion: number,
    readonly commentId: string,
  ) {
    super();
  }
}

@CommandHandler(ResolveCommentCommand)
export class ResolveCommentHandler implements ICommandHandler<ResolveCommentCommand, EvaluationRef> {
  constructor(private readonly runner: EvaluationCommandRunner) {}

  execute(command: ResolveCommentCommand): Promise<EvaluationRef> {
    return this.runner.run(command.id, command.user, 'resolveComment', command.expectedVersion, (evaluation, ctx) => evaluation.resolveComment(command.commentId, ctx));
  }
}
