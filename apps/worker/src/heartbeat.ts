import { hostname } from 'node:os';
import { Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { RedisConnection } from '../../../libs/persistence/src/redis-connection.js';
import { workersKey } from '../../../libs/persistence/src/queues.js';

export const HEARTBEAT_EVERY_MS = 5_000;

/** Tells /api/health that a worker is alive: a sorted set of worker ids scored by their last beat. */
@Injectable()
export class Heartbeat implements OnApplicationBootstrap, OnApplicationShutdown {
  private timer: NodeJS.Timeout | null = null;
  private readonly id = `${hostname()}:${process.pid}`;

  constructor(private readonly redis: RedisConnection) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.beat();
    this.timer = setInterval(() => void this.beat().catch(() => undefined), HEARTBEAT_EVERY_MS);
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.redis.client.zrem(workersKey(), this.id).catch(() => undefined);
  }

  private async beat(): Promise<void> {
    await this.redis.client.zadd(workersKey(), Date.now(), this.id);
  }
}
