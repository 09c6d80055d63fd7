import type { Finding } from '../scoring/finding.js';
import { placeFindings, type PlacedFinding } from '../scoring/finding-place.js';
import type { EvaluationStatus } from './evaluation-status.js';
import { DomainError } from '#perf-eval/errors';

/** The refusals of the evaluation context (the aggregate, its commands, imports and reports). */
export abstract class EvaluationError extends DomainError {}

export class IllegalTransitionError extends EvaluationError {
  readonly code = 'ILLEGAL_TRANSITION';
  override readonly details: { from: EvaluationStatus; action: string };
  constructor(from: EvaluationStatus, action: string) {
    super(`当前状态「${statusLabel(from)}」不允许执行「${actionLabel(action)}」`);
    this.details = { from, action };
  }
}

export class VersionConflictError extends EvaluationError {
  readonly code = 'VERSION_CONFLICT';
  override readonly details: { expectedVersion: number; actualVersion: number | null };
  constructor(expectedVersion: number, actualVersion: number | null) {
    super(`表单已被他人修改（您的版本 ${expectedVersion}，当前版本 ${actualVersion ?? '未知'}），请刷新后重试`);
    this.details = { expectedVersion, actualVersion };
  }
}

export class SubmissionBlockedError extends EvaluationError {
  readonly code = 'SUBMISSION_BLOCKED';
  override readonly details: { findings: PlacedFinding[] };
  constructor(findings: Finding[]) {
    super(`表单存在 ${findings.length} 个错误，不能提交`);
    this.details = { findings: placeFindings(findings) };
  }
}

export class SelfReviewError extends EvaluationError {
  readonly code = 'SELF_REVIEW_FORBIDDEN';
  constructor() {
    super('审核人不能审核自己填报或最后修改的表单');
  }
}

export class ReturnCommentRequiredError extends EvaluationError {
  readonly code = 'RETURN_COMMENT_REQUIRED';
  constructor() {
    super('退回表单须至少填写一条意见');
  }
}

export class InvalidCommentTargetError extends EvaluationError {
  readonly code = 'INVALID_COMMENT_TARGET';
  override readonly details: { target: string };
  constructor(target: string) {
    super(`意见所指的字段或指标行不存在：${target}`);
    this.details = { target };
  }
}

export class FiscalYearChangeError extends EvaluationError {
  readonly code = 'FISCAL_YEAR_FIXED';
  override readonly details: { fiscalYear: number; requested: number };
  constructor(fiscalYear: number, requested: number) {
    super(`自评表的年度（${fiscalYear}）创建后不能修改为 ${requested}；请新建该年度的自评表`);
    this.details = { fiscalYear, requested };
  }
}

export class EvaluationNotFoundError extends EvaluationError {
  readonly code = 'NOT_FOUND';
  constructor(id: string) {
    super(`评价表不存在：${id}`);
  }
}

const STATUS_LABELS: Record<EvaluationStatus, string> = {
  Draft: '草稿',
  Submitted: '已提交',
  Reviewed: '已审核',
  Published: '已公开',
};

export function statusLabel(status: EvaluationStatus): string {
  return STATUS_LABELS[status];
}

const ACTION_LABELS: Record<string, string> = {
  edit: '修改',
  submit: '提交',
  approve: '审核通过',
  return: '退回',
  publish: '公开',
  reopen: '更正（新修订版）',
  attach: '上传佐证材料',
  detach: '删除佐证材料',
};

function actionLabel(action: string): string {
  return ACTION_LABELS[action] ?? action;
}
