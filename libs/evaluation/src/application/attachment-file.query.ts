import { QueryHandler, Query, type IQueryHandler } from '@nestjs/cqrs';
import type { AuthenticatedUser } from '#perf-eval/identity';
import { AttachmentNotFoundError, type AttachmentMeta } from '../domain/evaluation-attachment.js';
import { EvaluationRepository } from '../infrastructure/evaluation.repository.js';
import { AttachmentStorage } from '../infrastructure/attachment-storage.js';
import { assertVisible } from './evaluation-access.js';

export interface AttachmentFile {
  attachment: AttachmentMeta;
  bytes: Buffer;
}

export class AttachmentFileQuery extends Query<AttachmentFile> {
  constructor(
    readonly id: string,
    readonly attachmentId: string,
    readonly user: AuthenticatedUser,
  ) {
    super();
  }
}

/** One of the form's current evidence files with its bytes, for whoever may read the form. */
@QueryHandler(AttachmentFileQuery)
export class AttachmentFileHandler implements IQueryHandler<AttachmentFileQuery, AttachmentFile> {
  constructor(
    private readonly repository: EvaluationRepository,
    private readonly storage: AttachmentStorage,
  ) {}

  async execute({ id, attachmentId, user }: AttachmentFileQuery): Promise<AttachmentFile> {
    const state = await this.repository.loadState(id);
    assertVisible(user, state, id);
    const attachment = (state.attachments ?? []).find((a) => a.id === attachmentId);
    if (!attachment) throw new AttachmentNotFoundError(attachmentId);
    const bytes = await this.storage.get(attachment.sha256);
    // The event was appended after the bytes were stored, and nothing deletes stored bytes.
    if (!bytes) throw new Error(`The bytes of attachment ${attachment.id} (${attachment.sha256}) are missing from the storage`);
    return { attachment, bytes };
  }
}
