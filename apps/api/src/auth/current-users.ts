import { Injectable, Logger, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { Redis } from 'ioredis';
import { Directory, UserChangePublisher, type UserSession, userChangesChannel } from '#perf-eval/identity';
import type { AuthenticatedUser } from '#perf-eval/identity';
import { AppConfig } from '#perf-eval/config';

interface Entry {
  session: UserSession | null;
  until: number;
}

/**
 * Who a token's subject is now: roles, units, whether the account is active and which token generation is
 * current come from the directory, cached for AUTH_CACHE_MS. The cache never outlives a change: every change of
 * a user is announced on a Redis channel (Directory.updateUser, from the API or the CLI) and each API process
 * drops that user at once. While this process is not subscribed (Redis away, reconnecting), it caches nothing
 * and reads the directory for every request; when the subscription is back it starts from an empty cache,
 * since announcements made meanwhile were missed.
 */
@Injectable()
export class CurrentUsers implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger(CurrentUsers.name);
  private readonly cache = new Map<string, Entry>();
  private readonly listeners = new Set<(userId: string) => void>();
  private subscriber: Redis | null = null;
  private listening = false;
  /** Moves on with every invalidation: a directory read that started before one is not cached. */
  private epoch = 0;
  private readonly ttlMs: number;
  /** Users cached at most (AUTH_CACHE_MAX_USERS; each entry a few hundred bytes); the oldest entry goes first. */
  private readonly maxUsers: number;

  constructor(
    private readonly directory: Directory,
    private readonly config: AppConfig,
    publisher: UserChangePublisher,
  ) {
    this.ttlMs = config.authCacheMs;
    this.maxUsers = config.authCacheMaxUsers;
    // What this process announces (a user, or the reviewers of a unit's departments) it forgets at once.
    publisher.onAnnounce((userId) => this.changed(userId));
  }

  onModuleInit(): void {
    const channel = userChangesChannel(this.config.queuePrefix);
    const subscriber = new Redis(this.config.redisUrl, { maxRetriesPerRequest: null, autoResubscribe: false, retryStrategy: (times) => Math.min(times * 200, 2_000) });
    subscriber.on('error', () => undefined);
    subscriber.on('ready', () => {
      subscriber.subscribe(channel).then(
        () => {
          this.invalidateAll();
          this.listening = true;
        },
        (error: Error) => this.logger.warn(`user changes not subscribed: ${error.message}`),
      );
    });
    for (const event of ['close', 'end', 'reconnecting']) subscriber.on(event, () => (this.listening = false));
    subscriber.on('message', (_channel: string, userId: string) => this.changed(userId));
    this.subscriber = subscriber;
  }

  async onModuleDestroy(): Promise<void> {
    this.listening = false;
    await this.subscriber?.quit().catch(() => undefined);
    this.subscriber = null;
  }

  /** Whether this process hears announced changes (and so may cache). */
  get subscribed(): boolean {
    return this.listening;
  }

  get size(): number {
    return this.cache.size;
  }

  async get(id: string): Promise<AuthenticatedUser | null> {
    return (await this.session(id))?.user ?? null;
  }

  /** The active user with this id and their current token generation; null when there is none or it is disabled. */
  async session(id: string): Promise<UserSession | null> {
    const now = Date.now();
    const hit = this.cache.get(id);
    if (hit && hit.until > now && this.listening) return hit.session;
    const epoch = this.epoch;
    const session = await this.directory.findSession(id);
    if (this.listening && epoch === this.epoch && this.ttlMs > 0) {
      this.cache.delete(id);
      this.cache.set(id, { session, until: Date.now() + this.ttlMs });
      if (this.cache.size > this.maxUsers) this.evict(Date.now());
    } else if (hit) {
      this.cache.delete(id);
    }
    return session;
  }

  /** This process changed the user (PATCH /users/:id): forget at once, without waiting for the announcement. */
  forget(id: string): void {
    this.changed(id);
  }

  /** Called with the id of every user that changed (by this or another process). */
  onChange(listener: (userId: string) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private changed(userId: string): void {
    this.epoch++;
    this.cache.delete(userId);
    for (const listener of this.listeners) {
      try {
        listener(userId);
      } catch (error) {
        this.logger.warn(`user change listener: ${(error as Error).message}`);
      }
    }
  }

  private invalidateAll(): void {
    this.epoch++;
    this.cache.clear();
  }

  /** Expired entries first, then the oldest, down to nine tenths of the bound (Map keeps insertion order). */
  private evict(now: number): void {
    for (const [id, entry] of this.cache) if (entry.until <= now) this.cache.delete(id);
    const target = Math.floor(this.maxUsers * 0.9);
    for (const id of this.cache.keys()) {
      if (this.cache.size <= target) break;
      this.cache.delete(id);
    }
  }
}
