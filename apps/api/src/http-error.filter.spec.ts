import { beforeAll, describe, expect, it } from '@jest/globals';
import { BadRequestException, ForbiddenException, HttpException, InternalServerErrorException, Logger, NotFoundException, PayloadTooLargeException, type ArgumentsHost } from '@nestjs/common';
import { IsInt, Max } from 'class-validator';
import { IllegalTransitionError, SelfEvaluationParseError } from '#perf-eval/evaluation';
import { AccountDisabledError } from '#perf-eval/identity';
import { CycleNotFoundError } from '#perf-eval/cycles';
import { DependencyUnavailableError } from '#perf-eval/persistence';
import type { DependencyMonitor } from './health/dependency-monitor.js';
import { HttpErrorFilter } from './http-error.filter.js';
import { TooManyAttemptsError } from './auth/login-attempts.js';
import { UnsupportedMediaTypeError } from './api.errors.js';
import { validationPipe } from './validation.pipe.js';

class Answer {
  statusCode = 0;
  body: unknown;
  readonly headers: Record<string, string> = {};
  setHeader(name: string, value: string) {
    this.headers[name] = value;
  }
  status(code: number) {
    this.statusCode = code;
    return this;
  }
  json(body: unknown) {
    // What goes over the wire: undefined fields vanish.
    this.body = JSON.parse(JSON.stringify(body));
  }
}

class Monitor {
  readonly marks: string[] = [];
  mark(name: string, status: string, reason?: string) {
    this.marks.push(`${name} ${status} ${reason}`);
  }
}

function answer(error: unknown): Answer & { marks: string[] } {
  const res = new Answer();
  const monitor = new Monitor();
  const host = { switchToHttp: () => ({ getResponse: () => res }) } as unknown as ArgumentsHost;
  new HttpErrorFilter(monitor as unknown as DependencyMonitor).catch(error, host);
  return Object.assign(res, { marks: monitor.marks });
}

class Paging {
  @IsInt()
  @Max(200)
  pageSize!: number;
}

/** What the ValidationPipe throws for `value`, run as the app runs it. */
async function refusedBy(value: unknown): Promise<unknown> {
  try {
    await validationPipe().transform(value, { type: 'query', metatype: Paging, data: '' });
  } catch (error) {
    return error;
  }
  throw new Error('the pipe accepted it');
}

/** body-parser's errors are http-errors: an Error with `status` and `type`. */
function parserError(type: string, status: number, extra: object = {}): Error {
  return Object.assign(new Error('from body-parser'), { status, statusCode: status, type, expose: true }, extra);
}

describe('HttpErrorFilter', () => {
  beforeAll(() => {
    Logger.overrideLogger(false);
  });

  describe('a DomainError', () => {
    it('answers its code, message and details with the status of its code', () => {
      const res = answer(new IllegalTransitionError('Published', 'submit'));
      expect(res.statusCode).toBe(409);
      expect(res.body).toEqual({ statusCode: 409, code: 'ILLEGAL_TRANSITION', message: '当前状态「已公开」不允许执行「提交」', details: { from: 'Published', action: 'submit' } });
    });

    it('answers an error without details without the key', () => {
      expect(answer(new AccountDisabledError()).body).toEqual({ statusCode: 401, code: 'ACCOUNT_DISABLED', message: '账号已停用，请联系系统管理员' });
      expect(answer(new CycleNotFoundError('x')).body).toEqual({ statusCode: 404, code: 'CYCLE_NOT_FOUND', message: '评价批次不存在：x' });
    });

    it('answers an import that does not parse with the place, the form counted from 1', () => {
      const error = new SelfEvaluationParseError({ message: '第 3 行：不是数字', at: { kind: 'line', line: 3 }, formIndex: 0, projectName: '项目甲', fileName: 'a.txt' });
      expect(answer(error).body).toEqual({
        statusCode: 400,
        code: 'IMPORT_PARSE_ERROR',
        message: '第 3 行：不是数字',
        details: { line: 3, at: { kind: 'line', line: 3 }, form: 1, projectName: '项目甲', fileName: 'a.txt' },
      });
    });

    it('sends details.retryAfterSeconds as Retry-After', () => {
      const res = answer(new TooManyAttemptsError(42));
      expect(res.statusCode).toBe(429);
      expect(res.headers['Retry-After']).toBe('42');
      expect(res.body).toEqual({ statusCode: 429, code: 'TOO_MANY_REQUESTS', message: '登录尝试过于频繁，请 42 秒后再试', details: { retryAfterSeconds: 42 } });
    });

    it('answers the HTTP layer’s own refusals the same way', () => {
      const res = answer(new UnsupportedMediaTypeError('请求体须为 JSON（Content-Type: application/json）', { contentType: 'text/plain', expected: 'application/json' }));
      expect(res.body).toEqual({ statusCode: 415, code: 'UNSUPPORTED_MEDIA_TYPE', message: '请求体须为 JSON（Content-Type: application/json）', details: { contentType: 'text/plain', expected: 'application/json' } });
    });
  });

  describe('validation', () => {
    it('answers VALIDATION_FAILED naming every bad field, from the pipe the app runs', async () => {
      const res = answer(await refusedBy({ pageSize: '500', extra: 'x' }));
      expect(res.statusCode).toBe(400);
      expect(res.body).toMatchObject({ statusCode: 400, code: 'VALIDATION_FAILED' });
      const fields = (res.body as { details: { fields: { field: string; messages: string[] }[] } }).details.fields;
      expect(fields.map((f) => f.field).sort()).toEqual(['extra', 'pageSize']);
      expect(fields.find((f) => f.field === 'extra')!.messages).toEqual(['不允许的字段']);
      expect((res.body as { message: string }).message).toBe(`输入有误：${fields.map((f) => f.field).join('、')}`);
    });

    it('answers a NUL in a text field before class-validator sees it', async () => {
      const res = answer(await refusedBy({ pageSize: '5\u0000' }));
      expect(res.body).toMatchObject({ statusCode: 400, code: 'VALIDATION_FAILED', details: { fields: [{ field: 'pageSize' }] } });
    });
  });

  describe('PostgreSQL or Redis out of reach', () => {
    it('answers a driver error that means the database is unreachable with 503, Retry-After, and marks it down', () => {
      const res = answer(Object.assign(new Error('connect ECONNREFUSED 10.0.0.5:5432'), { code: 'ECONNREFUSED' }));
      expect(res.statusCode).toBe(503);
      expect(res.headers['Retry-After']).toBe('5');
      expect(res.body).toEqual({ statusCode: 503, code: 'DEPENDENCY_UNAVAILABLE', message: '数据库（PostgreSQL）暂时不可用，请稍后重试', details: { dependency: 'database', retryAfterSeconds: 5 } });
      expect(res.marks).toEqual(['database down ECONNREFUSED']);
    });

    it('recognises Redis by the ioredis error and by a DependencyUnavailableError thrown as such', () => {
      expect(answer(new Error('Connection is closed.'))).toMatchObject({ statusCode: 503, marks: ['redis down Connection is closed.'] });
      expect(answer(new DependencyUnavailableError('redis', 'connection reconnecting'))).toMatchObject({ statusCode: 503, marks: ['redis down connection reconnecting'] });
    });
  });

  describe('a refusal of the HTTP framework', () => {
    it('answers body-parser’s errors by their type, raw or wrapped by Nest', () => {
      const malformed = new BadRequestException('Unexpected end of JSON input', { cause: parserError('entity.parse.failed', 400) });
      expect(answer(malformed).body).toEqual({ statusCode: 400, code: 'MALFORMED_JSON', message: '请求体不是有效的 JSON' });
      expect(answer(parserError('entity.too.large', 413)).body).toEqual({ statusCode: 413, code: 'PAYLOAD_TOO_LARGE', message: '请求内容过大' });
      expect(answer(parserError('entity.too.deep', 400)).body).toEqual({ statusCode: 400, code: 'JSON_TOO_DEEP', message: '请求体嵌套过深（最多 32 层）', details: { maxDepth: 32 } });
      expect(answer(parserError('charset.unsupported', 415, { charset: 'gbk' })).body).toEqual({ statusCode: 415, code: 'UNSUPPORTED_MEDIA_TYPE', message: '不支持的字符集：GBK（请使用 UTF-8）' });
      expect(answer(parserError('request.size.invalid', 400)).body).toMatchObject({ statusCode: 400, code: 'BAD_REQUEST' });
    });

    it('answers a path with broken percent-encoding with BAD_REQUEST', () => {
      const wrapped = new BadRequestException('URI malformed', { cause: new URIError('URI malformed') });
      expect(answer(wrapped).body).toEqual({ statusCode: 400, code: 'BAD_REQUEST', message: '请求路径含有无效的百分号编码' });
    });

    it('answers Nest’s HttpExceptions by their status, in Chinese, whatever their own body says', () => {
      expect(answer(new NotFoundException('Cannot GET /api/nope')).body).toEqual({ statusCode: 404, code: 'NOT_FOUND', message: '资源不存在' });
      expect(answer(new PayloadTooLargeException('File too large')).body).toEqual({ statusCode: 413, code: 'PAYLOAD_TOO_LARGE', message: '请求内容过大' });
      expect(answer(new ForbiddenException({ code: 'MADE_UP', message: 'x' })).body).toEqual({ statusCode: 403, code: 'FORBIDDEN', message: '没有权限' });
    });

    it('answers a 4xx no code names with HTTP_ERROR and that status', () => {
      expect(answer(new HttpException('teapot', 418)).body).toEqual({ statusCode: 418, code: 'HTTP_ERROR', message: '请求无法处理（HTTP 418）' });
    });
  });

  describe('anything else', () => {
    it('is a fault of the server: 500 INTERNAL_ERROR, and nothing of it told', () => {
      for (const error of [new Error('relation "users" does not exist at 10.0.0.5'), new TypeError('x is undefined'), 'a thrown string', new InternalServerErrorException('stack here'), Object.assign(new Error('coded'), { code: 'NOT_FOUND' })]) {
        const res = answer(error);
        expect(res.body).toEqual({ statusCode: 500, code: 'INTERNAL_ERROR', message: '服务器内部错误' });
        expect(res.marks).toEqual([]);
      }
    });
  });
});
