import { ArgumentsHost, Catch, HttpException, Logger, type ExceptionFilter } from '@nestjs/common';
import type { Response } from 'express';
import { DomainError, type ErrorCode } from '#perf-eval/errors';
import { DependencyUnavailableError, databaseUnavailable, redisUnavailable } from '#perf-eval/persistence';
import { MAX_JSON_DEPTH } from './request-body.js';
import { DependencyMonitor } from './health/dependency-monitor.js';
import { errorBody, UNNAMED_REFUSAL, type ErrorBody } from './error-status.js';

/**
 * Every refusal leaves the API as {statusCode, code, message, details}, decided by `answerOf`:
 * 1. a DomainError (every refusal of the libraries and of this app) by its code, through STATUS_BY_CODE;
 *    a driver's error saying PostgreSQL or Redis cannot be reached is first recognised as the
 *    DependencyUnavailableError it means (503, and the outage is dated in /api/health);
 * 2. a refusal of the HTTP framework, which names no code of ours (`frameworkRefusal`);
 * 3. anything else is a fault of the server: 500 INTERNAL_ERROR, logged, and nothing of it told.
 */
@Catch()
export class HttpErrorFilter implements ExceptionFilter {
  private readonly logger = new Logger('HttpError');

  constructor(private readonly monitor: DependencyMonitor) {}

  catch(thrown: unknown, host: ArgumentsHost): void {
    const error = recognised(thrown);
    if (error instanceof DependencyUnavailableError) {
      // The first failed request dates the outage in /api/health.
      this.monitor.mark(error.dependency, 'down', error.reason);
      this.logger.warn(`${error.dependency} unavailable: ${error.reason}`);
    }
    const body = answerOf(error);
    if (body.code === 'INTERNAL_ERROR') this.logger.error(thrown instanceof Error ? (thrown.stack ?? thrown.message) : String(thrown));
    const res = host.switchToHttp().getResponse<Response>();
    const retryAfter = (body.details as { retryAfterSeconds?: unknown } | undefined)?.retryAfterSeconds;
    if (typeof retryAfter === 'number') res.setHeader('Retry-After', String(retryAfter));
    res.status(body.statusCode).json(body);
  }
}

/** A pg, TypeORM or ioredis error that says its server cannot be reached becomes a DependencyUnavailableError; anything else is left as it is. */
export function recognised(error: unknown): unknown {
  if (error instanceof DomainError || error instanceof HttpException) return error;
  return databaseUnavailable(error) ?? redisUnavailable(error) ?? error;
}

export function answerOf(error: unknown): ErrorBody {
  if (error instanceof DomainError) return errorBody(error.code, error.message, error.details);
  return frameworkRefusal(error) ?? errorBody('INTERNAL_ERROR', '服务器内部错误');
}

/** Nest's own HttpExceptions (an unknown route's 404, Multer's 413 or 400) by their status. */
const BY_STATUS = new Map<number, ErrorBody>(
  (
    [
      ['BAD_REQUEST', '请求无效'],
      ['UNAUTHENTICATED', '请先登录'],
      ['FORBIDDEN', '没有权限'],
      ['NOT_FOUND', '资源不存在'],
      ['PAYLOAD_TOO_LARGE', '请求内容过大'],
      ['UNSUPPORTED_MEDIA_TYPE', '不支持的请求内容类型'],
      ['TOO_MANY_REQUESTS', '请求过于频繁，请稍后再试'],
    ] satisfies [ErrorCode, string][]
  ).map(([code, message]) => {
    const body = errorBody(code, message);
    return [body.statusCode, body];
  }),
);

/**
 * The refusals of the HTTP framework, which carry no code of ours, in one place:
 * - body-parser's errors, by their `type` (passed on by the parsers as they are, or wrapped by Nest in an
 *   HttpException whose cause they are);
 * - a path with broken percent-encoding (a URIError, likewise);
 * - any other HttpException with a 4xx status: by its status, HTTP_ERROR for a status no code names.
 * Validation is not among them: the ValidationPipe's exceptionFactory and the text policy throw
 * ValidationFailedError, a DomainError. Null for anything else, including a framework error of 5xx.
 */
export function frameworkRefusal(error: unknown): ErrorBody | null {
  const cause = error instanceof HttpException ? error.cause : error;
  const parser = bodyParserRefusal(cause);
  if (parser) return parser;
  if (cause instanceof URIError) return errorBody('BAD_REQUEST', '请求路径含有无效的百分号编码');
  if (!(error instanceof HttpException) || error.getStatus() >= 500) return null;
  const status = error.getStatus();
  const named = BY_STATUS.get(status);
  return named ? { ...named } : { statusCode: status, code: UNNAMED_REFUSAL, message: `请求无法处理（HTTP ${status}）` };
}

/** Errors of body-parser (and Express) before any handler runs, by their `type`. */
function bodyParserRefusal(error: unknown): ErrorBody | null {
  const { type, charset } = (error ?? {}) as { type?: unknown; charset?: unknown };
  switch (type) {
    case 'entity.parse.failed':
      return errorBody('MALFORMED_JSON', '请求体不是有效的 JSON');
    case 'entity.too.deep':
      return errorBody('JSON_TOO_DEEP', `请求体嵌套过深（最多 ${MAX_JSON_DEPTH} 层）`, { maxDepth: MAX_JSON_DEPTH });
    case 'entity.too.large':
      return errorBody('PAYLOAD_TOO_LARGE', '请求内容过大');
    case 'encoding.unsupported':
      return errorBody('UNSUPPORTED_MEDIA_TYPE', '不支持的内容编码（Content-Encoding 须为 gzip、deflate、br 或不压缩）');
    case 'charset.unsupported':
      return errorBody('UNSUPPORTED_MEDIA_TYPE', `不支持的字符集${typeof charset === 'string' && charset ? `：${charset.toUpperCase()}` : ''}（请使用 UTF-8）`);
    case 'request.aborted':
    case 'request.size.invalid':
      return errorBody('BAD_REQUEST', '请求体不完整（与 Content-Length 不符）');
    default:
      return null;
  }
}
