import { Injectable, Optional } from '@nestjs/common';
import type { AuthenticatedUser } from '../../../identity/src/roles.js';
import { Evaluation, type CommandContext, type EvaluationAction, type EvaluationStatus } from '../domain/evaluation.js';
import { EvaluationRepository } from '../infrastructure/evaluation.repository.js';
import { Clock } from './clock.js';
import { assertMay, assertVisible } from './evaluation-access.js';
import { LivePublisher } from '../../../live/src/live-publisher.js';

export interface EvaluationRef {
  id: string;
  status: EvaluationStatus;
  version: number;
}

/** What every command on an existing evaluation does: load, authorise, one aggregate call, save. */
@Injectable()
export class EvaluationCommandRunner {
  constructor(
    private readonly repository: EvaluationRepository,
    private readonly clock: Clock,
    @Optional() private readonly live?: LivePublisher,
  ) {}

  async run(
    id: string,
    user: AuthenticatedUser,
    action: EvaluationAction,
    expectedVersion: number,
    change: (evaluation: Evaluation, ctx: CommandContext) => void,
  ): Promise<EvaluationRef> {
    const state = await this.repository.loadState(id);
    assertVisible(user, state, id);
    assertMay(user, action);
    const evaluation = Evaluation.fromState(state);
    change(evaluation, { actor: { userId: user.id }, at: this.clock.now() });
    const events = await this.repository.save(evaluation, expectedVersion);
    this.live?.evaluationCommitted(evaluation.state, events);
    return { id, status: evaluation.state.status, version: evaluation.state.version };
  }
}
