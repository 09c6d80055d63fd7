import { CommandHandler, Command, type ICommandHandler } from '@nestjs/cqrs';
import type { AuthenticatedUser } from '#perf-eval/identity';

import { EvaluationCommandRunner, type EvaluationRef } from './evaluation-command.runner.js';

export class PublishEvaluationCommand extends Command<EvaluationRef> {
  constructor(
    readonly id: string,
    readonly user: AuthenticatedUser,
    readonly expectedVersion: number,
  ) {
    super();
  }
}

@CommandHandler(PublishEvaluationCommand)
export class PublishEvaluationHandler implements ICommandHandler<PublishEvaluationCommand, EvaluationRef> {
  constructor(private readonly runner: EvaluationCommandRunner) {}

  execute(command: PublishEvaluationCommand): Promise<EvaluationRef> {
    return this.runner.run(command.id, command.user, 'publish', command.expectedVersion, (evaluation, ctx) => evaluation.publish(ctx));
  }
}
