import { Decimal } from 'decimal.js';
import type { EvaluationForm } from './evaluation-form.js';
import { InvalidVerifiedScoreError } from './evaluation.errors.js';
import { createFinding, type Finding } from '../scoring/finding.js';

/**
 * The review chain of a submission (审核流程): the steps a submitted form passes, in order — `unit` (单位审核),
 * then, where the unit's chain says so, `department` (主管部门审核). The chain is copied from the unit when the
 * form is submitted, so a change of the unit's chain never moves a form already on its way.
 */
export const DEFAULT_REVIEW_CHAIN: readonly string[] = ['unit'];

/** One step's approval of the current submission. */
export interface ReviewApproval {
  step: number;
  name: string;
  by: string;
  at: string;
  comment: string | null;
}

/** Where the current submission stands in its chain (present from submission until it is returned or withdrawn). */
export interface ReviewProgress {
  chain: string[];
  /** The index in `chain` of the step that reviews now; `chain.length` once the last step approved. */
  step: number;
  approvals: ReviewApproval[];
  /** Who took the current step's review on (认领), and who assigned it when a manager did. */
  claimedBy: string | null;
  claimedAt: string | null;
  assignedBy: string | null;
}

/** 核查分: a reviewer's verified score for one indicator row, and why it differs from the drafter's. */
export interface VerifiedScoreInput {
  row: number;
  score: number;
  reason: string | null;
}

export interface VerifiedRow extends VerifiedScoreInput {
  /** The drafter's score of the row when it was verified (自评得分). */
  selfScore: number | null;
}

/** One reviewer's verified scores, as recorded with their approval or return. */
export interface Verification {
  rows: VerifiedRow[];
  by: string;
  at: string;
  step: number;
  stepName: string;
  /** The form version verified. */
  formVersion: number;
  /** Every indicator row of that form verified: then `indicatorTotal` is their sum (hundredths, exact). */
  complete: boolean;
  indicatorTotal: number | null;
}

export function startReview(chain: readonly string[] | undefined): ReviewProgress {
  const steps = chain && chain.length > 0 ? [...chain] : [...DEFAULT_REVIEW_CHAIN];
  return { chain: steps, step: 0, approvals: [], claimedBy: null, claimedAt: null, assignedBy: null };
}

/** The name of the step that reviews now (null once every step approved). */
export function currentStep(review: ReviewProgress | null | undefined): string | null {
  if (!review) return null;
  return review.chain[review.step] ?? null;
}

export function isFinalStep(review: ReviewProgress): boolean {
  return review.step >= review.chain.length - 1;
}

/**
 * Checks a reviewer's verified scores against the form (each row once, 0 ≤ score ≤ the row's 分值, at most two
 * decimals, a reason whenever it differs from the drafter's score) and records them.
 */
export function verify(
  form: EvaluationForm,
  input: readonly VerifiedScoreInput[],
  meta: { by: string; at: string; step: number; stepName: string; formVersion: number },
): Verification {
  const seen = new Set<number>();
  const rows = input.map<VerifiedRow>((entry) => {
    const row = form.indicators[entry.row];
    const label = `第 ${entry.row + 1} 行`;
    if (!Number.isInteger(entry.row) || !row) throw new InvalidVerifiedScoreError(entry.row, `${label}不存在`);
    if (seen.has(entry.row)) throw new InvalidVerifiedScoreError(entry.row, `${label}的核查分重复填写`);
    seen.add(entry.row);
    const score = new Decimal(entry.score);
    if (!score.isFinite() || score.decimalPlaces() > 2) throw new InvalidVerifiedScoreError(entry.row, `${label}的核查分最多两位小数`);
    if (row.weight === null) throw new InvalidVerifiedScoreError(entry.row, `${label}未填写分值，无法核查`);
    if (score.lt(0) || score.gt(row.weight)) {
      throw new InvalidVerifiedScoreError(entry.row, `${label}的核查分 ${score.toString()} 应在 0 至分值 ${row.weight} 之间`);
    }
    const reason = entry.reason?.trim() || null;
    const differs = row.score === null || !score.eq(row.score);
    if (differs && !reason) throw new InvalidVerifiedScoreError(entry.row, `${label}的核查分与自评得分不同，须说明理由`);
    return { row: entry.row, score: score.toNumber(), reason, selfScore: row.score };
  });
  rows.sort((a, b) => a.row - b.row);
  const complete = form.indicators.length > 0 && rows.length === form.indicators.length;
  const indicatorTotal = complete ? rows.reduce((sum, r) => sum.plus(r.score), new Decimal(0)).toNumber() : null;
  return { rows, ...meta, complete, indicatorTotal };
}

/** 核查得分: the budget execution score plus every row's 核查分, exact; null unless every row was verified. */
export function verifiedTotal(verification: Verification | null | undefined, budgetScore: number | null | undefined): number | null {
  if (!verification?.complete || verification.indicatorTotal === null || budgetScore === null || budgetScore === undefined) return null;
  return new Decimal(budgetScore).plus(verification.indicatorTotal).toNumber();
}

/** The rows a verification marked down (核查分 below the 自评得分), for the VERIFIED_BELOW_SELF finding. */
export function rowsMarkedDown(verification: Verification | null | undefined): VerifiedRow[] {
  if (!verification) return [];
  // As the migration that counted them in SQL (marked_down_count): a row with a numeric 自评得分 and a 核查分 below it.
  return verification.rows.filter((r) => typeof r.selfScore === 'number' && typeof r.score === 'number' && new Decimal(r.score).lt(r.selfScore));
}

/**
 * VERIFIED_BELOW_SELF (warning): one finding per indicator row the last verification marked down, at the row's
 * score, naming the two scores and the reviewer's reason. Computed from the state when the form is read.
 */
export function verificationFindings(form: EvaluationForm, verification: Verification | null | undefined): Finding[] {
  return rowsMarkedDown(verification).map((r) => {
    const name = form.indicators[r.row]?.name;
    const row = `第 ${r.row + 1} 行${name ? `「${name}」` : ''}`;
    return createFinding('VERIFIED_BELOW_SELF', `indicators[${r.row}].score`, `${row}核查分 ${r.score} 低于自评得分 ${r.selfScore}${r.reason ? `（理由：${r.reason}）` : ''}`);
  });
}
