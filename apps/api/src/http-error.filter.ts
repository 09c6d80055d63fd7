import { ArgumentsHost, Catch, HttpException, HttpStatus, Logger, type ExceptionFilter } from '@nestjs/common';
import type { Response } from 'express';
import { EvaluationError } from '../../../libs/evaluation/src/domain/evaluation.errors.js';
import { IdentityError } from '../../../libs/identity/src/identity.errors.js';
import { InvalidAmountError } from '../../../libs/evaluation/src/domain/amount.js';
import { SelfEvaluationParseError } from '../../../libs/evaluation/src/import/self-evaluation-text.parser.js';
import { MAX_JSON_DEPTH } from './request-body.js';
import { databaseUnavailable, redisUnavailable } from '../../../libs/persistence/src/dependency-unavailable.js';
import { DependencyMonitor } from './health/dependency-monitor.js';

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
  WEAK_PASSWORD: HttpStatus.BAD_REQUEST,
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
  415: ['UNSUPPORTED_MEDIA_TYPE', '不支持的请求内容类型'],
  429: ['TOO_MANY_REQUESTS', '请求过于频繁，请稍后再试'],
};

/** Errors of body-parser (and Express) before any handler runs, by their `type`. */
function bodyParserError({ type, charset }: { type: string; charset?: string }): ErrorBody | null {
  switch (type) {
    case 'entity.parse.failed':
      return { statusCode: 400, code: 'MALFORMED_JSON', message: '请求体不是有效的 JSON' };
    case 'entity.too.deep':
      return { statusCode: 400, code: 'JSON_TOO_DEEP', message: `请求体嵌套过深（最多 ${MAX_JSON_DEPTH} 层）`, details: { maxDepth: MAX_JSON_DEPTH } };
    case 'entity.too.large':
      return { statusCode: 413, code: 'PAYLOAD_TOO_LARGE', message: '请求内容过大' };
    case 'encoding.unsupported':
      return { statusCode: 415, code: 'UNSUPPORTED_MEDIA_TYPE', message: '不支持的内容编码（Content-Encoding 须为 gzip、deflate、br 或不压缩）' };
    case 'charset.unsupported':
      return { statusCode: 415, code: 'UNSUPPORTED_MEDIA_TYPE', message: `不支持的字符集${charset ? `：${charset.toUpperCase()}` : ''}（请使用 UTF-8）` };
    case 'request.aborted':
    case 'request.size.invalid':
      return { statusCode: 400, code: 'BAD_REQUEST', message: '请求体不完整（与 Content-Length 不符）' };
    default:
      return null;
  }
}

export interface ErrorBody {
  statusCode: number;
  code: string;
  message: string;
  details?: unknown;
}

@Catch()
export class HttpErrorFilter implements ExceptionFilter {
  private readonly logger = new Logger('HttpError');

  constructor(private readonly monitor: DependencyMonitor) {}

  catch(error: unknown, host: ArgumentsHost): void {
    const unavailable = error instanceof HttpException ? null : (databaseUnavailable(error) ?? redisUnavailable(error));
    if (unavailable) {
      // The first failed request dates the outage in /api/health.
      this.monitor.mark(unavailable.dependency, 'down', unavailable.reason);
      this.logger.warn(`${unavailable.dependency} unavailable: ${unavailable.reason}`);
    }
    const body = unavailable ? { statusCode: HttpStatus.SERVICE_UNAVAILABLE, code: unavailable.code, message: unavailable.message, details: unavailable.details } : this.toBody(error);
    if (body.statusCode >= 500 && !unavailable && !(error instanceof HttpException)) this.logger.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
    const res = host.switchToHttp().getResponse<Response>();
    const retryAfter = (body.details as { retryAfterSeconds?: unknown } | undefined)?.retryAfterSeconds;
    if (typeof retryAfter === 'number') res.setHeader('Retry-After', String(retryAfter));
    res.status(body.statusCode).json(body);
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
    // Nest wraps body-parser's http-errors in an HttpException; the original, with its type, is the cause.
    const parserError = typeOf(error instanceof HttpException ? error.cause : error);
    if (parserError) {
      const body = bodyParserError(parserError);
      if (body) return body;
    }
    if (error instanceof URIError || (error instanceof HttpException && error.cause instanceof URIError)) {
      return { statusCode: 400, code: 'BAD_REQUEST', message: '请求路径含有无效的百分号编码' };
    }
    if (error instanceof HttpException) {
      const status = error.getStatus();
      const response = error.getResponse();
      if (typeof response === 'object' && response !== null && 'code' in response) {
        return { statusCode: status, ...(response as Omit<ErrorBody, 'statusCode'>) };
      }
      const [code, message] = CODE_BY_STATUS[status] ?? ['HTTP_ERROR', `请求无法处理（HTTP ${status}）`];
      return { statusCode: status, code, message };
    }
    return { statusCode: 500, code: 'INTERNAL_ERROR', message: '服务器内部错误' };
  }
}

function typeOf(error: unknown): { type: string; charset?: string } | null {
  const type = (error as { type?: unknown } | null | undefined)?.type;
  return typeof type === 'string' ? (error as { type: string; charset?: string }) : null;
}

/** Errors of the pure libraries (cycles, durations, rule sets) carry a code listed above. */
function isCodedDomainError(error: unknown): error is Error & { code: string; details?: unknown } {
  return error instanceof Error && typeof (error as { code?: unknown }).code === 'string' && (error as unknown as { code: string }).code in STATUS_BY_CODE;
}
