import { DomainError } from '#perf-eval/errors';

export type Dependency = 'database' | 'redis';

/** How long a client is asked to wait before trying again (Retry-After). */
export const RETRY_AFTER_SECONDS = 5;

const MESSAGES: Record<Dependency, string> = {
  database: '数据库（PostgreSQL）暂时不可用，请稍后重试',
  redis: '任务队列与缓存服务（Redis）暂时不可用，请稍后重试',
};

/**
 * PostgreSQL or Redis cannot be reached: the request is refused at once (503 with Retry-After) rather
 * than left waiting or answered as an internal error. `reason` is short and names no host or secret.
 */
export class DependencyUnavailableError extends DomainError {
  readonly code = 'DEPENDENCY_UNAVAILABLE';
  override readonly details: { dependency: Dependency; retryAfterSeconds: number };

  constructor(
    readonly dependency: Dependency,
    readonly reason: string,
    options?: { cause?: unknown },
  ) {
    super(MESSAGES[dependency], options);
    this.details = { dependency, retryAfterSeconds: RETRY_AFTER_SECONDS };
  }
}

/** Socket errors, and PostgreSQL's SQLSTATE class 08 (connection), 57P01–03 (shut down, starting) and 53300 (too many connections). */
const UNREACHABLE_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN', 'EPIPE', '57P01', '57P02', '57P03', '53300']);
const DATABASE_MESSAGES = /Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error|the database system is (starting up|shutting down|in recovery mode)|Client was closed and is not queryable/i;
const REDIS_MESSAGES = /Stream isn't writeable|Connection is closed|Reached the max retries per request limit|Command timed out|enableOfflineQueue|Connection in subscriber mode/i;

/** A pg / TypeORM error that says the database cannot be reached (rather than that a statement failed). */
export function databaseUnavailable(error: unknown): DependencyUnavailableError | null {
  if (error instanceof DependencyUnavailableError) return error.dependency === 'database' ? error : null;
  const driverError = (error as { driverError?: unknown } | null)?.driverError ?? error;
  const code = (driverError as { code?: unknown } | null)?.code;
  if (typeof code === 'string' && (UNREACHABLE_CODES.has(code) || code.startsWith('08'))) return new DependencyUnavailableError('database', code, { cause: error });
  const message = (driverError as Error | null)?.message ?? '';
  if (DATABASE_MESSAGES.test(message)) return new DependencyUnavailableError('database', shortReason(message), { cause: error });
  return null;
}

/** An ioredis error that says Redis cannot be reached or did not answer in time. */
export function redisUnavailable(error: unknown): DependencyUnavailableError | null {
  if (error instanceof DependencyUnavailableError) return error.dependency === 'redis' ? error : null;
  const message = (error as Error | null)?.message ?? '';
  if ((error as Error | null)?.name === 'MaxRetriesPerRequestError' || REDIS_MESSAGES.test(message)) return new DependencyUnavailableError('redis', shortReason(message), { cause: error });
  return null;
}

/** The kind of failure without addresses, ports or user names ("connect ECONNREFUSED 10.0.0.5:5432" → "ECONNREFUSED"). */
export function shortReason(message: string): string {
  const code = /\bE[A-Z]{3,}\b/.exec(message)?.[0];
  if (code) return code;
  return message.replace(/\b\d{1,3}(\.\d{1,3}){3}(:\d+)?\b|\[[0-9a-f:]+\](:\d+)?|\b[\w.-]+:\d{2,5}\b|\w+:\/\/\S+/gi, '…').slice(0, 120);
}
