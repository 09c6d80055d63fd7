import { Query, QueryBus, QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { DataSource } from 'typeorm';
import { type EvaluationScores, type EvaluationView, type Finding, GetEvaluationQuery, type RuleSet, ruleSetById, scoreEvaluation } from '#perf-eval/evaluation';
import type { AuthenticatedUser } from '#perf-eval/identity';
import { Sql } from '#perf-eval/persistence';

/** What the paper layouts of one form (自评表 as xlsx, docx, pdf) are made of. */
export interface FormPaper {
  form: EvaluationView['form'];
  /** Computed from the exported form itself, so the figures always match it. */
  scores: EvaluationScores;
  findings: Finding[];
  status: EvaluationView['status'];
  revision: number;
  unitName: string;
  filledAt: EvaluationView['submittedAt'];
  ruleSet: RuleSet;
}

/** A form (or one of its published revisions) as the reader may see it (GetEvaluationQuery), ready for its paper layout. */
export class FormPaperQuery extends Query<FormPaper> {
  constructor(
    readonly id: string,
    readonly user: AuthenticatedUser,
    readonly revision?: number,
  ) {
    super();
  }
}

@QueryHandler(FormPaperQuery)
export class FormPaperHandler implements IQueryHandler<FormPaperQuery, FormPaper> {
  constructor(
    private readonly queries: QueryBus,
    private readonly dataSource: DataSource,
  ) {}

  async execute({ id, user, revision }: FormPaperQuery): Promise<FormPaper> {
    const view: EvaluationView = await this.queries.execute(new GetEvaluationQuery(id, user, revision));
    const unit = await Sql.of(this.dataSource).first<{ name: string }>('SELECT name FROM units WHERE id = $1', [view.form.unitId]);
    const ruleSet = ruleSetById(view.ruleSetId);
    const { scores, findings } = scoreEvaluation(view.form, ruleSet);
    return { form: view.form, scores, findings, status: view.status, revision: view.revision, unitName: unit?.name ?? '', filledAt: view.submittedAt, ruleSet };
  }
}
