import { CommandHandler, Command, type ICommandHandler } from '@nestjs/cqrs';
import type { AuthenticatedUser } from '#perf-eval/identity';
import type { EvaluationForm } from '../domain/evaluation-form.js';
import { EvaluationCommandRunner, type EvaluationRef } from './evaluation-command.runner.js';

export class EditEvaluationCommand extends Command<EvaluationRef> {
  constructor(
    readonly id: string,
    readonly user: AuthenticatedUser,
    readonly expectedVersion: number,
    readonly form: EvaluationForm,
  ) {
    super();
  }
}

@CommandHandler(EditEvaluationCommand)
export class EditEvaluationHandler implements ICommandHandler<EditEvaluationCommand, EvaluationRef> {
  constructor(private readonly runner: EvaluationCommandRunner) {}

  execute(command: EditEvaluationCommand): Promise<EvaluationRef> {
    return this.runner.run(command.id, command.user, 'edit', command.expectedVersion, (evaluation, ctx) => evaluation.edit(keepSystemFields(command.form, evaluation.state.form), ctx));
  }
}

/** The unit, the cycle and what an imported paper form declared are not the drafter's to change. */
function keepSystemFields(form: EvaluationForm, current: EvaluationForm): EvaluationForm {
  return { ...form, unitId: current.unitId, cycleId: current.cycleId ?? null, declared: current.declared ?? null };
}
