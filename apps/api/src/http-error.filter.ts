import { ArgumentsHost, Catch, HttpException, HttpStatus, Logger, type ExceptionFilter } from '@nestjs/common';
import type { Response } from 'express';
import { EvaluationError } from '../../../libs/evaluation/src/domain/evaluation.errors.js';
import { IdentityError } from '../../../libs/identity/src/identity.errors.js';
import { InvalidAmountError } from '../../../libs/evaluation/src/domain/amount.js';
import { SelfEvaluationParseError } from '../../../libs/evaluation/src/import/self-evaluation-text.parser.js';

/** Every refusal leaves the API as {statusCode, code, message, details}; domain codes map to HTTP here and only here. */
const STATUS_BY_CODE: Record<string, number> = {
  NOT_FOUND: HttpStatus.NOT_FOUND,
  FORBIDDEN: HttpStatus.FORBIDDEN,
  SELF_REVIEW_FORBIDDEN: HttpStatus.FORBIDDEN,
  VERSION_CONFLICT: HttpStatus.CONFLICT,
  ILLEGAL_TRANSITION: HttpStatus.CONFLICT,
  SUBMISSION_BLOCKED: HttpStatus.UNPROCESSABLE_ENTITY,
  RETURN_COMMENT_REQUIRED: HttpStatus.UNPROCESSABLE_ENTITY,
  INVALID_COMMENT_TARGET: HttpStatus.UNPROCESSABLE_ENTITY,
  INVALID_CREDENTIALS: HttpStatus.UNAUTHORIZED,
  ACCOUNT_DISABLED: HttpStatus.UNAUTHORIZED,
  USERNAME_TAKEN: HttpStatus.CONFLICT,
  UNIT_EXISTS: HttpStatus.CONFLICT,
  UNKNOWN_UNIT: HttpStatus.BAD_REQUEST,
  UNIT_REQUIRED: HttpStatus.BAD_REQUEST,
  INVALID_AMOUNT: HttpStatus.BAD_REQUEST,
  IMPORT_FISCAL_YEAR_MISMATCH: HttpStatus.BAD_REQUEST,
  CYCLE_NOT_FOUND: HttpStatus.NOT_FOUND,
  FISCAL_YEAR_FIXED: HttpStatus.UNPROCESSABLE_ENTITY,
  INVALID_CYCLE: HttpStatus.BAD_REQUEST,
  INVALID_DURATION: HttpStatus.BAD_REQUEST,
  UNKNOWN_RULE_SET: HttpStatus.BAD_REQUEST,
  IMPORT_EMPTY: HttpStatus.BAD_REQUEST,
  IMPORT_FILE_UNREADABLE: HttpStatus.BAD_REQUEST,
  IMPORT_UNSUPPORTED_TYPE: HttpStatus.UNSUPPORTED_MEDIA_TYPE,
  PUBLICATION_EMPTY: HttpStatus.NOT_FOUND,
  COPY_YEAR_INVALID: HttpStatus.UNPROCESSABLE_ENTITY,
};

const CODE_BY_STATUS: Record<number, [string, string]> = {
  400: ['BAD_REQUEST', '请求无效'],
  401: ['UNAUTHENTICATED', '请先登录'],
  403: ['FORBIDDEN', '没有权限'],
  404: ['NOT_FOUND', '资源不存在'],
  413: ['PAYLOAD_TOO_LARGE', '请求内容过大'],
  429: ['TOO_MANY_REQUESTS', '请求过于频繁，请稍后再试'],
};

export interface ErrorBody {
  statusCode: number;
  code: string;
  message: string;
  details?: unknown;
}

@Catch()
export class HttpErrorFilter implements ExceptionFilter {
  private readonly logger = new Logger('HttpError');

  catch(error: unknown, host: ArgumentsHost): void {
    const body = this.toBody(error);
    if (body.statusCode >= 500 && !(error instanceof HttpException)) this.logger.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
    host.switchToHttp().getResponse<Response>().status(body.statusCode).json(body);
  }

  private toBody(error: unknown): ErrorBody {
    if (error instanceof EvaluationError || error instanceof IdentityError || error instanceof InvalidAmountError || isCodedDomainError(error)) {
      const details = 'details' in error ? (error as { details?: unknown }).details : undefined;
      return { statusCode: STATUS_BY_CODE[error.code] ?? HttpStatus.BAD_REQUEST, code: error.code, message: error.message, details };
    }
    if (error instanceof SelfEvaluationParseError) {
      const { line, at, formIndex, projectName, fileName } = error;
      return { statusCode: 400, code: error.code, message: error.message, details: { line, at, form: formIndex === null ? null : formIndex + 1, projectName, fileName } };
    }
    if (error instanceof HttpException) {
      const status = error.getStatus();
      const response = error.getResponse();
      if (typeof response === 'object' && response !== null && 'code' in response) {
        return { statusCode: status, ...(response as Omit<ErrorBody, 'statusCode'>) };
      }
      const [code, message] = CODE_BY_STATUS[status] ?? ['HTTP_ERROR', error.message];
      return { statusCode: status, code, message };
    }
    // Errors raised by body-parser before any handler runs.
    const raw = error as { type?: string; status?: number };
    if (raw?.type === 'entity.too.large') return { statusCode: 413, code: 'PAYLOAD_TOO_LARGE', message: '请求内容过大' };
    if (raw?.type === 'entity.parse.failed') return { statusCode: 400, code: 'MALFORMED_JSON', message: '请求体不是有效的 JSON' };
    return { statusCode: 500, code: 'INTERNAL_ERROR', message: '服务器内部错误' };
  }
}

/** Errors of the pure libraries (cycles, durations, rule sets) carry a code listed above. */
function isCodedDomainError(error: unknown): error is Error & { code: string; details?: unknown } {
  return error instanceof Error && typeof (error as { code?: unknown }).code === 'string' && (error as unknown as { code: string }).code in STATUS_BY_CODE;
}
