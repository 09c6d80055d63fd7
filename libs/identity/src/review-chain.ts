import { InvalidReviewChainError } from './identity.errors.js';

/**
 * The steps a unit's submitted form goes through before it is Reviewed (issue 11): its own reviewers
 * (`unit`), then, where the unit's chain says so, the reviewers of its 主管部门 (`department`).
 */
export const REVIEW_STEPS = ['unit', 'department'] as const;
export type ReviewStep = (typeof REVIEW_STEPS)[number];

export const REVIEW_STEP_LABELS: Record<ReviewStep, string> = {
  unit: '单位审核',
  department: '主管部门审核',
};

/** Today's behaviour, and every unit's until an admin changes it: the unit's reviewers approve alone. */
export const DEFAULT_REVIEW_CHAIN: readonly ReviewStep[] = ['unit'];

export type ReviewChainProblem = 'EMPTY' | 'UNKNOWN_STEP' | 'DUPLICATE_STEP' | 'MUST_START_WITH_UNIT' | 'NO_DEPARTMENT';

const PROBLEM_MESSAGES: Record<ReviewChainProblem, string> = {
  EMPTY: '审核流程至少要有一个步骤（单位审核）',
  UNKNOWN_STEP: `审核步骤只能是 ${REVIEW_STEPS.map((s) => `${s}（${REVIEW_STEP_LABELS[s]}）`).join('、')}`,
  DUPLICATE_STEP: '审核流程中的步骤不能重复',
  MUST_START_WITH_UNIT: '审核流程必须以单位审核开始',
  NO_DEPARTMENT: '该单位尚未关联主管部门，不能设置主管部门审核',
};

/** The words for a refusal: a problem of the chain, or unlinking the department of a unit whose chain goes to it. */
export function reviewChainMessage(problem: ReviewChainProblem | 'DEPARTMENT_IN_CHAIN'): string {
  if (problem === 'DEPARTMENT_IN_CHAIN') return '该单位的审核流程含主管部门审核，不能取消关联主管部门（请先将审核流程改为“单位审核”）';
  return PROBLEM_MESSAGES[problem];
}

/** What is wrong with a chain for a unit with or without a department, or null when it is a chain. */
export function reviewChainProblem(chain: readonly string[], unitHasDepartment: boolean): ReviewChainProblem | null {
  if (chain.length === 0) return 'EMPTY';
  if (chain.some((step) => !(REVIEW_STEPS as readonly string[]).includes(step))) return 'UNKNOWN_STEP';
  if (new Set(chain).size !== chain.length) return 'DUPLICATE_STEP';
  if (chain[0] !== 'unit') return 'MUST_START_WITH_UNIT';
  if (chain.includes('department') && !unitHasDepartment) return 'NO_DEPARTMENT';
  return null;
}

export function assertReviewChain(chain: readonly string[], unitHasDepartment: boolean): asserts chain is ReviewStep[] {
  const problem = reviewChainProblem(chain, unitHasDepartment);
  if (problem) throw new InvalidReviewChainError(problem, reviewChainMessage(problem));
}
