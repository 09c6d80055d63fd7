/**
 * Every code the API answers a refusal with (`{statusCode, code, message, details}`). Clients branch on
 * these, so a code is never renamed. Adding one here makes the compiler ask for its HTTP status
 * (apps/api/src/error-status.ts) and the README's error table for a row (error-status.spec.ts).
 */
export const ERROR_CODES = [
  // The request itself (HTTP layer, body parser, validation)
  'VALIDATION_FAILED',
  'MALFORMED_JSON',
  'JSON_TOO_DEEP',
  'BAD_REQUEST',
  'PAYLOAD_TOO_LARGE',
  'HEADERS_TOO_LARGE',
  'REQUEST_TIMEOUT',
  'UNSUPPORTED_MEDIA_TYPE',
  'NOT_FOUND',
  // Who is asking
  'UNAUTHENTICATED',
  'INVALID_CREDENTIALS',
  'ACCOUNT_DISABLED',
  'STREAM_TICKET_INVALID',
  'TOO_MANY_REQUESTS',
  'FORBIDDEN',
  // Units, users and passwords
  'WEAK_PASSWORD',
  'USERNAME_TAKEN',
  'UNIT_EXISTS',
  'UNKNOWN_UNIT',
  'UNIT_REQUIRED',
  'DEPARTMENT_EXISTS',
  'UNKNOWN_DEPARTMENT',
  'INVALID_REVIEW_CHAIN',
  'DEPARTMENT_STEP_PENDING',
  'LAST_STEP_REVIEWER',
  // Evaluations and their workflow
  'INVALID_AMOUNT',
  'UNKNOWN_RULE_SET',
  'SELF_REVIEW_FORBIDDEN',
  'VERSION_CONFLICT',
  'ILLEGAL_TRANSITION',
  'SUBMISSION_BLOCKED',
  'RETURN_COMMENT_REQUIRED',
  'INVALID_COMMENT_TARGET',
  'FISCAL_YEAR_FIXED',
  'INVALID_VERIFIED_SCORE',
  'SECOND_STEP_SAME_REVIEWER',
  'NOT_SUBMITTER',
  'DISCARD_NOT_ALLOWED',
  'REVIEW_ALREADY_CLAIMED',
  'NOT_A_STEP_REVIEWER',
  'COPY_YEAR_INVALID',
  'COMMENT_NOT_FOUND',
  'NO_PREVIOUS_REVIEW',
  // Evidence files (佐证材料)
  'ATTACHMENT_TOO_LARGE',
  'ATTACHMENT_QUOTA_EXCEEDED',
  'ATTACHMENT_TYPE_UNSUPPORTED',
  'INVALID_ATTACHMENT_TARGET',
  // Imports
  'IMPORT_PARSE_ERROR',
  'IMPORT_FILE_UNREADABLE',
  'IMPORT_BODY_REQUIRED',
  'IMPORT_UNSUPPORTED_TYPE',
  'IMPORT_FISCAL_YEAR_MISMATCH',
  'IMPORT_EMPTY',
  // Cycles
  'INVALID_CYCLE',
  'INVALID_DURATION',
  'CYCLE_NOT_FOUND',
  // Reporting
  'PUBLICATION_EMPTY',
  'EXPORT_TOO_LARGE',
  'SUMMARY_TOO_LARGE',
  // The server
  'DEPENDENCY_UNAVAILABLE',
  'INTERNAL_ERROR',
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];
