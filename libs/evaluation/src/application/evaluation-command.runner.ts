import { Injectable, Optional } from '@nestjs/common';
import type { AuthenticatedUser } from '#perf-eval/identity';
import { DataSource, type EntityManager } from 'typeorm';
import { Evaluation, type CommandContext, type EvaluationAction, type EvaluationState, type EvaluationStatus } from '../domain/evaluation.js';
import type { EvaluationScores } from '../scoring/score-evaluation.js';
import { EvaluationRepository, type SavedEvaluation } from '../infrastructure/evaluation.repository.js';
import { DomainError } from '#perf-eval/errors';
import { placeFindings, type PlacedFinding } from '../scoring/finding-place.js';
import { Clock } from './clock.js';
import { accessTarget, assertMay, assertVisible } from './evaluation-access.js';
import { LivePublisher } from '#perf-eval/live';
import { announceChange } from './evaluation-change.js';
import { againAfterDeadlock, isDeadlock } from './deadlock.js';

/**
 * What a command answers: where the evaluation stands, and the scores and findings of its current form
 * as its row shows them now (computed by the command itself when it changed the form, so the same as
 * an immediate GET; null only for a form written before commands scored and not rescored yet).
 */
export interface EvaluationRef {
  id: string;
  status: EvaluationStatus;
  version: number;
  scores: EvaluationScores | null;
  findings: PlacedFinding[] | null;
}

/** What every command on an existing evaluation does: load, authorise, one aggregate call, save. */
@Injectable()
export class EvaluationCommandRunner {
  constructor(
    private readonly dataSource: DataSource,
    private readonly repository: EvaluationRepository,
    private readonly clock: Clock,
    @Optional() private readonly live?: LivePublisher,
  ) {}

  async run(
    id: string,
    user: AuthenticatedUser,
    action: EvaluationAction,
    expectedVersion: number,
    change: (evaluation: Evaluation, ctx: CommandContext) => void | Promise<void>,
  ): Promise<EvaluationRef> {
    const cached = this.repository.cachedForCommand(id, expectedVersion);
    if (cached) {
      const done = await this.decideAndSave(id, cached, user, action, expectedVersion, change).catch((error: unknown) => {
        // A refusal on a state this process wrote (which another process may have moved past since): decided again
        // on the row, so that the answer is the one the row gives (a stale version is VERSION_CONFLICT, not a
        // refusal of the old state's). Nothing was written: a refusal comes before the write or is the write's guard.
        if (!(error instanceof DomainError) && !isDeadlock(error)) throw error;
        this.repository.forgetCached(id);
        return null;
      });
      if (done) return this.answer(done.evaluation, done.saved);
    }
    const done = await againAfterDeadlock(async () => this.decideAndSave(id, await this.repository.loadState(id), user, action, expectedVersion, change));
    return this.answer(done.evaluation, done.saved);
  }

  private async decideAndSave(
    id: string,
    state: EvaluationState | null,
    user: AuthenticatedUser,
    action: EvaluationAction,
    expectedVersion: number,
    change: (evaluation: Evaluation, ctx: CommandContext) => void | Promise<void>,
  ): Promise<{ evaluation: Evaluation; saved: SavedEvaluation }> {
    const evaluation = await this.changed(id, state, user, action, change);
    return { evaluation, saved: await this.repository.save(evaluation, expectedVersion) };
  }

  /**
   * As `run`, all in one transaction whose manager `change` is handed, so that what it reads stays as it read it
   * until the command is saved (a submission locks its unit's row while it copies the review chain).
   */
  async runInTransaction(
    id: string,
    user: AuthenticatedUser,
    action: EvaluationAction,
    expectedVersion: number,
    change: (evaluation: Evaluation, ctx: CommandContext, manager: EntityManager) => Promise<void>,
  ): Promise<EvaluationRef> {
    try {
      const { evaluation, saved } = await againAfterDeadlock(() =>
        this.dataSource.transaction(async (manager) => {
          const state = await this.repository.loadState(id, manager);
          const evaluation = await this.changed(id, state, user, action, (e, ctx) => change(e, ctx, manager));
          return { evaluation, saved: await this.repository.save(evaluation, expectedVersion, manager) };
        }),
      );
      return this.answer(evaluation, saved);
    } catch (error) {
      return this.repository.refuseConflict(error, id, expectedVersion);
    }
  }

  private async changed(
    id: string,
    state: EvaluationState | null,
    user: AuthenticatedUser,
    action: EvaluationAction,
    change: (evaluation: Evaluation, ctx: CommandContext) => void | Promise<void>,
  ): Promise<Evaluation> {
    assertVisible(user, state, id);
    assertMay(user, action, accessTarget(state));
    const evaluation = Evaluation.fromState(state);
    await change(evaluation, { actor: { userId: user.id }, at: this.clock.now() });
    return evaluation;
  }

  private answer(evaluation: Evaluation, { events, scores, findings }: SavedEvaluation): EvaluationRef {
    announceChange(this.live, evaluation.state, events);
    return { id: evaluation.state.id, status: evaluation.state.status, version: evaluation.state.version, scores, findings: placeFindings(findings) };
  }
}
