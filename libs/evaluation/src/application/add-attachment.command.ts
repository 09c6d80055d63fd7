import { randomUUID } from 'node:crypto';
import { Optional } from '@nestjs/common';
import { CommandHandler, Command, type ICommandHandler } from '@nestjs/cqrs';
import { AppConfig } from '#perf-eval/config';
import type { AuthenticatedUser } from '#perf-eval/identity';
import { LivePublisher } from '#perf-eval/live';
import { Evaluation } from '../domain/evaluation.js';
import { AttachmentTypeUnsupportedError, attachmentFileName, type AttachmentMeta } from '../domain/evaluation-attachment.js';
import { EvaluationRepository } from '../infrastructure/evaluation.repository.js';
import { AttachmentStorage } from '../infrastructure/attachment-storage.js';
import { attachmentContentType, sha256Of } from '../infrastructure/attachment-content.js';
import { Clock } from './clock.js';
import { assertMay, assertVisible } from './evaluation-access.js';
import { announceChange } from './evaluation-change.js';
import { onFreshState } from './attachment-writes.js';

/** A file as it was uploaded: its bytes and the name the uploader's system gave it (UTF-8, text policy applied). */
export interface UploadedEvidence {
  fileName: string;
  bytes: Buffer;
}

/** The attachment recorded, and the form's version after it (so an editor holding the form can keep saving). */
export type AddedAttachment = AttachmentMeta & { version: number };

export class AddAttachmentCommand extends Command<AddedAttachment> {
  constructor(
    readonly id: string,
    readonly user: AuthenticatedUser,
    /** null: evidence of the whole form. */
    readonly target: string | null,
    readonly file: UploadedEvidence,
  ) {
    super();
  }
}

/**
 * Load, authorise (read → 404, attach → 403), ask the aggregate whether the form takes a file there now (409, 400),
 * look at what the bytes are (415), let the aggregate record it within the limits (413), store the bytes, then
 * append the event. The bytes go first: a failed append leaves a blob nobody names, which is harmless
 * (docs/architecture.md, "Evidence files"); the other order could name bytes that were never stored.
 */
@CommandHandler(AddAttachmentCommand)
export class AddAttachmentHandler implements ICommandHandler<AddAttachmentCommand, AddedAttachment> {
  constructor(
    private readonly repository: EvaluationRepository,
    private readonly storage: AttachmentStorage,
    private readonly clock: Clock,
    private readonly config: AppConfig,
    @Optional() private readonly live?: LivePublisher,
  ) {}

  async execute({ id, user, target, file }: AddAttachmentCommand): Promise<AddedAttachment> {
    const ctx = { actor: { userId: user.id }, at: this.clock.now() };
    const limits = { maxFileBytes: this.config.attachmentFileLimit, maxFormBytes: this.config.attachmentFormLimit };
    let attachment: AttachmentMeta | null = null;
    let stored = false;
    return onFreshState(async () => {
      const state = await this.repository.loadState(id);
      assertVisible(user, state, id);
      assertMay(user, 'attach', { unitId: state.form.unitId });
      const evaluation = Evaluation.fromState(state);
      evaluation.assertAttachable(target);
      attachment ??= await this.describe(file, target, ctx.actor.userId, ctx.at);
      evaluation.attach(attachment, ctx, limits);
      if (!stored) {
        await this.storage.put(attachment.sha256, file.bytes);
        stored = true;
      }
      const { events } = await this.repository.save(evaluation);
      announceChange(this.live, evaluation.state, events);
      return { ...attachment, version: evaluation.state.version };
    });
  }

  private async describe(file: UploadedEvidence, target: string | null, uploadedBy: string, at: Date): Promise<AttachmentMeta> {
    const contentType = await attachmentContentType(file.bytes);
    if (!contentType) throw new AttachmentTypeUnsupportedError();
    return {
      id: randomUUID(),
      fileName: attachmentFileName(file.fileName, contentType),
      size: file.bytes.length,
      sha256: sha256Of(file.bytes),
      contentType,
      target,
      uploadedBy,
      uploadedAt: at.toISOString(),
    };
  }
}
