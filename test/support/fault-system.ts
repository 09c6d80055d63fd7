import { ApiProcess } from './api-process.js';
import { ApiClient } from './api-client.js';
import { PrivatePostgres, PrivateRedis } from './private-services.js';
import { checkInvariants, settled, type InvariantReport } from './invariants.js';

/**
 * The system under a fault: a PostgreSQL cluster and a Redis server of its own (free ports, temporary
 * directories: the machine's services are never stopped), the compiled API and worker as child processes.
 */
export class FaultSystem {
  readonly postgres = new PrivatePostgres();
  readonly redis = new PrivateRedis({ appendOnly: true });
  api!: ApiProcess;

  async start(env: Record<string, string> = {}, withWorker = true, apiNodeArgs: string[] = []): Promise<this> {
    await Promise.all([this.postgres.start(), this.redis.start()]);
    this.api = new ApiProcess({ postgresAdminUrl: this.postgres.url('postgres'), redisUrl: this.redis.url, apiNodeArgs });
    await this.api.start(env, withWorker);
    return this;
  }

  get baseUrl(): string {
    return this.api.baseUrl;
  }

  login(username: string, password?: string): Promise<ApiClient> {
    return ApiClient.login(this.api.baseUrl, username, password);
  }

  query<T>(sql: string, params: unknown[] = []): Promise<T[]> {
    return this.api.query<T>(sql, params);
  }

  /** Waits until the worker has caught up with everything (outbox, scores, deliveries, queued jobs); answers how long it took. */
  async settled(timeoutMs = 60_000): Promise<number> {
    this.admin ??= await this.login('admin');
    const admin = this.admin;
    return settled((sql, params) => this.query(sql, params), timeoutMs, async () => {
      const res = await admin.get('/api/admin/queues');
      if (res.status !== 200) return -1;
      return (res.body as { queue: string; counts: Record<string, number> }[])
        .filter((q) => q.queue !== 'reminders')
        .reduce((n, q) => n + q.counts.waiting + q.counts.active + q.counts.delayed, 0);
    });
  }

  /** Waits for the worker to catch up, then checks every invariant (and that no job ran out of retries); answers the report. */
  async invariants(options: { deliveriesSettled?: boolean; settleMs?: number } = {}): Promise<InvariantReport & { settledInMs: number }> {
    const settledInMs = await this.settled(options.settleMs ?? 60_000);
    const report = await checkInvariants((sql, params) => this.query(sql, params), options);
    const failed = (await this.admin!.get('/api/admin/failed-jobs')).body as { queue: string; failedReason: string }[];
    for (const job of failed) report.violations.push(`job of ${job.queue} out of retries: ${job.failedReason}`);
    return { ...report, settledInMs };
  }

  private admin: ApiClient | null = null;

  async stop(): Promise<void> {
    await this.api?.stop().catch(() => undefined);
    await this.redis.destroy().catch(() => undefined);
    this.postgres.destroy();
  }
}

/** One line of the suite's figures, printed and kept for the note (fault-figures.jsonl when FAULT_FIGURES is set). */
export async function figure(scenario: string, figures: Record<string, unknown>): Promise<void> {
  console.log(`FAULT ${scenario}: ${JSON.stringify(figures)}`);
  if (process.env.FAULT_FIGURES) {
    const { appendFileSync } = await import('node:fs');
    appendFileSync(process.env.FAULT_FIGURES, `${JSON.stringify({ scenario, at: new Date().toISOString(), ...figures })}\n`);
  }
}
