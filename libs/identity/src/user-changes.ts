import { Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import { Redis } from 'ioredis';
import { AppConfig } from '#perf-eval/config';

/**
 * A user's row changed (roles, units, active flag, password, token generation): every API process drops what it
 * cached of that user. Redis pub/sub under QUEUE_PREFIX, as the live hints; the message is the user's id.
 */
export function userChangesChannel(prefix: string): string {
  return `${prefix}:identity:user-changed`;
}

/**
 * Announces committed changes of users, from whichever process made them (an API process or the CLI). Publishing
 * is awaited (the CLI exits right after) but bounded by REDIS_COMMAND_TIMEOUT_MS, and never fails the change: an
 * API process that cannot hear announcements does not cache users at all (see CurrentUsers).
 */
@Injectable()
export class UserChangePublisher implements OnApplicationShutdown {
  private readonly logger = new Logger(UserChangePublisher.name);
  private client: Redis | null = null;
  private readonly local = new Set<(userId: string) => void>();

  constructor(private readonly config: AppConfig) {}

  /**
   * Told of every announcement this process makes, before it is published: the process that made a change
   * forgets what it cached at once, without waiting for its own message to come back over Redis.
   */
  onAnnounce(listener: (userId: string) => void): () => void {
    this.local.add(listener);
    return () => this.local.delete(listener);
  }

  /** Announces several users (a unit moved to another department: the reviewers of both). */
  async announceAll(userIds: readonly string[]): Promise<void> {
    await Promise.all([...new Set(userIds)].map((id) => this.announce(id)));
  }

  /** Answers whether Redis took the announcement (false: logged, and the change stays committed). */
  async announce(userId: string): Promise<boolean> {
    for (const listener of this.local) listener(userId);
    if (!this.client) {
      const timeout = this.config.redisCommandTimeoutMs;
      this.client = new Redis(this.config.redisUrl, { maxRetriesPerRequest: 1, commandTimeout: timeout, connectTimeout: timeout, retryStrategy: () => null });
      this.client.on('error', () => undefined);
    }
    try {
      await this.client.publish(userChangesChannel(this.config.queuePrefix), userId);
      return true;
    } catch (error) {
      this.logger.warn(`user change not announced (${(error as Error).message}): API processes that cache users see it within AUTH_CACHE_MS`);
      this.client.disconnect();
      this.client = null;
      return false;
    }
  }

  async onApplicationShutdown(): Promise<void> {
    await this.client?.quit().catch(() => undefined);
    this.client = null;
  }
}
