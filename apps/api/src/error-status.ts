import { HttpStatus } from '@nestjs/common';
import type { ErrorCode } from '#perf-eval/errors';

/**
 * The HTTP status of every error code: the one place where a code meets HTTP. A code without a status
 * (or a status for a code that does not exist) does not compile; README's error table lists the same
 * codes with the same statuses (error-status.spec.ts).
 */
export const STATUS_BY_CODE: Readonly<Record<ErrorCode, number>> = {
  VALIDATION_FAILED: HttpStatus.BAD_REQUEST,
  MALFORMED_JSON: HttpStatus.BAD_REQUEST,
  JSON_TOO_DEEP: HttpStatus.BAD_REQUEST,
  BAD_REQUEST: HttpStatus.BAD_REQUEST,
  PAYLOAD_TOO_LARGE: HttpStatus.PAYLOAD_TOO_LARGE,
  HEADERS_TOO_LARGE: 431, // Request Header Fields Too Large (not in Nest's HttpStatus)
  REQUEST_TIMEOUT: HttpStatus.REQUEST_TIMEOUT,
  UNSUPPORTED_MEDIA_TYPE: HttpStatus.UNSUPPORTED_MEDIA_TYPE,
  NOT_FOUND: HttpStatus.NOT_FOUND,

  UNAUTHENTICATED: HttpStatus.UNAUTHORIZED,
  INVALID_CREDENTIALS: HttpStatus.UNAUTHORIZED,
  ACCOUNT_DISABLED: HttpStatus.UNAUTHORIZED,
  STREAM_TICKET_INVALID: HttpStatus.UNAUTHORIZED,
  TOO_MANY_REQUESTS: HttpStatus.TOO_MANY_REQUESTS,
  FORBIDDEN: HttpStatus.FORBIDDEN,

  WEAK_PASSWORD: HttpStatus.BAD_REQUEST,
  USERNAME_TAKEN: HttpStatus.CONFLICT,
  UNIT_EXISTS: HttpStatus.CONFLICT,
  UNKNOWN_UNIT: HttpStatus.BAD_REQUEST,
  UNIT_REQUIRED: HttpStatus.BAD_REQUEST,
  DEPARTMENT_EXISTS: HttpStatus.CONFLICT,
  UNKNOWN_DEPARTMENT: HttpStatus.BAD_REQUEST,
  INVALID_REVIEW_CHAIN: HttpStatus.BAD_REQUEST,
  DEPARTMENT_STEP_PENDING: HttpStatus.CONFLICT,
  LAST_STEP_REVIEWER: HttpStatus.CONFLICT,

  INVALID_AMOUNT: HttpStatus.BAD_REQUEST,
  UNKNOWN_RULE_SET: HttpStatus.BAD_REQUEST,
  SELF_REVIEW_FORBIDDEN: HttpStatus.FORBIDDEN,
  VERSION_CONFLICT: HttpStatus.CONFLICT,
  ILLEGAL_TRANSITION: HttpStatus.CONFLICT,
  INVALID_VERIFIED_SCORE: HttpStatus.BAD_REQUEST,
  SECOND_STEP_SAME_REVIEWER: HttpStatus.FORBIDDEN,
  NOT_SUBMITTER: HttpStatus.FORBIDDEN,
  DISCARD_NOT_ALLOWED: HttpStatus.CONFLICT,
  REVIEW_ALREADY_CLAIMED: HttpStatus.CONFLICT,
  NOT_A_STEP_REVIEWER: HttpStatus.BAD_REQUEST,
  SUBMISSION_BLOCKED: HttpStatus.UNPROCESSABLE_ENTITY,
  RETURN_COMMENT_REQUIRED: HttpStatus.UNPROCESSABLE_ENTITY,
  INVALID_COMMENT_TARGET: HttpStatus.UNPROCESSABLE_ENTITY,
  FISCAL_YEAR_FIXED: HttpStatus.UNPROCESSABLE_ENTITY,
  COPY_YEAR_INVALID: HttpStatus.UNPROCESSABLE_ENTITY,
  COMMENT_NOT_FOUND: HttpStatus.NOT_FOUND,
  NO_PREVIOUS_REVIEW: HttpStatus.NOT_FOUND,

  ATTACHMENT_TOO_LARGE: HttpStatus.PAYLOAD_TOO_LARGE,
  ATTACHMENT_QUOTA_EXCEEDED: HttpStatus.PAYLOAD_TOO_LARGE,
  ATTACHMENT_TYPE_UNSUPPORTED: HttpStatus.UNSUPPORTED_MEDIA_TYPE,
  INVALID_ATTACHMENT_TARGET: HttpStatus.BAD_REQUEST,

  IMPORT_PARSE_ERROR: HttpStatus.BAD_REQUEST,
  IMPORT_FILE_UNREADABLE: HttpStatus.BAD_REQUEST,
  IMPORT_BODY_REQUIRED: HttpStatus.BAD_REQUEST,
  IMPORT_UNSUPPORTED_TYPE: HttpStatus.UNSUPPORTED_MEDIA_TYPE,
  IMPORT_FISCAL_YEAR_MISMATCH: HttpStatus.BAD_REQUEST,
  IMPORT_EMPTY: HttpStatus.BAD_REQUEST,

  INVALID_CYCLE: HttpStatus.BAD_REQUEST,
  INVALID_DURATION: HttpStatus.BAD_REQUEST,
  CYCLE_NOT_FOUND: HttpStatus.NOT_FOUND,

  PUBLICATION_EMPTY: HttpStatus.NOT_FOUND,
  EXPORT_TOO_LARGE: HttpStatus.UNPROCESSABLE_ENTITY,
  SUMMARY_TOO_LARGE: HttpStatus.UNPROCESSABLE_ENTITY,

  DEPENDENCY_UNAVAILABLE: HttpStatus.SERVICE_UNAVAILABLE,
  INTERNAL_ERROR: HttpStatus.INTERNAL_SERVER_ERROR,
};

/**
 * A refusal of the HTTP framework with a 4xx status that no code names (none is known to occur): it is
 * answered with the framework's own status, which is why it has no entry above.
 */
export const UNNAMED_REFUSAL = 'HTTP_ERROR';

/** What every refusal leaves the API as. */
export interface ErrorBody {
  statusCode: number;
  code: ErrorCode | typeof UNNAMED_REFUSAL;
  message: string;
  details?: unknown;
}

/** The body of a refusal under `code`, its status from the table. */
export function errorBody(code: ErrorCode, message: string, details?: unknown): ErrorBody {
  return { statusCode: STATUS_BY_CODE[code], code, message, details };
}
