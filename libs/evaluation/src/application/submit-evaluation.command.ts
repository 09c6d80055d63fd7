import { CommandHandler, Command, type ICommandHandler } from '@nestjs/cqrs';
import type { AuthenticatedUser } from '#perf-eval/identity';

import { EvaluationCommandRunner, type EvaluationRef } from './evaluation-command.runner.js';

export class SubmitEvaluationCommand extends Command<EvaluationRef> {
  constructor(
    readonly id: string,
    readonly user: AuthenticatedUser,
    readonly expectedVersion: number,
  ) {
    super();
  }
}

@CommandHandler(SubmitEvaluationCommand)
export class SubmitEvaluationHandler implements ICommandHandler<SubmitEvaluationCommand, EvaluationRef> {
  constructor(private readonly runner: EvaluationCommandRunner) {}

  execute(command: SubmitEvaluationCommand): Promise<EvaluationRef> {
    return this.runner.run(command.id, command.user, 'submit', command.expectedVersion, (evaluation, ctx) => evaluation.submit(ctx));
  }
}
