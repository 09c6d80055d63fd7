import type { EditableForm, EvaluationForm } from './evaluation-form.js';
import type { CopySource } from './next-year-form.js';
import {
  DiscardPublishedError,
  FiscalYearChangeError,
  IllegalTransitionError,
  CommentNotFoundError,
  InvalidCommentTargetError,
  NotSubmitterError,
  ReturnCommentRequiredError,
  ReviewAlreadyClaimedError,
  SecondStepSameReviewerError,
  SelfReviewError,
  SubmissionBlockedError,
} from './evaluation.errors.js';
import { currentStep, isFinalStep, startReview, verify, type ReviewProgress, type Verification, type VerifiedScoreInput } from './review.js';
import { hasBlockingFindings, type Finding } from '../scoring/finding.js';
import { scoreEvaluation } from '../scoring/score-evaluation.js';
import { ruleSetById } from '../scoring/rule-set.js';
import { isCommentTarget } from './comment-target.js';
import { rowMoves } from './form-changes.js';
import { movedAttachments, movedTarget, movedVerification, pointsAtRows } from './row-moves.js';
import { submissionGaps } from './submission-gaps.js';
import type { EvaluationStatus } from './evaluation-status.js';
import {
  AttachmentNotFoundError,
  AttachmentQuotaExceededError,
  AttachmentTooLargeError,
  InvalidAttachmentTargetError,
  attachedBytes,
  type AttachmentLimits,
  type AttachmentMeta,
} from './evaluation-attachment.js';

export { EVALUATION_STATUSES, type EvaluationStatus } from './evaluation-status.js';

export type EvaluationAction =
  | 'edit'
  | 'submit'
  | 'approve'
  | 'return'
  | 'withdraw'
  | 'claim'
  | 'reassign'
  | 'publish'
  | 'reopen'
  | 'resolveComment'
  | 'attach'
  | 'detach'
  | 'discard';

/** The whole lifecycle in one table: which action is allowed from which status, and where it leads. */
const TRANSITIONS: Record<EvaluationAction, { from: EvaluationStatus; to: EvaluationStatus }> = {
  edit: { from: 'Draft', to: 'Draft' },
  submit: { from: 'Draft', to: 'Submitted' },
  // The last step's approval; an earlier step's approval moves the review on and the form stays Submitted.
  approve: { from: 'Submitted', to: 'Reviewed' },
  return: { from: 'Submitted', to: 'Draft' },
  withdraw: { from: 'Submitted', to: 'Draft' },
  claim: { from: 'Submitted', to: 'Submitted' },
  reassign: { from: 'Submitted', to: 'Submitted' },
  publish: { from: 'Reviewed', to: 'Published' },
  reopen: { from: 'Published', to: 'Draft' },
  // A reviewer marks a return comment 已解决 on the resubmitted form: the status stays.
  resolveComment: { from: 'Submitted', to: 'Submitted' },
  attach: { from: 'Draft', to: 'Draft' },
  detach: { from: 'Draft', to: 'Draft' },
  // 删除草稿: a Draft never published ends its stream; the history keeps it, the read models drop it.
  discard: { from: 'Draft', to: 'Draft' },
};

export interface Actor {
  userId: string;
}

/** Who acts and when: the domain never reads a clock of its own. */
export interface CommandContext {
  actor: Actor;
  at: Date;
}

export interface ReviewComment {
  id: string;
  /** null for a general comment; otherwise a field path ("projectName", "funds.total.executed") or a row ("indicators[3]"). */
  target: string | null;
  text: string;
  kind: 'return' | 'approval';
  authorId: string;
  createdAt: string;
  revision: number;
  /** Set when a reviewer marked the (return) comment resolved on the resubmitted form. */
  resolvedBy?: string;
  resolvedAt?: string;
}

export interface ImportOrigin {
  fileName: string;
  sha256: string;
  position: number;
}

export type EvaluationEvent =
  | { type: 'EvaluationDrafted'; payload: { form: EvaluationForm; ruleSetId: string; copiedFrom?: CopySource } }
  | { type: 'EvaluationImported'; payload: { form: EvaluationForm; ruleSetId: string; origin: ImportOrigin; published: boolean } }
  /**
   * `rows`: where each indicator row of the form before went (row-moves.ts), recorded when rows were inserted,
   * removed or reordered while a comment, an evidence file or a 核查分 pointed at a row; absent otherwise.
   */
  | { type: 'EvaluationEdited'; payload: { form: EvaluationForm; rows?: (number | null)[] } }
  /** `chain`: the unit's review chain when it was submitted (absent in events written before chains: ["unit"]). */
  | { type: 'EvaluationSubmitted'; payload: { chain?: string[] } }
  /** A step before the last approved: the review moves to the next step, the form stays Submitted. */
  | { type: 'EvaluationStepApproved'; payload: { step: number; stepName: string; next: string; comment: ReviewComment | null; verification: Verification | null } }
  /** The last step approved (step fields absent in events written before chains). */
  | { type: 'EvaluationApproved'; payload: { comment: ReviewComment | null; step?: number; stepName?: string; verification?: Verification | null } }
  | { type: 'EvaluationReturned'; payload: { comments: ReviewComment[]; step?: number; stepName?: string; verification?: Verification | null } }
  | { type: 'EvaluationWithdrawn'; payload: { reason: string | null } }
  /** `assignedBy`: the manager who assigned the review (null when the reviewer claimed it). */
  | { type: 'EvaluationReviewClaimed'; payload: { step: number; claimantId: string; assignedBy: string | null } }
  | { type: 'EvaluationPublished'; payload: { revision: number } }
  | { type: 'EvaluationReopened'; payload: { revision: number; reason: string | null } }
  | { type: 'EvaluationCommentResolved'; payload: { commentId: string } }
  | { type: 'EvaluationAttachmentAdded'; payload: { attachment: AttachmentMeta } }
  | { type: 'EvaluationAttachmentRemoved'; payload: { attachmentId: string } }
  /** 删除草稿: the last event of its stream. */
  | { type: 'EvaluationDiscarded'; payload: { reason: string | null } };

export type EvaluationEventType = EvaluationEvent['type'];

/** How the history names each event (zh-CN). */
export const EVALUATION_EVENT_LABELS: Readonly<Record<EvaluationEventType, string>> = {
  EvaluationDrafted: '创建草稿',
  EvaluationImported: '导入',
  EvaluationEdited: '修改',
  EvaluationSubmitted: '提交',
  EvaluationStepApproved: '审核通过（转下一级审核）',
  EvaluationApproved: '审核通过',
  EvaluationReturned: '退回',
  EvaluationWithdrawn: '撤回',
  EvaluationReviewClaimed: '认领审核',
  EvaluationPublished: '公开',
  EvaluationReopened: '更正',
  EvaluationCommentResolved: '意见已解决',
  EvaluationAttachmentAdded: '上传佐证材料',
  EvaluationAttachmentRemoved: '删除佐证材料',
  EvaluationDiscarded: '删除草稿',
};

/** An event as recorded: who did it, when, and the version of the evaluation it produced. */
export type RecordedEvent = EvaluationEvent & {
  evaluationId: string;
  version: number;
  actorId: string;
  occurredAt: string;
};

export interface EvaluationState {
  id: string;
  status: EvaluationStatus;
  /** Counts only people's changes, so a worker's recomputation never makes someone's save stale. */
  version: number;
  revision: number;
  form: EvaluationForm;
  ruleSetId: string;
  createdBy: string;
  createdAt: string;
  lastEditedBy: string;
  updatedAt: string;
  returned: boolean;
  comments: ReviewComment[];
  origin: ImportOrigin | null;
  /** The version of the last event that changed the form: what scores and findings are computed for. */
  formVersion: number;
  submittedAt: string | null;
  /**
   * Who wrote the revision under review: everyone who drafted, imported, edited or submitted it since it
   * began (creation or reopening; a reopening carries over the last editor). None of them may review it.
   * Absent in snapshots written before it existed: then the last editor stands for them.
   */
  revisionAuthors?: string[];
  /** Who submitted the current submission (absent in snapshots written before withdrawal existed). */
  submittedBy?: string | null;
  /** The review chain of the current submission: from submission until a return or withdrawal (absent before chains). */
  review?: ReviewProgress | null;
  /** The last verified scores (核查分) recorded by a reviewer, kept until a later review records new ones. */
  verification?: Verification | null;
  /** The evidence files attached now (佐证材料), in upload order. Absent in snapshots written before there were any. */
  attachments?: AttachmentMeta[];
  /** 删除草稿: the drafter discarded this never-published Draft; no row shows it and no command takes it. */
  discarded?: boolean;
}

export function evolve(state: EvaluationState | null, event: RecordedEvent): EvaluationState {
  if (state === null) {
    if (event.type !== 'EvaluationDrafted' && event.type !== 'EvaluationImported') {
      throw new Error(`An evaluation stream must start with a draft or an import, not ${event.type}`);
    }
    return {
      id: event.evaluationId,
      status: event.type === 'EvaluationImported' && event.payload.published ? 'Published' : 'Draft',
      version: event.version,
      revision: 1,
      form: event.payload.form,
      ruleSetId: event.payload.ruleSetId,
      createdBy: event.actorId,
      createdAt: event.occurredAt,
      lastEditedBy: event.actorId,
      updatedAt: event.occurredAt,
      returned: false,
      comments: [],
      origin: event.type === 'EvaluationImported' ? event.payload.origin : null,
      formVersion: event.version,
      submittedAt: null,
      revisionAuthors: [event.actorId],
      submittedBy: null,
      review: null,
      verification: null,
    };
  }
  const next = { ...state, version: event.version, updatedAt: event.occurredAt };
  switch (event.type) {
    case 'EvaluationDrafted':
    case 'EvaluationImported':
      throw new Error(`${event.type} can only start a stream`);
    case 'EvaluationEdited': {
      const edited = { ...next, form: event.payload.form, lastEditedBy: event.actorId, formVersion: event.version, revisionAuthors: withAuthor(state, event.actorId) };
      const moves = event.payload.rows;
      if (!moves) return edited;
      return {
        ...edited,
        // The comments of the revision being drafted; earlier revisions' stay where they were written.
        comments: state.comments.map((c) => {
          const target = c.revision === state.revision ? movedTarget(c.target, moves) : c.target;
          return target === c.target ? c : { ...c, target };
        }),
        attachments: movedAttachments(state.attachments, moves),
        verification: movedVerification(state.verification, moves, event.payload.form),
      };
    }
    case 'EvaluationSubmitted':
      return {
        ...next,
        status: 'Submitted',
        returned: false,
        submittedAt: event.occurredAt,
        submittedBy: event.actorId,
        revisionAuthors: withAuthor(state, event.actorId),
        review: startReview(event.payload.chain),
      };
    case 'EvaluationStepApproved': {
      const review = state.review ?? startReview(undefined);
      return {
        ...next,
        comments: event.payload.comment ? [...state.comments, event.payload.comment] : state.comments,
        verification: event.payload.verification ?? state.verification ?? null,
        review: {
          ...review,
          step: event.payload.step + 1,
          approvals: [...review.approvals, approvalOf(event.payload.step, event.payload.stepName, event)],
          claimedBy: null,
          claimedAt: null,
          assignedBy: null,
        },
      };
    }
    case 'EvaluationApproved': {
      const review = state.review ?? startReview(undefined);
      const step = event.payload.step ?? review.step;
      return {
        ...next,
        status: 'Reviewed',
        returned: false,
        comments: event.payload.comment ? [...state.comments, event.payload.comment] : state.comments,
        verification: event.payload.verification ?? state.verification ?? null,
        review: {
          ...review,
          step: review.chain.length,
          approvals: [...review.approvals, approvalOf(step, event.payload.stepName ?? review.chain[step] ?? 'unit', event)],
          claimedBy: null,
          claimedAt: null,
          assignedBy: null,
        },
      };
    }
    case 'EvaluationReturned':
      return {
        ...next,
        status: 'Draft',
        returned: true,
        comments: [...state.comments, ...event.payload.comments],
        verification: event.payload.verification ?? state.verification ?? null,
        review: null,
      };
    case 'EvaluationWithdrawn':
      return { ...next, status: 'Draft', returned: false, review: null };
    case 'EvaluationReviewClaimed': {
      const review = state.review ?? startReview(undefined);
      return { ...next, review: { ...review, claimedBy: event.payload.claimantId, claimedAt: event.occurredAt, assignedBy: event.payload.assignedBy } };
    }
    case 'EvaluationPublished':
      return { ...next, status: 'Published', returned: false };
    case 'EvaluationReopened':
      // Reopening changes no content: who last edited the form stays who may not review it.
      return { ...next, status: 'Draft', revision: event.payload.revision, returned: false, revisionAuthors: [state.lastEditedBy] };
    case 'EvaluationCommentResolved':
      return {
        ...next,
        comments: state.comments.map((c) => (c.id === event.payload.commentId ? { ...c, resolvedBy: event.actorId, resolvedAt: event.occurredAt } : c)),
      };
    case 'EvaluationAttachmentAdded':
      // Evidence is part of what the drafter submits: whoever attached it may not review the revision.
      return { ...next, attachments: [...(state.attachments ?? []), event.payload.attachment], revisionAuthors: withAuthor(state, event.actorId) };
    case 'EvaluationAttachmentRemoved':
      return { ...next, attachments: (state.attachments ?? []).filter((a) => a.id !== event.payload.attachmentId), revisionAuthors: withAuthor(state, event.actorId) };
    case 'EvaluationDiscarded':
      return { ...next, discarded: true };
    default:
      return assertNever(event);
  }
}

export interface ReturnCommentInput {
  target: string | null;
  text: string;
}

/**
 * The evaluation aggregate: each public method guards its own invariant and records one past-tense event.
 * It is rebuilt from a snapshot of its state (never by replaying an ever-growing history on each command).
 */
export class Evaluation {
  private readonly pending: RecordedEvent[] = [];

  private constructor(private current: EvaluationState | null, private readonly evaluationId: string) {}

  /** A new draft; `copiedFrom` names last year's form when it was started from one (its history says so). */
  static draft(id: string, form: EvaluationForm, ruleSetId: string, ctx: CommandContext, copiedFrom?: CopySource): Evaluation {
    ruleSetById(ruleSetId);
    const evaluation = new Evaluation(null, id);
    evaluation.record({ type: 'EvaluationDrafted', payload: copiedFrom ? { form, ruleSetId, copiedFrom } : { form, ruleSetId } }, ctx);
    return evaluation;
  }

  static imported(
    id: string,
    form: EvaluationForm,
    ruleSetId: string,
    origin: ImportOrigin,
    published: boolean,
    ctx: CommandContext,
  ): Evaluation {
    ruleSetById(ruleSetId);
    const evaluation = new Evaluation(null, id);
    evaluation.record({ type: 'EvaluationImported', payload: { form, ruleSetId, origin, published } }, ctx);
    return evaluation;
  }

  static fromState(state: EvaluationState): Evaluation {
    return new Evaluation(state, state.id);
  }

  static fromHistory(events: RecordedEvent[]): Evaluation {
    if (events.length === 0) throw new Error('An empty history is not an evaluation');
    const state = events.reduce<EvaluationState | null>(evolve, null);
    return new Evaluation(state, events[0].evaluationId);
  }

  get state(): EvaluationState {
    if (!this.current) throw new Error('Evaluation has no state yet');
    return this.current;
  }

  /** Events recorded since the evaluation was loaded, oldest first. */
  get uncommittedEvents(): readonly RecordedEvent[] {
    return this.pending;
  }

  /** The version the evaluation had when it was loaded: what the store must still hold to accept these events. */
  get loadedVersion(): number {
    return this.state.version - this.pending.length;
  }

  findings(): Finding[] {
    return scoreEvaluation(this.state.form, ruleSetById(this.state.ruleSetId)).findings;
  }

  /** The drafter's fields replace the form's; its system fields (unit, cycle, declared figures) stay as they are. */
  edit(edited: EditableForm, ctx: CommandContext): void {
    this.guard('edit');
    // The year places the form in its cycle and its summary table; a form of another year is a new form.
    if (edited.fiscalYear !== this.state.form.fiscalYear) throw new FiscalYearChangeError(this.state.form.fiscalYear, edited.fiscalYear);
    const { unitId, cycleId, declared } = this.state.form;
    const form: EvaluationForm = { ...edited, unitId, cycleId: cycleId ?? null, declared: declared ?? null };
    // Comments, evidence and 核查分 that point at a row follow it when rows are inserted, removed or reordered.
    const rows = pointsAtRows(this.state) ? rowMoves(this.state.form, form, ruleSetById(this.state.ruleSetId)) : null;
    this.record({ type: 'EvaluationEdited', payload: rows ? { form, rows } : { form } }, ctx);
  }

  /** `chain`: the unit's review chain now (审核流程); the submission passes each step in turn. */
  submit(ctx: CommandContext, chain: readonly string[] = ['unit']): void {
    this.guard('submit');
    const findings = this.findings();
    const missing = submissionGaps(this.state.form);
    if (hasBlockingFindings(findings) || missing.length) throw new SubmissionBlockedError(findings.filter((f) => f.severity === 'error'), missing);
    this.record({ type: 'EvaluationSubmitted', payload: { chain: [...chain] } }, ctx);
  }

  /**
   * Approves the current step: a step before the last moves the review on (the form stays Submitted), the last
   * makes the form Reviewed. `verified`: the reviewer's 核查分 of indicator rows.
   */
  approve(comment: string | null, commentId: string, ctx: CommandContext, verified: readonly VerifiedScoreInput[] = []): void {
    this.guard('approve');
    const review = this.refuseReviewer(ctx.actor);
    const text = comment?.trim();
    const recorded: ReviewComment | null = text
      ? { id: commentId, target: null, text, kind: 'approval', authorId: ctx.actor.userId, createdAt: ctx.at.toISOString(), revision: this.state.revision }
      : null;
    const step = review.step;
    const stepName = currentStep(review) ?? 'unit';
    const verification = this.verification(verified, ctx, step, stepName);
    if (isFinalStep(review)) {
      this.record({ type: 'EvaluationApproved', payload: { comment: recorded, step, stepName, verification } }, ctx);
    } else {
      const next = review.chain[step + 1];
      this.record({ type: 'EvaluationStepApproved', payload: { step, stepName, next, comment: recorded, verification } }, ctx);
    }
  }

  return(comments: ReturnCommentInput[], commentIds: string[], ctx: CommandContext, verified: readonly VerifiedScoreInput[] = []): void {
    this.guard('return');
    const review = this.refuseReviewer(ctx.actor);
    const meaningful = comments.filter((c) => c.text.trim().length > 0);
    if (meaningful.length === 0) throw new ReturnCommentRequiredError();
    for (const comment of meaningful) {
      if (comment.target !== null && !isCommentTarget(this.state.form, comment.target)) {
        throw new InvalidCommentTargetError(comment.target);
      }
    }
    const recorded = meaningful.map<ReviewComment>((c, i) => ({
      id: commentIds[i],
      target: c.target,
      text: c.text.trim(),
      kind: 'return',
      authorId: ctx.actor.userId,
      createdAt: ctx.at.toISOString(),
      revision: this.state.revision,
    }));
    const step = review.step;
    const stepName = currentStep(review) ?? 'unit';
    const verification = this.verification(verified, ctx, step, stepName);
    this.record({ type: 'EvaluationReturned', payload: { comments: recorded, step, stepName, verification } }, ctx);
  }

  /**
   * 删除草稿: a Draft that was never published (a form created by mistake, a copy into the wrong year) is discarded:
   * the event ends its stream. A correction under way (revision > 1) has a published revision and is refused.
   */
  discard(reason: string | null, ctx: CommandContext): void {
    this.guard('discard');
    if (!mayDiscard(this.state)) throw new DiscardPublishedError();
    this.record({ type: 'EvaluationDiscarded', payload: { reason: reason?.trim() || null } }, ctx);
  }

  /** 撤回: the drafter who submitted takes the form back, as long as no step has approved it yet. */
  withdraw(reason: string | null, ctx: CommandContext): void {
    this.guard('withdraw');
    if ((this.state.review?.approvals.length ?? 0) > 0) throw new IllegalTransitionError(this.state.status, 'withdraw');
    const submitter = this.state.submittedBy ?? this.state.lastEditedBy;
    if (submitter !== ctx.actor.userId) throw new NotSubmitterError();
    this.record({ type: 'EvaluationWithdrawn', payload: { reason: reason?.trim() || null } }, ctx);
  }

  /**
   * 认领: a reviewer of the current step takes its review on (others see who has it). A form another reviewer
   * claimed is reassigned only by a manager (`assignedBy`); claiming what one already has changes nothing.
   */
  claim(claimantId: string, ctx: CommandContext, assignedBy: string | null = null): void {
    this.guard(assignedBy ? 'reassign' : 'claim');
    const review = this.refuseReviewer({ userId: claimantId });
    if (review.claimedBy === claimantId) return;
    if (assignedBy === null && review.claimedBy !== null) throw new ReviewAlreadyClaimedError(review.claimedBy);
    this.record({ type: 'EvaluationReviewClaimed', payload: { step: review.step, claimantId, assignedBy } }, ctx);
  }

  publish(ctx: CommandContext): void {
    this.guard('publish');
    this.record({ type: 'EvaluationPublished', payload: { revision: this.state.revision } }, ctx);
  }

  reopen(reason: string | null, ctx: CommandContext): void {
    this.guard('reopen');
    this.record({ type: 'EvaluationReopened', payload: { revision: this.state.revision + 1, reason: reason?.trim() || null } }, ctx);
  }

  /**
   * Marks a return comment of the revision under review resolved (已解决), by someone who may review it.
   * Resolving a resolved comment changes nothing (no event: who resolved it first stays).
   */
  resolveComment(commentId: string, ctx: CommandContext): void {
    this.guard('resolveComment');
    this.refuseReviewer(ctx.actor);
    const comment = openableComments(this.state).find((c) => c.id === commentId);
    if (!comment) throw new CommentNotFoundError(commentId);
    if (comment.resolvedBy !== undefined) return;
    this.record({ type: 'EvaluationCommentResolved', payload: { commentId } }, ctx);
  }

  /**
   * Refuses what `attach` would refuse before the file is known (not a Draft, a target the form does not have),
   * so that a command can ask before it stores the bytes.
   */
  assertAttachable(target: string | null): void {
    this.guard('attach');
    if (target !== null && !isCommentTarget(this.state.form, target)) throw new InvalidAttachmentTargetError(target);
  }

  /** A Draft takes evidence for the whole form or one of its fields or rows, within the limits of a file and of a form. */
  attach(attachment: AttachmentMeta, ctx: CommandContext, limits: AttachmentLimits): void {
    this.assertAttachable(attachment.target);
    if (attachment.size > limits.maxFileBytes) throw new AttachmentTooLargeError(limits.maxFileBytes, attachment.size);
    const used = attachedBytes(this.state.attachments);
    if (used + attachment.size > limits.maxFormBytes) throw new AttachmentQuotaExceededError(limits.maxFormBytes, used, attachment.size);
    if (this.state.attachments?.some((a) => a.id === attachment.id)) throw new Error(`Attachment ${attachment.id} is already attached`);
    this.record({ type: 'EvaluationAttachmentAdded', payload: { attachment } }, ctx);
  }

  /** Removes one of a Draft's evidence files (its bytes stay stored: the history still names them). */
  detach(attachmentId: string, ctx: CommandContext): void {
    this.guard('detach');
    if (!this.state.attachments?.some((a) => a.id === attachmentId)) throw new AttachmentNotFoundError(attachmentId);
    this.record({ type: 'EvaluationAttachmentRemoved', payload: { attachmentId } }, ctx);
  }

  private guard(action: EvaluationAction): void {
    const { from } = TRANSITIONS[action];
    if (this.state.status !== from || this.state.discarded) throw new IllegalTransitionError(this.state.status, action);
  }

  /** The rules for whoever reviews a step: never one's own revision, never two steps of one submission. */
  private refuseReviewer(actor: Actor): ReviewProgress {
    if (isSelfReview(actor.userId, this.state)) throw new SelfReviewError();
    const review = this.state.review ?? startReview(undefined);
    const earlier = review.approvals.find((a) => a.by === actor.userId);
    if (earlier) throw new SecondStepSameReviewerError(currentStep(review) ?? 'unit', earlier.name);
    return review;
  }

  private verification(verified: readonly VerifiedScoreInput[], ctx: CommandContext, step: number, stepName: string): Verification | null {
    if (verified.length === 0) return null;
    return verify(this.state.form, verified, { by: ctx.actor.userId, at: ctx.at.toISOString(), step, stepName, formVersion: this.state.formVersion });
  }

  private record(event: EvaluationEvent, ctx: CommandContext): void {
    const recorded = {
      ...event,
      evaluationId: this.evaluationId,
      version: (this.current?.version ?? 0) + 1,
      actorId: ctx.actor.userId,
      occurredAt: ctx.at.toISOString(),
    } as RecordedEvent;
    this.current = evolve(this.current, recorded);
    this.pending.push(recorded);
  }
}

/** A Draft may be discarded while no revision of it was ever published (a correction keeps its published one). */
export function mayDiscard(state: Pick<EvaluationState, 'status' | 'revision' | 'discarded'>): boolean {
  return state.status === 'Draft' && state.revision === 1 && !state.discarded;
}

/** Who may not review the revision under review: its creator and everyone who wrote or submitted it. */
export function reviewBarred(state: Pick<EvaluationState, 'createdBy' | 'lastEditedBy' | 'revisionAuthors'>): string[] {
  return [...new Set([state.createdBy, state.lastEditedBy, ...(state.revisionAuthors ?? [])])];
}

/**
 * A reviewer never reviews a form they drafted, edited or submitted in the revision under review
 * (DOMAIN.md). The review queue and the notifications apply the same rule over `reviewBarred`, which the
 * read model stores (libs/evaluation/src/application/evaluation-queues.ts): keep them together.
 */
export function isSelfReview(userId: string, state: Pick<EvaluationState, 'createdBy' | 'lastEditedBy' | 'revisionAuthors'>): boolean {
  return reviewBarred(state).includes(userId);
}

/** The comments a reviewer may mark resolved: those of returns of the revision under review. */
export function openableComments(state: Pick<EvaluationState, 'comments' | 'revision'>): ReviewComment[] {
  return state.comments.filter((c) => c.kind === 'return' && c.revision === state.revision);
}

function withAuthor(state: EvaluationState, userId: string): string[] {
  const authors = state.revisionAuthors ?? [state.lastEditedBy];
  return authors.includes(userId) ? authors : [...authors, userId];
}

function approvalOf(step: number, name: string, event: RecordedEvent & { payload: { comment: ReviewComment | null } }) {
  return { step, name, by: event.actorId, at: event.occurredAt, comment: event.payload.comment?.text ?? null };
}

/** The status an action leads to; exposed so that the UI can offer only what is allowed. */
export function allowedActions(status: EvaluationStatus): EvaluationAction[] {
  return (Object.keys(TRANSITIONS) as EvaluationAction[]).filter((a) => TRANSITIONS[a].from === status);
}

export function assertNever(value: never): never {
  throw new Error(`Unexpected value: ${JSON.stringify(value)}`);
}
