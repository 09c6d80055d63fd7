import { CommandHandler, Command, type ICommandHandler } from '@nestjs/cqrs';
import type { AuthenticatedUser } from '#perf-eval/identity';

import { EvaluationCommandRunner, type EvaluationRef } from './evaluation-command.runner.js';

export class ReopenEvaluationCommand extends Command<EvaluationRef> {
  constructor(
    readonly id: string,
    readonly user: AuthenticatedUser,
    readonly expectedVersion: number,
    readonly reason: string | null,
  ) {
    super();
  }
}

@CommandHandler(ReopenEvaluationCommand)
export class ReopenEvaluationHandler implements ICommandHandler<ReopenEvaluationCommand, EvaluationRef> {
  constructor(private readonly runner: EvaluationCommandRunner) {}

  execute(command: ReopenEvaluationCommand): Promise<EvaluationRef> {
    return this.runner.run(command.id, command.user, 'reopen', command.expectedVersion, (evaluation, ctx) => evaluation.reopen(command.reason, ctx));
  }
}
