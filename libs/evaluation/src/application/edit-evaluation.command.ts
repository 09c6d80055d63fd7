import { CommandHandler, Command, type ICommandHandler } from '@nestjs/cqrs';
import type { AuthenticatedUser } from '#perf-eval/identity';
import type { EditableForm } from '../domain/evaluation-form.js';
import { EvaluationCommandRunner, type EvaluationRef } from './evaluation-command.runner.js';

export class EditEvaluationCommand extends Command<EvaluationRef> {
  constructor(
    readonly id: string,
    readonly user: AuthenticatedUser,
    readonly expectedVersion: number,
    readonly form: EditableForm,
  ) {
    super();
  }
}

@CommandHandler(EditEvaluationCommand)
export class EditEvaluationHandler implements ICommandHandler<EditEvaluationCommand, EvaluationRef> {
  constructor(private readonly runner: EvaluationCommandRunner) {}

  execute(command: EditEvaluationCommand): Promise<EvaluationRef> {
    return this.runner.run(command.id, command.user, 'edit', command.expectedVersion, (evaluation, ctx) => evaluation.edit(command.form, ctx));
  }
}
