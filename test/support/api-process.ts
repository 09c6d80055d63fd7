import { spawn, execFile, execFileSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import net from 'node:net';
import path from 'node:path';
import pg from 'pg';
import { Redis } from 'ioredis';

const ROOT = path.resolve(import.meta.dirname ?? '.', '../..');
/** The API runs as `npm run start:api`, `npm start` and the container run it: with its heap bounded (API_HEAP_MB, default 384). */
export const API_NODE_ARGS = [`--max-old-space-size=${process.env.API_HEAP_MB || 384}`];
const ADMIN_URL = process.env.TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

/** Where the processes find PostgreSQL and Redis: the machine's (shared, as for npm test) or a test's own. */
export interface ServiceUrls {
  /** Node flags for the API process beyond API_NODE_ARGS (a test's diagnostics, e.g. `--trace-gc`). */
  apiNodeArgs?: string[];
  /** A PostgreSQL URL to the `postgres` database, to create and drop the test's database. */
  postgresAdminUrl?: string;
  redisUrl?: string;
}

/**
 * The compiled API started as a real process on its own database (created here, dropped at the end),
 * set up by the real CLI: what `npm start` does, minus the shared defaults.
 */
export class ApiProcess {
  readonly databaseName = `pe_test_${process.pid}_${randomBytes(4).toString('hex')}`;
  baseUrl = '';
  private child: ChildProcess | null = null;
  private workers: ChildProcess[] = [];
  private moreApis: ChildProcess[] = [];
  private output = '';
  private readonly adminUrl: string;
  private readonly apiNodeArgs: string[];
  private readonly redisUrl: string;

  constructor(services: ServiceUrls = {}) {
    this.adminUrl = services.postgresAdminUrl ?? ADMIN_URL;
    this.apiNodeArgs = [...API_NODE_ARGS, ...(services.apiNodeArgs ?? [])];
    this.redisUrl = services.redisUrl ?? process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379/0';
  }

  get databaseUrl(): string {
    const url = new URL(this.adminUrl);
    url.pathname = `/${this.databaseName}`;
    return url.toString();
  }

  env(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
    return {
      ...process.env,
      DATABASE_URL: this.databaseUrl,
      REDIS_URL: this.redisUrl,
      QUEUE_PREFIX: this.databaseName,
      LOG_LEVEL: 'warn',
      LOG_REQUESTS: 'false',
      LOGIN_RATE_LIMIT: '100000',
      DEMO_PASSWORD: 'demo1234',
      BCRYPT_ROUNDS: '4',
      ...extra,
    };
  }

  /** Setup, then the API and (unless `withWorker` is false) one worker, as `npm start` runs them. */
  async start(extra: Record<string, string> = {}, withWorker = true): Promise<this> {
    execFileSync('node', [path.join(ROOT, 'dist/apps/cli/src/main.js'), 'setup'], { env: this.env(extra), stdio: 'pipe' });
    const port = await freePort();
    this.baseUrl = `http://127.0.0.1:${port}`;
    this.extra = { PORT: String(port), ...extra };
    this.spawnApi();
    if (withWorker) this.startWorker();
    await this.waitUntilHealthy(withWorker);
    return this;
  }

  private spawnApi(): void {
    this.child = spawn('node', [...this.apiNodeArgs, path.join(ROOT, 'dist/apps/api/src/main.js')], { env: this.env(this.extra), stdio: ['ignore', 'pipe', 'pipe'] });
    this.child.stdout?.on('data', (d) => (this.output += d));
    this.child.stderr?.on('data', (d) => (this.output += d));
  }

  /** Stops the API process started by start() with `signal` (SIGKILL: as a crash) and answers how it exited. */
  async stopApi(signal: NodeJS.Signals): Promise<{ code: number | null; signal: NodeJS.Signals | null; at: number }> {
    const child = this.child!;
    return new Promise((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve({ code: child.exitCode, signal: child.signalCode as NodeJS.Signals | null, at: Date.now() });
      child.once('exit', (code, sig) => resolve({ code, signal: sig, at: Date.now() }));
      child.kill(signal);
    });
  }

  /** Starts the API again on the same port (after stopApi), and waits until it answers. */
  async restartApi(): Promise<void> {
    this.spawnApi();
    const until = Date.now() + 30_000;
    for (;;) {
      if (this.child?.exitCode !== null) throw new Error(`API exited early:\n${this.output.slice(-3000)}`);
      try {
        if ((await fetch(`${this.baseUrl}/api/vocabulary`)).ok) return;
      } catch {
        // not listening yet
      }
      if (Date.now() > until) throw new Error(`API did not restart:\n${this.output.slice(-3000)}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  private extra: Record<string, string> = {};
  private lastHealth = 'none';

  /** What the processes have printed so far (stdout and stderr of API, workers and other APIs). */
  get log(): string {
    return this.output;
  }

  /** The API process started by start(). */
  get apiProcess(): ChildProcess {
    return this.child!;
  }

  /** Another API process on the same database and Redis prefix (as behind a load balancer). */
  async startAnotherApi(extra: Record<string, string> = {}): Promise<string> {
    const port = await freePort();
    const child = spawn('node', [...this.apiNodeArgs, path.join(ROOT, 'dist/apps/api/src/main.js')], { env: this.env({ ...this.extra, ...extra, PORT: String(port) }), stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout?.on('data', (d) => (this.output += d));
    child.stderr?.on('data', (d) => (this.output += d));
    this.moreApis.push(child);
    const baseUrl = `http://127.0.0.1:${port}`;
    const until = Date.now() + 30_000;
    for (;;) {
      if (child.exitCode !== null) throw new Error(`API exited early:\n${this.output}`);
      try {
        if ((await fetch(`${baseUrl}/api/vocabulary`)).ok) return baseUrl;
      } catch {
        // not listening yet
      }
      if (Date.now() > until) throw new Error(`API did not start:\n${this.output}`);
      await new Promise((r) => setTimeout(r, 150));
    }
  }

  /** Another worker process; tests may kill it (SIGKILL) and start a new one. */
  startWorker(extra: Record<string, string> = {}): ChildProcess {
    const worker = spawn('node', [path.join(ROOT, 'dist/apps/worker/src/main.js')], { env: this.env({ ...this.extra, ...extra }), stdio: ['ignore', 'pipe', 'pipe'] });
    worker.stdout?.on('data', (d) => (this.output += d));
    worker.stderr?.on('data', (d) => (this.output += d));
    this.workers.push(worker);
    return worker;
  }

  /** Stops every worker with `signal` and answers how each exited. */
  async stopWorkers(signal: NodeJS.Signals): Promise<{ code: number | null; signal: NodeJS.Signals | null }[]> {
    const exits = await Promise.all(
      this.workers.map(
        (w) =>
          new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
            if (w.exitCode !== null || w.signalCode !== null) return resolve({ code: w.exitCode, signal: w.signalCode as NodeJS.Signals | null });
            w.once('exit', (code, sig) => resolve({ code, signal: sig }));
            w.kill(signal);
          }),
      ),
    );
    this.workers = [];
    return exits;
  }

  async killWorkers(signal: NodeJS.Signals): Promise<void> {
    await Promise.all(this.workers.map((w) => stopProcess(w, signal)));
    this.workers = [];
  }

  get logs(): string {
    return this.output;
  }

  /** Waits until every committed event has been relayed and every evaluation scored for its current form. */
  async settled(timeoutMs = 30_000): Promise<void> {
    const until = Date.now() + timeoutMs;
    while (Date.now() < until) {
      const [row] = await this.query<{ outbox: string; unscored: string }>(
        `SELECT (SELECT count(*) FROM outbox WHERE dispatched_at IS NULL) AS outbox,
                (SELECT count(*) FROM evaluations WHERE scored_version IS DISTINCT FROM form_version) AS unscored`,
      );
      if (row.outbox === '0' && row.unscored === '0') return;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`The workers did not settle in ${timeoutMs} ms:\n${this.output.slice(-3000)}`);
  }

  cli(args: string[]): string {
    return execFileSync('node', [path.join(ROOT, 'dist/apps/cli/src/main.js'), ...args], { env: this.env(), stdio: 'pipe' }).toString();
  }

  /** The CLI without blocking this process (requests of the test go on meanwhile). */
  cliAsync(args: string[], extra: Record<string, string> = {}): Promise<string> {
    return new Promise((resolve, reject) => {
      execFile('node', [path.join(ROOT, 'dist/apps/cli/src/main.js'), ...args], { env: this.env({ ...this.extra, ...extra }) }, (error, stdout, stderr) => {
        if (error) reject(Object.assign(error, { stderr }));
        else resolve(stdout);
      });
    });
  }

  async stop(): Promise<void> {
    await Promise.all([this.child, ...this.moreApis, ...this.workers].map((p) => (p ? stopProcess(p) : undefined)));
    await this.cleanUp();
  }

  /** Drops the database and the Redis keys of this test (each only if its server still runs). */
  private async cleanUp(): Promise<void> {
    const redis = new Redis(this.redisUrl, { maxRetriesPerRequest: 1, retryStrategy: () => null, lazyConnect: true });
    redis.on('error', () => undefined);
    try {
      await redis.connect();
    } catch {
      redis.disconnect();
      await this.dropDatabase();
      return;
    }
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${this.databaseName}:*`, 'COUNT', 1000);
      if (keys.length) await redis.del(...keys);
      cursor = next;
    } while (cursor !== '0');
    await redis.quit();
    await this.dropDatabase();
  }

  private async dropDatabase(): Promise<void> {
    const admin = new pg.Client({ connectionString: this.adminUrl });
    admin.on('error', () => undefined);
    try {
      await admin.connect();
      await admin.query(`DROP DATABASE IF EXISTS "${this.databaseName}" WITH (FORCE)`);
    } catch {
      // a private PostgreSQL already stopped: its directory goes with it
    } finally {
      await admin.end().catch(() => undefined);
    }
  }

  async query<T>(sql: string, params: unknown[] = []): Promise<T[]> {
    const client = new pg.Client({ connectionString: this.databaseUrl });
    await client.connect();
    try {
      return (await client.query(sql, params)).rows as T[];
    } finally {
      await client.end();
    }
  }

  private async waitUntilHealthy(withWorker: boolean): Promise<void> {
    // Generous: on a 2-core machine under other test runs, API and worker take 10-40 s to start (each loads its libs).
    const until = Date.now() + 90_000;
    while (Date.now() < until) {
      if (this.child?.exitCode !== null) throw new Error(`API exited early:\n${this.output}`);
      try {
        const res = await fetch(`${this.baseUrl}/api/health`);
        const body = (await res.json()) as HealthBody;
        this.lastHealth = JSON.stringify(body).slice(0, 400);
        const dependencies = body.dependencies ?? body.details?.dependencies;
        const up = (name: string) => dependencies?.[name]?.status === 'up';
        if (up('database') && up('redis') && (!withWorker || up('worker'))) return;
      } catch {
        // not listening yet
      }
      await new Promise((r) => setTimeout(r, 150));
    }
    throw new Error(`API did not become healthy in 90 s (last health answer: ${this.lastHealth}):\n${this.output}`);
  }
}

interface HealthBody {
  dependencies?: Record<string, { status: string }>;
  details?: { dependencies?: Record<string, { status: string }> };
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });
}

export function stopProcess(child: ChildProcess, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill(signal);
  });
}
