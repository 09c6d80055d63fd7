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
  readonly redis = new PrivateRedis();
  api!: ApiProcess;

  async start(env: Record<string, string> = {}, withWorker = true): Promise<this> {
    await Promise.all([this.postgres.start(), this.redis.start()]);
    this.api = new ApiProcess({ postgresAdminUrl: this.postgres.url('postgres'), redisUrl: this.redis.url });
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

  /** Waits for the worker to catch up, then checks every invariant; answers the report (violations listed). */
  async invariants(options: { deliveriesSettled?: boolean; settleMs?: number } = {}): Promise<InvariantReport & { settledInMs: number }> {
    const settledInMs = await settled((sql, params) => this.query(sql, params), options.settleMs ?? 60_000);
    return { ...(await checkInvariants((sql, params) => this.query(sql, params), options)), settledInMs };
  }

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
