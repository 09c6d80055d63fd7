import { Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import { Redis } from 'ioredis';
import { AppConfig } from '#perf-eval/config';
import { liveChannels, type LiveEvaluationChange, type LiveNotification } from './live-messages.js';

/**
 * Publishes live hints after commit (the API after a command, the worker after storing notifications).
 * Never fails or slows the caller: publishing is fire-and-forget and a failure is only logged.
 */
@Injectable()
export class LivePublisher implements OnApplicationShutdown {
  private readonly logger = new Logger(LivePublisher.name);
  private readonly channels: ReturnType<typeof liveChannels>;
  private client: Redis | null = null;

  constructor(private readonly config: AppConfig) {
    this.channels = liveChannels(config.queuePrefix);
  }

  /** Call after the transaction that made the changes has committed. */
  evaluationsChanged(changes: readonly LiveEvaluationChange[]): void {
    this.publishAll(this.channels.evaluations, changes);
  }

  /** Call after the transaction that stored the notifications has committed. */
  notificationsStored(notifications: readonly LiveNotification[]): void {
    this.publishAll(this.channels.notifications, notifications);
  }

  async onApplicationShutdown(): Promise<void> {
    // QUIT is answered after the publications queued before it.
    await this.client?.quit().catch(() => undefined);
    this.client = null;
  }

  /** One message per hint; many (a reminder tick stores thousands) go out as one pipeline, one promise. */
  private publishAll(channel: string, messages: readonly object[]): void {
    if (messages.length === 0) return;
    if (!this.client) {
      this.client = new Redis(this.config.redisUrl, { maxRetriesPerRequest: 1 });
      this.client.on('error', (error: Error) => this.logger.debug(`live publisher: ${error.message}`));
    }
    const warn = (error: Error) => this.logger.warn(`live hint not published: ${error.message}`);
    if (messages.length === 1) {
      this.client.publish(channel, JSON.stringify(messages[0])).catch(warn);
      return;
    }
    const pipeline = this.client.pipeline();
    for (const message of messages) pipeline.publish(channel, JSON.stringify(message));
    pipeline.exec().catch(warn);
  }
}
