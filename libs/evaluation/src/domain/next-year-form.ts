import type { EvaluationForm } from './evaluation-form.js';

/** Where a form copied into a new year came from; recorded in its first event, shown in its history. */
export interface CopySource {
  evaluationId: string;
  revision: number;
  fiscalYear: number;
  projectName: string;
}

/**
 * Next year's form from this year's (开始新年度): the header and the evaluation method stay; the funds
 * are cleared (a new year has new budgets); the expected goal stays and what was achieved is cleared;
 * every indicator row keeps its place, name, target and weight, and loses its actual value, score and
 * deviation analysis. Nothing an import declared travels on.
 */
export function nextYearForm(form: EvaluationForm, fiscalYear: number): EvaluationForm {
  return {
    fiscalYear,
    unitId: form.unitId,
    projectName: form.projectName,
    competentDepartment: form.competentDepartment,
    projectLead: form.projectLead,
    contactPhone: form.contactPhone,
    evaluationMethod: form.evaluationMethod,
    funds: { total: null, currentYear: null, carryOver: null, other: null },
    goals: { expected: form.goals?.expected ?? '', actual: '' },
    indicators: (form.indicators ?? []).map((row) => ({
      level1: row.level1,
      level2: row.level2,
      name: row.name,
      target: row.target,
      actual: '',
      weight: row.weight,
      score: null,
      deviation: '',
    })),
    declared: null,
  };
}
