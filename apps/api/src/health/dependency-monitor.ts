import { Injectable, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AppConfig } from '#perf-eval/config';
import { RedisConnection, workersKey, workersLastBeatKey, databaseUnavailable, shortReason, type Dependency, pingDatabase } from '#perf-eval/persistence';

/** A worker that has not beaten for this long counts as gone (it beats every 5 s). */
const WORKER_SILENCE_MS = 20_000;
const PROBE_TIMEOUT_MS = 2_000;

export type DependencyName = Dependency | 'worker';

export interface DependencyReport {
  status: 'up' | 'down' | 'unknown';
  /** Since when it has been in this status, as far as this API process has seen (ISO instant). */
  since: string | null;
  /** Why it is down, without addresses or secrets (e.g. ECONNREFUSED). */
  reason?: string;
  latencyMs?: number;
  /** Worker only: how many beat within the last 20 s, and the last beat of any. */
  workers?: number;
  lastBeatAt?: string | null;
}

export interface HealthReport {
  status: 'up' | 'down';
  checkedAt: string;
  dependencies: Record<DependencyName, DependencyReport>;
}

interface State {
  status: DependencyReport['status'];
  since: number;
  reason?: string;
}

/**
 * What this API process knows of PostgreSQL, Redis and the worker, and since when: probed every
 * HEALTH_PROBE_MS and on every /api/health, and told by the Redis connection's events and by requests
 * that failed for want of a dependency (so `since` is the first failure seen, not the first health check).
 */
@Injectable()
export class DependencyMonitor implements OnModuleInit, OnModuleDestroy {
  private readonly states = new Map<DependencyName, State>();
  private readonly extra = new Map<DependencyName, Partial<DependencyReport>>();
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly dataSource: DataSource,
    private readonly redis: RedisConnection,
    private readonly config: AppConfig,
  ) {}

  onModuleInit(): void {
    this.redis.client.on('ready', () => this.mark('redis', 'up'));
    this.redis.client.on('close', () => this.mark('redis', 'down', 'connection closed'));
    this.redis.client.on('error', (error: Error) => this.mark('redis', 'down', shortReason(error.message)));
    this.timer = setInterval(() => void this.check().catch(() => undefined), this.config.healthProbeMs);
    this.timer.unref();
  }

  onModuleDestroy(): void {
    if (this.timer) clearInterval(this.timer);
  }

  /** Records a status; `since` moves only when the status changes. */
  mark(name: DependencyName, status: State['status'], reason?: string, at = Date.now()): void {
    const current = this.states.get(name);
    if (current?.status === status) {
      if (reason && status !== 'up') current.reason = reason;
      return;
    }
    this.states.set(name, { status, since: at, reason: status === 'up' ? undefined : reason });
  }

  async check(): Promise<HealthReport> {
    await Promise.all([this.probeDatabase(), this.probeRedis()]);
    await this.probeWorker();
    const dependencies = Object.fromEntries(
      (['database', 'redis', 'worker'] as const).map((name) => {
        const state = this.states.get(name) ?? { status: 'unknown' as const, since: Date.now() };
        return [name, { status: state.status, since: new Date(state.since).toISOString(), ...(state.reason ? { reason: state.reason } : {}), ...this.extra.get(name) }];
      }),
    ) as Record<DependencyName, DependencyReport>;
    const up = Object.values(dependencies).every((d) => d.status === 'up');
    return { status: up ? 'up' : 'down', checkedAt: new Date().toISOString(), dependencies };
  }

  private async probeDatabase(): Promise<void> {
    const started = Date.now();
    try {
      await withTimeout(pingDatabase(this.dataSource), PROBE_TIMEOUT_MS);
      this.mark('database', 'up');
      this.extra.set('database', { latencyMs: Date.now() - started });
    } catch (error) {
      this.mark('database', 'down', databaseUnavailable(error)?.reason ?? shortReason((error as Error).message));
      this.extra.set('database', {});
    }
  }

  private async probeRedis(): Promise<void> {
    const started = Date.now();
    try {
      await this.redis.run((client) => client.ping());
      this.mark('redis', 'up');
      this.extra.set('redis', { latencyMs: Date.now() - started });
    } catch (error) {
      this.mark('redis', 'down', (error as { reason?: string }).reason ?? shortReason((error as Error).message));
      this.extra.set('redis', {});
    }
  }

  private async probeWorker(): Promise<void> {
    if (this.states.get('redis')?.status !== 'up') {
      this.mark('worker', 'unknown', 'Redis 不可用，无法读取后台任务进程的心跳');
      this.extra.set('worker', { lastBeatAt: null });
      return;
    }
    try {
      const now = Date.now();
      const [alive, lastBeat] = await this.redis.run((client) => Promise.all([client.zcount(workersKey(this.config.queuePrefix), now - WORKER_SILENCE_MS, '+inf'), client.get(workersLastBeatKey(this.config.queuePrefix))]));
      const lastBeatAt = lastBeat ? Number(lastBeat) : null;
      if (alive > 0) this.mark('worker', 'up');
      // Silent since its last beat, when there was one.
      else this.mark('worker', 'down', '没有运行中的后台任务进程（无心跳）', lastBeatAt ?? now);
      this.extra.set('worker', { workers: alive, lastBeatAt: lastBeatAt ? new Date(lastBeatAt).toISOString() : null });
    } catch (error) {
      this.mark('worker', 'unknown', (error as { reason?: string }).reason ?? shortReason((error as Error).message));
      this.extra.set('worker', { lastBeatAt: null });
    }
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([promise, new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error('timeout')), ms)))]).finally(() => clearTimeout(timer));
}
