import { Optional } from '@nestjs/common';
import { CommandHandler, Command, type ICommandHandler } from '@nestjs/cqrs';
import type { AuthenticatedUser } from '#perf-eval/identity';
import { LivePublisher } from '#perf-eval/live';
import { Evaluation } from '../domain/evaluation.js';
import { EvaluationRepository } from '../infrastructure/evaluation.repository.js';
import { Clock } from './clock.js';
import { assertMay, assertVisible } from './evaluation-access.js';
import { announceChange } from './evaluation-change.js';
import { onFreshState } from './attachment-writes.js';

export class RemoveAttachmentCommand extends Command<{ version: number }> {
  constructor(
    readonly id: string,
    readonly user: AuthenticatedUser,
    readonly attachmentId: string,
  ) {
    super();
  }
}

/** Takes an evidence file off a Draft (the bytes stay stored: the history names them). */
@CommandHandler(RemoveAttachmentCommand)
export class RemoveAttachmentHandler implements ICommandHandler<RemoveAttachmentCommand, { version: number }> {
  constructor(
    private readonly repository: EvaluationRepository,
    private readonly clock: Clock,
    @Optional() private readonly live?: LivePublisher,
  ) {}

  execute({ id, user, attachmentId }: RemoveAttachmentCommand): Promise<{ version: number }> {
    const ctx = { actor: { userId: user.id }, at: this.clock.now() };
    return onFreshState(async () => {
      const state = await this.repository.loadState(id);
      assertVisible(user, state, id);
      assertMay(user, 'detach', { unitId: state.form.unitId });
      const evaluation = Evaluation.fromState(state);
      evaluation.detach(attachmentId, ctx);
      const { events } = await this.repository.save(evaluation);
      announceChange(this.live, evaluation.state, events);
      return { version: evaluation.state.version };
    });
  }
}
