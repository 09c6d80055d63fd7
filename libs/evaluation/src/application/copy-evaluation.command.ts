import { randomUUID } from 'node:crypto';
import { Optional } from '@nestjs/common';
import { CommandHandler, Command, type ICommandHandler } from '@nestjs/cqrs';
import type { AuthenticatedUser } from '#perf-eval/identity';
import { Evaluation } from '../domain/evaluation.js';
import { EvaluationError } from '../domain/evaluation.errors.js';
import { nextYearForm } from '../domain/next-year-form.js';
import { NATIONAL_2020 } from '../scoring/rule-set.js';
import { EvaluationRepository } from '../infrastructure/evaluation.repository.js';
import { placeFindings } from '../scoring/finding-place.js';
import { Clock } from './clock.js';
import { CyclesStore } from '#perf-eval/cycles';
import { assertMay, assertVisible } from './evaluation-access.js';
import type { EvaluationRef } from './evaluation-command.runner.js';
import { LivePublisher } from '#perf-eval/live';
import { announceChange } from './evaluation-change.js';

export class CopyYearError extends EvaluationError {
  readonly code = 'COPY_YEAR_INVALID';
  override readonly details: { sourceFiscalYear: number; fiscalYear: number };
  constructor(sourceFiscalYear: number, fiscalYear: number) {
    super(`新年度（${fiscalYear}）须晚于原表的年度（${sourceFiscalYear}）`);
    this.details = { sourceFiscalYear, fiscalYear };
  }
}

/** 开始新年度: a new Draft for `fiscalYear` from an existing form of the same unit (see nextYearForm). */
export class CopyEvaluationCommand extends Command<EvaluationRef> {
  constructor(
    readonly user: AuthenticatedUser,
    readonly id: string,
    readonly fiscalYear: number,
  ) {
    super();
  }
}

@CommandHandler(CopyEvaluationCommand)
export class CopyEvaluationHandler implements ICommandHandler<CopyEvaluationCommand, EvaluationRef> {
  constructor(
    private readonly repository: EvaluationRepository,
    private readonly clock: Clock,
    private readonly cycles: CyclesStore,
    @Optional() private readonly live?: LivePublisher,
  ) {}

  async execute({ user, id, fiscalYear }: CopyEvaluationCommand): Promise<EvaluationRef> {
    const source = await this.repository.loadState(id);
    assertVisible(user, source, id);
    assertMay(user, 'copy', { unitId: source.form.unitId });
    if (fiscalYear <= source.form.fiscalYear) throw new CopyYearError(source.form.fiscalYear, fiscalYear);
    const form = { ...nextYearForm(source.form, fiscalYear), cycleId: await this.cycles.cycleFor(fiscalYear) };
    const copiedFrom = { evaluationId: source.id, revision: source.revision, fiscalYear: source.form.fiscalYear, projectName: source.form.projectName };
    const evaluation = Evaluation.draft(randomUUID(), form, NATIONAL_2020.id, { actor: { userId: user.id }, at: this.clock.now() }, copiedFrom);
    const { events, scores, findings } = await this.repository.save(evaluation);
    announceChange(this.live, evaluation.state, events);
    const { id: newId, status, version } = evaluation.state;
    return { id: newId, status, version, scores, findings: placeFindings(findings) };
  }
}
