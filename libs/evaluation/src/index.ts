/**
 * The front door of libs/evaluation (`#perf-eval/evaluation`): what apps and other libs may use of it.
 * Files inside the lib import each other relatively, never through this file (.dependency-cruiser.cjs checks both).
 */
// domain/, scoring/, import/: pure (no framework, no infrastructure)
export { InvalidAmountError, isNonNegativeAmountInput, toAmount } from './domain/amount.js';
export {
  EVALUATION_METHODS,
  type EditableForm,
  type EvaluationForm,
  SYSTEM_FIELDS,
  type EvaluationMethod,
  FUNDS_ROWS,
  type FundsRow,
  type FundsRowKey,
  type IndicatorRow,
} from './domain/evaluation-form.js';
export { EvaluationError, statusLabel, IllegalTransitionError } from './domain/evaluation.errors.js';
export {
  ATTACHMENT_CONTENT_TYPES,
  type AttachmentContentType,
  type AttachmentMeta,
  AttachmentTooLargeError,
  MAX_FILE_NAME_LENGTH,
} from './domain/evaluation-attachment.js';
export {
  allowedActions,
  Evaluation,
  EVALUATION_EVENT_LABELS,
  EVALUATION_STATUSES,
  type EvaluationAction,
  type EvaluationEventType,
  type EvaluationState,
  type EvaluationStatus,
  evolve,
  type RecordedEvent,
  reviewBarred,
} from './domain/evaluation.js';
export { SUBMISSION_GAP_LABEL, submissionGaps, type SubmissionGap } from './domain/submission-gaps.js';
export { describeFormPath, FUNDS_COLUMN_LABELS, FUNDS_ROW_LABELS, HEADER_FIELD_LABELS, INDICATOR_FIELD_LABELS } from './domain/form-path.js';
export {
  type Finding,
  FINDING_CODE_LABELS,
  FINDING_CODES,
  FINDING_SEVERITIES,
  FINDING_SEVERITY_LABELS,
  type FindingCode,
  type FindingSeverity,
} from './scoring/finding.js';
export {
  type Grade,
  LEVEL1_INDICATORS,
  level1Of,
  level1OfLevel2,
  NATIONAL_2020,
  normalizeLabel,
  type RuleSet,
  ruleSetById,
  ruleSets,
  ruleSetVersion,
} from './scoring/rule-set.js';
export { type EvaluationScores, scoreEvaluation } from './scoring/score-evaluation.js';
export { declaredSelfScore, selfScore } from './scoring/self-score.js';
export { cellText, type DocumentTable } from './import/document-tables.js';
export { parseSelfEvaluationTables } from './import/self-evaluation-tables.parser.js';
export {
  type ParsedForm,
  type ParsedSelfEvaluationFile,
  type ParsedSummaryTable,
  parseSelfEvaluationText,
  SelfEvaluationParseError,
} from './import/self-evaluation-text.parser.js';
export { readWordDocument } from './import/word-document.reader.js';
// application/: commands and queries (@nestjs/cqrs)
export { AddAttachmentCommand, type AddedAttachment, type UploadedEvidence } from './application/add-attachment.command.js';
export { ApproveEvaluationCommand } from './application/approve-evaluation.command.js';
export { AttachmentFileQuery, type AttachmentFile } from './application/attachment-file.query.js';
export {
  BULK_MAX_ITEMS,
  BulkEvaluationCommand,
  type BulkAction,
  type BulkInstruction,
  type BulkItem,
  type BulkItemResult,
  type BulkResults,
} from './application/bulk-evaluation.command.js';
export { Clock } from './application/clock.js';
export { CopyEvaluationCommand } from './application/copy-evaluation.command.js';
export { CreateEvaluationCommand, type NewEvaluationForm } from './application/create-evaluation.command.js';
export { EditEvaluationCommand } from './application/edit-evaluation.command.js';
export { EvaluationHistoryQuery } from './application/evaluation-history.query.js';
export { type ChangesSince, type EvaluationChanges, EvaluationChangesQuery } from './application/evaluation-changes.query.js';
export { ResolveCommentCommand } from './application/resolve-comment.command.js';
export { EVALUATION_QUEUES, type EvaluationQueue, MyQueuesQuery, type QueueCounts } from './application/evaluation-queues.js';
export { type EvaluationView, GetEvaluationQuery } from './application/get-evaluation.query.js';
export { ImportSelfEvaluationsCommand, type ImportSource } from './application/import-self-evaluations.command.js';
export { ListAttachmentsQuery, type AttachmentView } from './application/list-attachments.query.js';
export { ListEvaluationsQuery } from './application/list-evaluations.query.js';
export { PublishEvaluationCommand } from './application/publish-evaluation.command.js';
export { RescoreEvaluations } from './application/rescore-evaluations.js';
export { RemoveAttachmentCommand } from './application/remove-attachment.command.js';
export { ReopenEvaluationCommand } from './application/reopen-evaluation.command.js';
export { ReturnEvaluationCommand } from './application/return-evaluation.command.js';
export { SubmitEvaluationCommand } from './application/submit-evaluation.command.js';
export { WithdrawEvaluationCommand } from './application/withdraw-evaluation.command.js';
export { DiscardEvaluationCommand, type DiscardedEvaluation } from './application/discard-evaluation.command.js';
export { ClaimReviewCommand } from './application/claim-review.command.js';
export { StepReviewersQuery, type StepReviewer } from './application/step-reviewers.query.js';
export { type ReviewApproval, type ReviewProgress, type Verification, type VerifiedRow, type VerifiedScoreInput, rowsMarkedDown, verifiedTotal } from './domain/review.js';
// infrastructure/ and the Nest modules
export { DOCX_CONTENT_TYPE, isZip, openDocument, XLSX_CONTENT_TYPE, EmptyUploadError, UnsupportedFileError } from './infrastructure/document-files.js';
export { AttachmentStorage, PostgresAttachmentStorage } from './infrastructure/attachment-storage.js';
export { S3AttachmentStorage } from './infrastructure/s3-attachment-storage.js';
export { attachmentStorageFor } from './infrastructure/attachment-storage.provider.js';
export { COUNTS_RELATION, countsFolderProvider } from './infrastructure/evaluation-counts.js';
export { EvaluationOutbox, type OutboxEvent } from './infrastructure/evaluation-outbox.js';
export { EvaluationStateProjector } from './infrastructure/evaluation-state.projector.js';
export { EvaluationRepository } from './infrastructure/evaluation.repository.js';
export { SnapshotCache } from './infrastructure/snapshot-cache.js';
export { ProjectionRebuild } from './infrastructure/projection-rebuild.js';
export { ScoringProjection } from './infrastructure/scoring.projection.js';
export { EvaluationStorageModule } from './evaluation-storage.module.js';
export { EvaluationModule } from './evaluation.module.js';
export {
  assertMay as assertMayOnEvaluation,
  EVALUATION_ACCESS,
  EVALUATION_ACCESS_ACTIONS,
  type EvaluationAccessAction,
  may as mayOnEvaluation,
  type UnitScope,
} from './application/evaluation-access.js';
