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

  /**
   * The submission takes the unit's review chain as it is now (审核流程: 单位审核, then 主管部门审核 where set), read
   * under FOR SHARE of the unit's row until the submission is saved: a concurrent change of the unit (which locks
   * the row FOR UPDATE) either waits for it, and then sees the form submitted (unlinking the unit's department is
   * refused while a form's chain still leads there), or is committed first, and then the form copies the new chain.
   */
  execute(command: SubmitEvaluationCommand): Promise<EvaluationRef> {
    return this.runner.runInTransaction(command.id, command.user, 'submit', command.expectedVersion, async (evaluation, ctx, manager) => {
      const unit = await this.directory.findUnit(evaluation.state.form.unitId, manager, { lock: 'share' });
      evaluation.submit(ctx, unit?.reviewChain ?? ['unit']);
    });
  }
}
