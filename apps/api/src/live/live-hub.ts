import { Injectable, Logger, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import type { Request, Response } from 'express';
import { Redis } from 'ioredis';
import { canSeeUnit, type AuthenticatedUser } from '#perf-eval/identity';
import { AppConfig } from '#perf-eval/config';
import { liveChannels, type LiveEvaluationChange, type LiveNotification } from '#perf-eval/live';
import { MyQueuesQuery, type QueueCounts } from '#perf-eval/evaluation';
import { CurrentUsers } from '../auth/current-users.js';

/** A client that reads nothing while this much waits for it is dropped (it reconnects and reloads). */
const MAX_BUFFERED_BYTES = 1024 * 1024;
/** How long opening a stream waits for this process's subscription, so that no change made after the open is missed. */
const SUBSCRIBE_WAIT_MS = 5_000;

interface Connection {
  userId: string;
  /** The token generation the stream's ticket was issued under: the stream ends when the user's moves on. */
  tokenGeneration: number;
  res: Response;
  queuesTimer: NodeJS.Timeout | null;
}

/**
 * The open streams of this API process. It subscribes once to the live channels (Redis pub/sub, so that
 * changes made through any API process and notifications stored by the worker reach every stream) and
 * fans each message out to the streams whose user may see it — the same unit scoping as GET.
 */
@Injectable()
export class LiveHub implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger(LiveHub.name);
  private readonly channels: ReturnType<typeof liveChannels>;
  private readonly connections = new Set<Connection>();
  private subscriber: Redis | null = null;
  private subscribed: Promise<unknown> = Promise.resolve();
  private heartbeat: NodeJS.Timeout | null = null;
  private ending = false;
  /** Messages are handled one after another, so that every stream receives them in publication order. */
  private chain: Promise<void> = Promise.resolve();

  constructor(
    private readonly users: CurrentUsers,
    private readonly queries: QueryBus,
    private readonly config: AppConfig,
  ) {
    this.channels = liveChannels(config.queuePrefix);
  }

  onModuleInit(): void {
    const subscriber = new Redis(this.config.redisUrl, { maxRetriesPerRequest: null });
    subscriber.on('error', (error: Error) => this.logger.warn(`live subscription: ${error.message}`));
    subscriber.on('message', (channel: string, message: string) => {
      this.chain = this.chain.then(() => this.dispatch(channel, message)).catch((error: Error) => this.logger.error(`live dispatch: ${error.message}`));
    });
    // Not awaited: the API starts (and reports Redis in /api/health) even while Redis is away; ioredis resubscribes on reconnect.
    this.subscribed = subscriber.subscribe(this.channels.evaluations, this.channels.notifications).catch((error: Error) => {
      this.logger.warn(`live subscription failed: ${error.message}`);
    });
    this.subscriber = subscriber;
    // A user changed (here or in another process): their streams end at once if the change revoked their tokens.
    this.users.onChange((userId) => {
      for (const connection of [...this.connections]) if (connection.userId === userId) void this.userOf(connection);
    });
    // Comment heartbeat (STREAM_HEARTBEAT_MS): keeps proxies from closing an idle stream and lets a dead client be noticed.
    this.heartbeat = setInterval(() => void this.ping(), this.config.streamHeartbeatMs);
    this.heartbeat.unref();
  }

  /**
   * Ends every stream and every one opened from now on (clients reconnect to another process), so that
   * shutdown is not held up by them. Called when the API starts draining, and again on module destroy.
   */
  endStreams(): void {
    this.ending = true;
    if (this.heartbeat) clearInterval(this.heartbeat);
    for (const connection of [...this.connections]) this.close(connection);
  }

  async onModuleDestroy(): Promise<void> {
    this.endStreams();
    await this.subscriber?.quit().catch(() => undefined);
    this.subscriber = null;
  }

  get size(): number {
    return this.connections.size;
  }

  /** Turns the response into an event stream for `user` until the client goes away or the process stops. */
  async open(user: AuthenticatedUser, tokenGeneration: number, req: Request, res: Response): Promise<void> {
    await Promise.race([this.subscribed, new Promise((resolve) => setTimeout(resolve, SUBSCRIBE_WAIT_MS).unref())]);
    if (req.destroyed || res.destroyed) return;
    res.status(200);
    res.setHeader('Content-Type', 'text/event-stream; charset=utf-8');
    res.setHeader('Cache-Control', 'no-cache');
    res.setHeader('Connection', 'keep-alive');
    res.setHeader('X-Accel-Buffering', 'no');
    res.flushHeaders();
    req.socket.setNoDelay(true);
    req.socket.setKeepAlive(true);
    const connection: Connection = { userId: user.id, tokenGeneration, res, queuesTimer: null };
    this.connections.add(connection);
    res.on('close', () => this.forget(connection));
    this.write(connection, 'retry: 3000\n\n');
    if (this.ending) return this.close(connection);
    await this.sendQueues(connection);
  }

  private async dispatch(channel: string, message: string): Promise<void> {
    if (this.connections.size === 0) return;
    let data: unknown;
    try {
      data = JSON.parse(message);
    } catch {
      return;
    }
    if (channel === this.channels.evaluations) {
      const change = data as LiveEvaluationChange;
      for (const connection of [...this.connections]) {
        const user = await this.userOf(connection);
        if (!user || !canSeeUnit(user, change.unitId)) continue;
        this.send(connection, 'evaluation', change);
        this.queuesSoon(connection);
      }
    } else if (channel === this.channels.notifications) {
      const { recipientId, id, kind, evaluationId, title } = data as LiveNotification;
      for (const connection of [...this.connections]) {
        if (connection.userId !== recipientId || !(await this.userOf(connection))) continue;
        this.send(connection, 'notification', { id, kind, evaluationId, title });
        this.queuesSoon(connection);
      }
    }
  }

  /**
   * The stream's user as the directory says now (cached until a change is announced); the streams of a disabled
   * account, and those opened under a token generation since revoked (password changed), end.
   * While the directory cannot be read, the stream is skipped (not ended).
   */
  private async userOf(connection: Connection): Promise<AuthenticatedUser | null> {
    let session;
    try {
      session = await this.users.session(connection.userId);
    } catch (error) {
      this.logger.warn(`live stream user not read: ${(error as Error).message}`);
      return null;
    }
    if (!session || session.tokenGeneration !== connection.tokenGeneration) {
      this.close(connection);
      return null;
    }
    return session.user;
  }

  /** Queue counts follow the changes a user sees, at most once per STREAM_QUEUES_DEBOUNCE_MS per stream. */
  private queuesSoon(connection: Connection): void {
    if (connection.queuesTimer) return;
    connection.queuesTimer = setTimeout(() => {
      connection.queuesTimer = null;
      void this.sendQueues(connection);
    }, this.config.streamQueuesDebounceMs);
  }

  private async sendQueues(connection: Connection): Promise<void> {
    if (!this.connections.has(connection)) return;
    try {
      const user = await this.userOf(connection);
      if (!user) return;
      const counts: QueueCounts = await this.queries.execute(new MyQueuesQuery(user));
      this.send(connection, 'queues', counts);
    } catch (error) {
      this.logger.warn(`queue counts for the stream failed: ${(error as Error).message}`);
    }
  }

  private async ping(): Promise<void> {
    for (const connection of [...this.connections]) {
      this.write(connection, ': ping\n\n');
      await this.userOf(connection);
    }
  }

  private send(connection: Connection, event: string, data: unknown): void {
    this.write(connection, `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
  }

  private write(connection: Connection, chunk: string): void {
    if (!this.connections.has(connection)) return;
    const { res } = connection;
    if (res.writableEnded || res.destroyed) return this.forget(connection);
    if (res.writableLength > MAX_BUFFERED_BYTES) return this.close(connection);
    res.write(chunk);
  }

  private close(connection: Connection): void {
    this.forget(connection);
    if (!connection.res.writableEnded) connection.res.end();
  }

  private forget(connection: Connection): void {
    if (connection.queuesTimer) clearTimeout(connection.queuesTimer);
    connection.queuesTimer = null;
    this.connections.delete(connection);
  }
}
