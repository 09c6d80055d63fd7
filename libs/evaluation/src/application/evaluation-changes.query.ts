import { QueryHandler, Query, type IQueryHandler } from '@nestjs/cqrs';
import { DataSource } from 'typeorm';
import type { AuthenticatedUser } from '#perf-eval/identity';
import { readQuery } from '#perf-eval/persistence';
import { openableComments, type ReviewComment } from '../domain/evaluation.js';
import type { EvaluationForm } from '../domain/evaluation-form.js';
import { EvaluationError } from '../domain/evaluation.errors.js';
import { formChanges, targetChanged, type FieldChange, type RowChange } from '../domain/form-changes.js';
import { describeFormPath } from '../domain/form-path.js';
import { ruleSetById } from '../scoring/rule-set.js';
import { EvaluationRepository } from '../infrastructure/evaluation.repository.js';
import { assertVisible } from './evaluation-access.js';

/** From which version: a version number, or the version the asking reviewer's last review produced. */
export type ChangesSince = { version: number } | { myLastReview: true };

export interface AttachmentChange {
  change: 'added' | 'removed';
  id: string;
  fileName: string | null;
  target: string | null;
}

/** A return comment of the revision under review, and whether what it aimed at changed since the return. */
export interface CommentFollowUp {
  id: string;
  target: string | null;
  place: string;
  text: string;
  authorId: string;
  createdAt: string;
  /** The version the return produced. */
  returnedAtVersion: number | null;
  targetChanged: boolean;
  resolved: boolean;
  resolvedBy: string | null;
  resolvedAt: string | null;
}

export interface EvaluationChanges {
  fromVersion: number;
  toVersion: number;
  fields: FieldChange[];
  rows: RowChange[];
  attachments: AttachmentChange[];
  comments: CommentFollowUp[];
}

export class EvaluationChangesQuery extends Query<EvaluationChanges> {
  constructor(
    readonly id: string,
    readonly user: AuthenticatedUser,
    readonly since: ChangesSince,
  ) {
    super();
  }
}

/** `since` beyond the form's current version (its shape is the DTO's to check). */
export class ChangesSinceInvalidError extends EvaluationError {
  readonly code = 'VALIDATION_FAILED';
  override readonly details: { fields: { field: string; messages: string[] }[]; currentVersion: number };
  constructor(since: number, currentVersion: number) {
    super(`输入有误：since（${since}）超过了此表的当前版本号 ${currentVersion}`);
    this.details = { fields: [{ field: 'since', messages: [`须为 1 至 ${currentVersion} 的整数（此表的当前版本号）`] }], currentVersion };
  }
}

/** `sinceMyLastReview` asked by someone who never approved or returned this form. */
export class NoPreviousReviewError extends EvaluationError {
  readonly code = 'NO_PREVIOUS_REVIEW';
  constructor() {
    super('您尚未审核过此表（没有您的审核通过或退回记录），无法对比“自上次审核以来的修改”');
  }
}

/**
 * The events that close a review of the asker's: compared as strings, so review steps recorded by other
 * event types (EvaluationStepApproved, of the review chain) count as soon as they exist.
 */
const REVIEW_EVENT_TYPES = ['EvaluationApproved', 'EvaluationReturned', 'EvaluationStepApproved'];
/** The events that carry the whole form: the form at a version is the payload of the last of them up to it. */
const FORM_EVENT_TYPES = ['EvaluationDrafted', 'EvaluationImported', 'EvaluationEdited'];
const ATTACHMENT_EVENT_TYPES = ['EvaluationAttachmentAdded', 'EvaluationAttachmentRemoved'];

export interface EventRow {
  version: number;
  type: string;
  actor_id: string;
  /** Null for the events that carry a form (read separately, only for the versions needed). */
  payload: unknown;
}

/**
 * 自上次审核以来的修改: what changed in the form between a version and now, the attachments added or
 * removed in between, and how each return comment of the revision under review was followed up.
 * Read from the event history: the form at a version is the form its last form event carried.
 */
@QueryHandler(EvaluationChangesQuery)
export class EvaluationChangesHandler implements IQueryHandler<EvaluationChangesQuery, EvaluationChanges> {
  constructor(
    private readonly dataSource: DataSource,
    private readonly repository: EvaluationRepository,
  ) {}

  async execute({ id, user, since }: EvaluationChangesQuery): Promise<EvaluationChanges> {
    const state = await this.repository.loadState(id);
    assertVisible(user, state, id);
    const toVersion = state.version;
    if ('version' in since && since.version > toVersion) throw new ChangesSinceInvalidError(since.version, toVersion);

    // Up to the version of the snapshot just read: a command committed meanwhile belongs to the next look.
    const events = await readQuery<EventRow>(
      this.dataSource,
      `SELECT version, type, actor_id, CASE WHEN type = ANY($3::text[]) THEN NULL ELSE payload END AS payload
       FROM evaluation_events WHERE evaluation_id = $1 AND version <= $2 ORDER BY version`,
      [id, toVersion, FORM_EVENT_TYPES],
    );
    const fromVersion = 'version' in since ? since.version : lastReviewBy(user.id, events);

    const comments = openableComments(state);
    const returnedAt = returnVersions(events);
    const formVersions = new Map<number, number>();
    const formVersionAt = (version: number) => events.filter((e) => e.version <= version && FORM_EVENT_TYPES.includes(e.type)).at(-1)?.version ?? 1;
    for (const version of [fromVersion, toVersion, ...comments.map((c) => returnedAt.get(c.id)?.version ?? toVersion)]) formVersions.set(version, formVersionAt(version));
    const forms = await this.formsAt(id, [...new Set(formVersions.values())]);
    const formAt = (version: number) => forms.get(formVersions.get(version)!)!;

    const ruleSet = ruleSetById(state.ruleSetId);
    const changes = formChanges(formAt(fromVersion), formAt(toVersion), ruleSet);
    const sinceReturn = new Map<number, ReturnType<typeof formChanges>>();
    const changedSince = (version: number) => {
      if (!sinceReturn.has(version)) sinceReturn.set(version, formChanges(formAt(version), formAt(toVersion), ruleSet));
      return sinceReturn.get(version)!;
    };
    return {
      fromVersion,
      toVersion,
      fields: changes.fields,
      rows: changes.rows,
      attachments: attachmentChanges(events, fromVersion, state.attachments),
      comments: comments.map((c) => followUp(c, returnedAt.get(c.id) ?? null, changedSince)),
    };
  }

  private async formsAt(id: string, versions: number[]): Promise<Map<number, EvaluationForm>> {
    const rows = await readQuery<{ version: number; form: EvaluationForm }>(
      this.dataSource,
      `SELECT version, payload->'form' AS form FROM evaluation_events WHERE evaluation_id = $1 AND version = ANY($2::int[])`,
      [id, versions],
    );
    return new Map(rows.map((r) => [r.version, r.form]));
  }
}

function lastReviewBy(userId: string, events: EventRow[]): number {
  const last = events.filter((e) => e.actor_id === userId && REVIEW_EVENT_TYPES.includes(e.type)).at(-1);
  if (!last) throw new NoPreviousReviewError();
  return last.version;
}

interface ReturnRecord {
  /** The version of the return that recorded the comment. */
  version: number;
  /** What the comment aimed at in the form it was written on (the state's target follows the row since). */
  target: string | null;
}

/** Each return comment's return: its version and the comment's target as written. */
function returnVersions(events: EventRow[]): Map<string, ReturnRecord> {
  const returns = new Map<string, ReturnRecord>();
  for (const e of events) {
    if (e.type !== 'EvaluationReturned') continue;
    const comments = (e.payload as { comments?: { id?: unknown; target?: unknown }[] } | null)?.comments;
    for (const c of Array.isArray(comments) ? comments : []) {
      if (typeof c?.id === 'string') returns.set(c.id, { version: e.version, target: typeof c.target === 'string' ? c.target : null });
    }
  }
  return returns;
}

function followUp(comment: ReviewComment, returned: ReturnRecord | null, changedSince: (version: number) => ReturnType<typeof formChanges>): CommentFollowUp {
  const returnedAtVersion = returned?.version ?? null;
  return {
    id: comment.id,
    target: comment.target,
    place: describeFormPath(comment.target),
    text: comment.text,
    authorId: comment.authorId,
    createdAt: comment.createdAt,
    returnedAtVersion,
    targetChanged: returned !== null && targetChanged(changedSince(returned.version), returned.target),
    resolved: comment.resolvedBy !== undefined,
    resolvedBy: comment.resolvedBy ?? null,
    resolvedAt: comment.resolvedAt ?? null,
  };
}

interface AttachmentRecord {
  id: string;
  fileName: string | null;
  target: string | null;
}

/**
 * The evidence files added or removed after `fromVersion` (net: one added and removed again in between is
 * not listed). Attachment events are read defensively, by type name and payload shape: what another part
 * records, this only reads.
 */
export function attachmentChanges(events: EventRow[], fromVersion: number, attachedNow: readonly { id: string; target: string | null }[] = []): AttachmentChange[] {
  // An added file is shown where it points now: its row may have moved since it was attached.
  const now = new Map(attachedNow.map((a) => [a.id, a.target]));
  const known = new Map<string, AttachmentRecord>();
  const changes = new Map<string, AttachmentChange>();
  for (const e of events) {
    if (!ATTACHMENT_EVENT_TYPES.includes(e.type)) continue;
    const payload = (e.payload ?? {}) as { attachment?: Record<string, unknown>; attachmentId?: unknown };
    if (e.type === 'EvaluationAttachmentAdded') {
      const a = payload.attachment;
      if (typeof a?.id !== 'string') continue;
      const record = { id: a.id, fileName: typeof a.fileName === 'string' ? a.fileName : null, target: typeof a.target === 'string' ? a.target : null };
      known.set(a.id, record);
      if (e.version > fromVersion) changes.set(a.id, { change: 'added', ...record, target: now.has(a.id) ? now.get(a.id)! : record.target });
    } else {
      const attachmentId = payload.attachmentId;
      if (typeof attachmentId !== 'string' || e.version <= fromVersion) continue;
      if (changes.get(attachmentId)?.change === 'added') changes.delete(attachmentId);
      else changes.set(attachmentId, { change: 'removed', ...(known.get(attachmentId) ?? { id: attachmentId, fileName: null, target: null }) });
    }
  }
  return [...changes.values()];
}
