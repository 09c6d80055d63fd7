import { randomUUID } from 'node:crypto';
import { Optional } from '@nestjs/common';
import { CommandHandler, Command, type ICommandHandler } from '@nestjs/cqrs';
import type { AuthenticatedUser } from '#perf-eval/identity';
import { UnitRequiredError } from '#perf-eval/identity';
import type { EvaluationForm } from '../domain/evaluation-form.js';
import { Evaluation } from '../domain/evaluation.js';
import { NATIONAL_2020 } from '../scoring/rule-set.js';
import { EvaluationRepository } from '../infrastructure/evaluation.repository.js';
import { placeFindings } from '../scoring/finding-place.js';
import { Clock } from './clock.js';
import { CyclesStore } from '#perf-eval/cycles';
import { assertMay } from './evaluation-access.js';
import type { EvaluationRef } from './evaluation-command.runner.js';
import { LivePublisher } from '#perf-eval/live';
import { announceChange } from './evaluation-change.js';

export type NewEvaluationForm = Omit<EvaluationForm, 'unitId'> & { unitId?: string };

export class CreateEvaluationCommand extends Command<EvaluationRef> {
  constructor(
    readonly user: AuthenticatedUser,
    readonly form: NewEvaluationForm,
  ) {
    super();
  }
}

@CommandHandler(CreateEvaluationCommand)
export class CreateEvaluationHandler implements ICommandHandler<CreateEvaluationCommand, EvaluationRef> {
  constructor(
    private readonly repository: EvaluationRepository,
    private readonly clock: Clock,
    private readonly cycles: CyclesStore,
    @Optional() private readonly live?: LivePublisher,
  ) {}

  async execute({ user, form }: CreateEvaluationCommand): Promise<EvaluationRef> {
    assertMay(user, 'create');
    const unitId = form.unitId ?? soleUnit(user);
    assertMay(user, 'create', { unitId });
    const cycleId = await this.cycles.cycleFor(form.fiscalYear, form.cycleId);
    const evaluation = Evaluation.draft(randomUUID(), { ...form, unitId, cycleId }, NATIONAL_2020.id, {
      actor: { userId: user.id },
      at: this.clock.now(),
    });
    const { events, scores, findings } = await this.repository.save(evaluation);
    announceChange(this.live, evaluation.state, events);
    const { id, status, version } = evaluation.state;
    return { id, status, version, scores, findings: placeFindings(findings) };
  }
}

function soleUnit(user: AuthenticatedUser): string {
  if (user.unitIds.length !== 1) throw new UnitRequiredError();
  return user.unitIds[0];
}
