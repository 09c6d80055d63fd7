import { hostname } from 'node:os';
import { Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { AppConfig } from '#perf-eval/config';
import { RedisConnection, workersKey, workersLastBeatKey } from '#perf-eval/persistence';

export const HEARTBEAT_EVERY_MS = 5_000;
/** A worker silent for a week is forgotten (its id left in the set by a kill -9). */
const LAST_BEAT_KEPT_MS = 7 * 24 * 3600_000;

/** Tells /api/health that a worker is alive: a sorted set of worker ids scored by their last beat. */
@Injectable()
export class Heartbeat implements OnApplicationBootstrap, OnApplicationShutdown {
  private timer: NodeJS.Timeout | null = null;
  private readonly id = `${hostname()}:${process.pid}`;
  private readonly workers: string;
  private readonly lastBeat: string;

  constructor(
    private readonly redis: RedisConnection,
    config: AppConfig,
  ) {
    this.workers = workersKey(config.queuePrefix);
    this.lastBeat = workersLastBeatKey(config.queuePrefix);
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.beat();
    this.timer = setInterval(() => void this.beat().catch(() => undefined), HEARTBEAT_EVERY_MS);
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.redis.client
      .multi()
      .zrem(this.workers, this.id)
      .set(this.lastBeat, String(Date.now()), 'PX', LAST_BEAT_KEPT_MS)
      .exec()
      .catch(() => undefined);
  }

  private async beat(): Promise<void> {
    const now = Date.now();
    await this.redis.client
      .multi()
      .zadd(this.workers, now, this.id)
      .zremrangebyscore(this.workers, '-inf', now - LAST_BEAT_KEPT_MS)
      .set(this.lastBeat, String(now), 'PX', LAST_BEAT_KEPT_MS)
      .exec();
  }
}
