import { FUNDS_ROWS, type EvaluationForm } from './evaluation-form.js';

const HEADER_FIELDS = ['fiscalYear', 'projectName', 'competentDepartment', 'projectLead', 'contactPhone', 'evaluationMethod'];
const FUNDS_COLUMNS = ['initialBudget', 'fullYearBudget', 'executed'];
const GOAL_FIELDS = ['expected', 'actual'];
const INDICATOR_FIELDS = ['level1', 'level2', 'name', 'target', 'actual', 'weight', 'score', 'deviation'];

/**
 * A reviewer's comment may aim at one field or one indicator row of the form it reviews:
 * "projectName", "funds", "funds.total", "funds.total.executed", "goals.actual", "indicators[3]", "indicators[3].score".
 */
export function isCommentTarget(form: EvaluationForm, target: string): boolean {
  if (HEADER_FIELDS.includes(target) || target === 'funds' || target === 'goals' || target === 'indicators') return true;
  const funds = /^funds\.(\w+)(?:\.(\w+))?$/.exec(target);
  if (funds) return (FUNDS_ROWS as readonly string[]).includes(funds[1]) && (funds[2] === undefined || FUNDS_COLUMNS.includes(funds[2]));
  const goal = /^goals\.(\w+)$/.exec(target);
  if (goal) return GOAL_FIELDS.includes(goal[1]);
  const row = /^indicators\[(\d+)\](?:\.(\w+))?$/.exec(target);
  if (row) return Number(row[1]) < form.indicators.length && (row[2] === undefined || INDICATOR_FIELDS.includes(row[2]));
  return false;
}
