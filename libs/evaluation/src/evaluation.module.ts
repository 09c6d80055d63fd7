import { Module } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { EvaluationStorageModule } from './evaluation-storage.module.js';
import { EvaluationCommandRunner } from './application/evaluation-command.runner.js';
import { CreateEvaluationHandler } from './application/create-evaluation.command.js';
import { CopyEvaluationHandler } from './application/copy-evaluation.command.js';
import { EditEvaluationHandler } from './application/edit-evaluation.command.js';
import { SubmitEvaluationHandler } from './application/submit-evaluation.command.js';
import { ApproveEvaluationHandler } from './application/approve-evaluation.command.js';
import { ReturnEvaluationHandler } from './application/return-evaluation.command.js';
import { PublishEvaluationHandler } from './application/publish-evaluation.command.js';
import { ReopenEvaluationHandler } from './application/reopen-evaluation.command.js';
import { WithdrawEvaluationHandler } from './application/withdraw-evaluation.command.js';
import { DiscardEvaluationHandler } from './application/discard-evaluation.command.js';
import { ClaimReviewHandler } from './application/claim-review.command.js';
import { StepReviewersHandler } from './application/step-reviewers.query.js';
import { BulkEvaluationHandler } from './application/bulk-evaluation.command.js';
import { GetEvaluationHandler } from './application/get-evaluation.query.js';
import { ListEvaluationsHandler } from './application/list-evaluations.query.js';
import { MyQueuesHandler } from './application/evaluation-queues.js';
import { EvaluationHistoryHandler } from './application/evaluation-history.query.js';
import { EvaluationChangesHandler } from './application/evaluation-changes.query.js';
import { ResolveCommentHandler } from './application/resolve-comment.command.js';
import { ImportSelfEvaluationsHandler } from './application/import-self-evaluations.command.js';
import { AddAttachmentHandler } from './application/add-attachment.command.js';
import { RemoveAttachmentHandler } from './application/remove-attachment.command.js';
import { ListAttachmentsHandler } from './application/list-attachments.query.js';
import { AttachmentFileHandler } from './application/attachment-file.query.js';
import { attachmentStorageProvider } from './infrastructure/attachment-storage.provider.js';
import { IdentityModule } from '#perf-eval/identity';
import { CyclesModule } from '#perf-eval/cycles';

@Module({
  imports: [CqrsModule, IdentityModule, CyclesModule, EvaluationStorageModule],
  providers: [
    EvaluationCommandRunner,
    CreateEvaluationHandler,
    CopyEvaluationHandler,
    EditEvaluationHandler,
    SubmitEvaluationHandler,
    ApproveEvaluationHandler,
    ReturnEvaluationHandler,
    PublishEvaluationHandler,
    ReopenEvaluationHandler,
    WithdrawEvaluationHandler,
    DiscardEvaluationHandler,
    ClaimReviewHandler,
    StepReviewersHandler,
    BulkEvaluationHandler,
    GetEvaluationHandler,
    ListEvaluationsHandler,
    MyQueuesHandler,
    EvaluationHistoryHandler,
    EvaluationChangesHandler,
    ResolveCommentHandler,
    ImportSelfEvaluationsHandler,
    attachmentStorageProvider,
    AddAttachmentHandler,
    RemoveAttachmentHandler,
    ListAttachmentsHandler,
    AttachmentFileHandler,
  ],
  exports: [EvaluationStorageModule],
})
export class EvaluationModule {}
