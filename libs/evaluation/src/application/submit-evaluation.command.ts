import { CommandHandler, Command, type ICommandHandler } from '@nestjs/cqrs';
import { Directory, type AuthenticatedUser } from '#perf-eval/identity';

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
  constructor(
    private readonly runner: EvaluationCommandRunner,
    private readonly directory: Directory,
  ) {}

  /** The submission takes the unit's review chain as it is now (审核流程: 单位审核, then 主管部门审核 where set). */
  execute(command: SubmitEvaluationCommand): Promise<EvaluationRef> {
    return this.runner.run(command.id, command.user, 'submit', command.expectedVersion, async (evaluation, ctx) => {
      const unit = await this.directory.findUnit(evaluation.state.form.unitId);
      evaluation.submit(ctx, unit?.reviewChain ?? ['unit']);
    });
  }
}
