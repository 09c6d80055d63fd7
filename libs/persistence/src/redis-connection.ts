import { Injectable, type OnApplicationShutdown } from '@nestjs/common';
import type { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { AppConfig } from '#perf-eval/config';
import { DependencyUnavailableError, redisUnavailable } from './dependency-unavailable.js';

/** BullMQ needs `maxRetriesPerRequest: null` on the connections its workers block on. */
export function redisOptions() {
  return { maxRetriesPerRequest: null, enableReadyCheck: true, lazyConnect: false } as const;
}

/**
 * The API's queues only add and read jobs: while Redis is away their commands fail at once instead of
 * waiting in ioredis' offline queue (and being run later, after the request was already answered).
 */
export function producerRedisOptions(commandTimeoutMs: number) {
  return {
    maxRetriesPerRequest: 1,
    enableOfflineQueue: false,
    enableReadyCheck: true,
    commandTimeout: commandTimeoutMs,
    // BullMQ's own default waits up to 20 s between reconnections; the API should be back soon after Redis is.
    retryStrategy: (times: number) => Math.min(times * 200, 2_000),
  };
}

@Injectable()
export class RedisConnection implements OnApplicationShutdown {
  readonly client: Redis;

  constructor(config: AppConfig) {
    // A command of a request that Redis has not answered by REDIS_COMMAND_TIMEOUT_MS has failed (a hung or unreachable Redis).
    this.client = new Redis(config.redisUrl, { ...redisOptions(), maxRetriesPerRequest: 1, commandTimeout: config.redisCommandTimeoutMs });
    // Errors are reported through the commands that fail and through /api/health; unhandled, ioredis would print each one.
    this.client.on('error', () => undefined);
  }

  get available(): boolean {
    return this.client.status === 'ready';
  }

  /** Runs commands for a request: refused at once while Redis is not connected, never left waiting. */
  async run<T>(commands: (client: Redis) => Promise<T>): Promise<T> {
    if (!this.available) throw new DependencyUnavailableError('redis', `connection ${this.client.status}`);
    try {
      return await commands(this.client);
    } catch (error) {
      throw redisUnavailable(error) ?? error;
    }
  }

  async onApplicationShutdown(): Promise<void> {
    await this.client.quit().catch(() => undefined);
  }
}

/** Refuses at once when a queue's connection is not up (BullMQ would otherwise wait for it). */
export async function queueReady(queue: Queue): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const client = await Promise.race([
    queue.getBackend().client.catch(() => null),
    new Promise<null>((resolve) => (timer = setTimeout(() => resolve(null), 500))),
  ]).finally(() => clearTimeout(timer));
  const status = (client as { status?: string } | null)?.status;
  if (status !== 'ready') throw new DependencyUnavailableError('redis', `queue connection ${status ?? 'not connected'}`);
}
