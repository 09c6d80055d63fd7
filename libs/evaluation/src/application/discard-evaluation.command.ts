import { CommandHandler, Command, type ICommandHandler } from '@nestjs/cqrs';
import type { AuthenticatedUser } from '#perf-eval/identity';
import { EvaluationCommandRunner } from './evaluation-command.runner.js';

/** What a discard answers: the form is gone from every list; its history keeps it (the version of its last event). */
export interface DiscardedEvaluation {
  id: string;
  version: number;
  discarded: true;
}

/** 删除草稿: a drafter of the unit discards a Draft that was never published (Evaluation.discard). */
export class DiscardEvaluationCommand extends Command<DiscardedEvaluation> {
  constructor(
    readonly id: string,
    readonly user: AuthenticatedUser,
    readonly expectedVersion: number,
    readonly reason: string | null,
  ) {
    super();
  }
}

@CommandHandler(DiscardEvaluationCommand)
export class DiscardEvaluationHandler implements ICommandHandler<DiscardEvaluationCommand, DiscardedEvaluation> {
  constructor(private readonly runner: EvaluationCommandRunner) {}

  async execute(command: DiscardEvaluationCommand): Promise<DiscardedEvaluation> {
    const done = await this.runner.run(command.id, command.user, 'discard', command.expectedVersion, (evaluation, ctx) => evaluation.discard(command.reason, ctx));
    return { id: done.id, version: done.version, discarded: true };
  }
}
