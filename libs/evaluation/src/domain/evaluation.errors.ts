import type { Finding } from '../scoring/finding.js';
import { placeFindings, type PlacedFinding } from '../scoring/finding-place.js';
import type { EvaluationStatus } from './evaluation-status.js';
import type { SubmissionGap } from './submission-gaps.js';
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
  override readonly details: { findings: PlacedFinding[]; missing: SubmissionGap[] };
  /** `findings`: the errors among the form's findings; `missing`: what is still empty (submission-gaps.ts). */
  constructor(findings: Finding[], missing: SubmissionGap[] = []) {
    const parts = [findings.length ? `存在 ${findings.length} 个错误` : null, missing.length ? `还有 ${missing.length} 处未填写` : null].filter(Boolean);
    super(`表单${parts.join('、')}，不能提交`);
    this.details = { findings: placeFindings(findings), missing };
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

export class CommentNotFoundError extends EvaluationError {
  readonly code = 'COMMENT_NOT_FOUND';
  override readonly details: { commentId: string };
  constructor(commentId: string) {
    super(`此表当前一版没有这条退回意见：${commentId}`);
    this.details = { commentId };
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

export class InvalidVerifiedScoreError extends EvaluationError {
  readonly code = 'INVALID_VERIFIED_SCORE';
  override readonly details: { row: number };
  constructor(row: number, message: string) {
    super(message);
    this.details = { row };
  }
}

export class SecondStepSameReviewerError extends EvaluationError {
  readonly code = 'SECOND_STEP_SAME_REVIEWER';
  override readonly details: { step: string; approvedStep: string };
  constructor(step: string, approvedStep: string) {
    super(`您已审核通过本次提交的「${reviewStepLabel(approvedStep)}」，不能再审核「${reviewStepLabel(step)}」`);
    this.details = { step, approvedStep };
  }
}

export class DiscardPublishedError extends EvaluationError {
  readonly code = 'DISCARD_NOT_ALLOWED';
  constructor() {
    super('此表已公开过，正在更正中，不能删除；请修改后重新提交');
  }
}

export class NotSubmitterError extends EvaluationError {
  readonly code = 'NOT_SUBMITTER';
  constructor() {
    super('只有提交该表单的填报人可以撤回');
  }
}

export class ReviewAlreadyClaimedError extends EvaluationError {
  readonly code = 'REVIEW_ALREADY_CLAIMED';
  override readonly details: { claimedBy: string };
  constructor(claimedBy: string) {
    super('该表单已由其他审核人认领；如需改派，请联系管理员');
    this.details = { claimedBy };
  }
}

export class NotAStepReviewerError extends EvaluationError {
  readonly code = 'NOT_A_STEP_REVIEWER';
  override readonly details: { userId: string; step: string };
  constructor(userId: string, step: string) {
    super(`所选用户不是该表单「${reviewStepLabel(step)}」的审核人，或不能审核该表单`);
    this.details = { userId, step };
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
  withdraw: '撤回',
  claim: '认领',
  reassign: '改派',
  resolveComment: '标记意见已解决',
  attach: '上传佐证材料',
  detach: '删除佐证材料',
};

const REVIEW_STEP_LABELS: Record<string, string> = { unit: '单位审核', department: '主管部门审核' };

/** 单位审核 / 主管部门审核 (identity names the steps for the API; the domain only needs their words). */
export function reviewStepLabel(step: string): string {
  return REVIEW_STEP_LABELS[step] ?? step;
}

function actionLabel(action: string): string {
  return ACTION_LABELS[action] ?? action;
}
