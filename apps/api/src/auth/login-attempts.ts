import { createHash } from 'node:crypto';
import { Injectable, Logger } from '@nestjs/common';
import { DomainError } from '#perf-eval/errors';
import { RedisConnection } from '#perf-eval/persistence';
import { AppConfig } from '#perf-eval/config';

const WINDOW_MS = 60_000;

/**
 * Both counters are read and incremented in one script, so parallel guesses cannot all slip in between a
 * read and a write. A guess over either limit is refused without counting (the counts say how many
 * passwords were checked). Returns 0 when the attempt was counted, else the milliseconds until retry.
 */
const RESERVE = `
for i = 1, 2 do
  local n = tonumber(redis.call('GET', KEYS[i]) or '0')
  if n >= tonumber(ARGV[i]) then
    local ttl = redis.call('PTTL', KEYS[i])
    if ttl < 0 then
      redis.call('PEXPIRE', KEYS[i], ARGV[3])
      ttl = tonumber(ARGV[3])
    end
    return ttl
  end
end
for i = 1, 2 do
  if redis.call('INCR', KEYS[i]) == 1 then redis.call('PEXPIRE', KEYS[i], ARGV[3]) end
end
return 0`;

/** Gives back an attempt that was not a wrong guess; a counter at 0 is removed. */
const RELEASE = `
for i = 1, #KEYS do
  if redis.call('EXISTS', KEYS[i]) == 1 and redis.call('DECR', KEYS[i]) <= 0 then redis.call('DEL', KEYS[i]) end
end
return 1`;

/** `details.retryAfterSeconds` becomes the Retry-After header. */
export class TooManyAttemptsError extends DomainError {
  readonly code = 'TOO_MANY_REQUESTS';
  override readonly details: { retryAfterSeconds: number };
  constructor(readonly retryAfterSeconds: number) {
    super(`登录尝试过于频繁，请 ${retryAfterSeconds} 秒后再试`);
    this.details = { retryAfterSeconds };
  }
}

/** One password check, counted; `release()` when it turned out not to be a wrong guess. */
export interface Attempt {
  release(): Promise<void>;
}

/**
 * Password guessing, at the login and at the queue dashboard alike: at most LOGIN_RATE_LIMIT wrong
 * passwords a minute per client address and username, and LOGIN_CLIENT_RATE_LIMIT (5 × that) per client
 * address over all usernames. Attempts are counted before the password is checked (and given back when
 * it was right), in Redis, so that the limits hold however many requests arrive at once and across API
 * processes. Keys: `<QUEUE_PREFIX>:login-attempts:<client>:<sha256(username)>` and
 * `<QUEUE_PREFIX>:login-attempts:<client>`, each living one minute from its first attempt.
 *
 * While Redis is away, this process counts by itself (the same rules, per process): signing in keeps
 * working without giving guessers a free run.
 */
@Injectable()
export class LoginAttempts {
  private readonly logger = new Logger(LoginAttempts.name);
  private readonly perUser: number;
  private readonly perClient: number;
  private readonly local = new Map<string, { count: number; until: number }>();

  constructor(
    private readonly redis: RedisConnection,
    private readonly config: AppConfig,
  ) {
    this.perUser = config.loginRateLimit;
    this.perClient = config.loginClientRateLimit;
  }

  /** Counts one password check for `username` from `client`, or refuses it with 429. */
  async reserve(client: string, username: string): Promise<Attempt> {
    const keys = keysOf(this.config.queuePrefix, client, username);
    if (this.redis.available) {
      try {
        const wait = Number(await this.redis.client.eval(RESERVE, 2, ...keys, this.perUser, this.perClient, WINDOW_MS));
        if (wait > 0) throw new TooManyAttemptsError(Math.max(1, Math.ceil(wait / 1000)));
        return { release: () => this.redis.client.eval(RELEASE, 2, ...keys).then(() => undefined, () => undefined) };
      } catch (error) {
        if (error instanceof TooManyAttemptsError) throw error;
        this.logger.warn(`login attempts counted in this process only: ${(error as Error).message}`);
      }
    }
    return this.reserveLocally(keys);
  }

  private reserveLocally(keys: [string, string]): Attempt {
    const now = Date.now();
    const counters = keys.map((key) => {
      const current = this.local.get(key);
      return current && current.until > now ? current : { count: 0, until: now + WINDOW_MS };
    });
    const limits = [this.perUser, this.perClient];
    const full = counters.findIndex((c, i) => c.count >= limits[i]);
    if (full >= 0) throw new TooManyAttemptsError(Math.max(1, Math.ceil((counters[full].until - now) / 1000)));
    counters.forEach((c, i) => this.local.set(keys[i], { count: c.count + 1, until: c.until }));
    if (this.local.size > 100_000) this.local.delete(this.local.keys().next().value!);
    return {
      release: async () => {
        for (const key of keys) {
          const c = this.local.get(key);
          if (c && c.count > 0) c.count--;
        }
      },
    };
  }
}

function keysOf(prefix: string, client: string, username: string): [string, string] {
  const base = `${prefix}:login-attempts:${client}`;
  return [`${base}:${createHash('sha256').update(username).digest('hex')}`, base];
}
