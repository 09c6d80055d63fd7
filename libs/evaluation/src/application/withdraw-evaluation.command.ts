import { CommandHandler, Command, type ICommandHandler } from '@nestjs/cqrs';
import type { AuthenticatedUser } from '#perf-eval/identity';
import { EvaluationCommandRunner, type EvaluationRef } from './evaluation-command.runner.js';

/** 撤回: the drafter who submitted takes the form back to Draft before any review step approved it. */
export class WithdrawEvaluationCommand extends Command<EvaluationRef> {
  constructor(
    readonly id: string,
    readonly user: AuthenticatedUser,
    readonly expectedVersion: number,
    readonly reason: string | null,
  ) {
    super();
  }
}

@CommandHandler(WithdrawEvaluationCommand)
export class WithdrawEvaluationHandler implements ICommandHandler<WithdrawEvaluationCommand, EvaluationRef> {
  constructor(private readonly runner: EvaluationCommandRunner) {}

  execute(command: WithdrawEvaluationCommand): Promise<EvaluationRef> {
    return this.runner.run(command.id, command.user, 'withdraw', command.expectedVersion, (evaluation, ctx) => evaluation.withdraw(command.reason, ctx));
  }
}
