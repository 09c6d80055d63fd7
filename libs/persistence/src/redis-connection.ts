import { Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { Redis } from 'ioredis';

export const DEFAULT_REDIS_URL = 'redis://127.0.0.1:6379';

export function redisUrl(): string {
  return process.env.REDIS_URL ?? DEFAULT_REDIS_URL;
}

/** BullMQ needs `maxRetriesPerRequest: null` on the connections its workers block on. */
export function redisOptions() {
  return { maxRetriesPerRequest: null, enableReadyCheck: true, lazyConnect: false } as const;
}

@Injectable()
export class RedisConnection implements OnApplicationShutdown {
  readonly client = new Redis(redisUrl(), { ...redisOptions(), maxRetriesPerRequest: 1 });

  async onApplicationShutdown(): Promise<void> {
    await this.client.quit().catch(() => undefined);
  }
}
