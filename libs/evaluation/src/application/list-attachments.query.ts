import { QueryHandler, Query, type IQueryHandler } from '@nestjs/cqrs';
import { Directory, type AuthenticatedUser } from '#perf-eval/identity';
import type { AttachmentMeta } from '../domain/evaluation-attachment.js';
import { describeFormPath } from '../domain/form-path.js';
import { EvaluationRepository } from '../infrastructure/evaluation.repository.js';
import { assertVisible } from './evaluation-access.js';

/** An attachment as a list shows it: where it belongs in words, and who uploaded it by name. */
export type AttachmentView = AttachmentMeta & { place: string | null; uploaderName: string | null };

export class ListAttachmentsQuery extends Query<AttachmentView[]> {
  constructor(
    readonly id: string,
    readonly user: AuthenticatedUser,
  ) {
    super();
  }
}

/** The form's current evidence files, in upload order (removed ones are in its history only). */
@QueryHandler(ListAttachmentsQuery)
export class ListAttachmentsHandler implements IQueryHandler<ListAttachmentsQuery, AttachmentView[]> {
  constructor(
    private readonly repository: EvaluationRepository,
    private readonly directory: Directory,
  ) {}

  async execute({ id, user }: ListAttachmentsQuery): Promise<AttachmentView[]> {
    const state = await this.repository.loadState(id);
    assertVisible(user, state, id);
    const attachments = state.attachments ?? [];
    if (attachments.length === 0) return [];
    const names = await this.directory.displayNames(attachments.map((a) => a.uploadedBy));
    return attachments.map((a) => ({ ...a, place: a.target ? describeFormPath(a.target) : null, uploaderName: names.get(a.uploadedBy) ?? null }));
  }
}
