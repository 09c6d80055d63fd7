import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import net from 'node:net';
import path from 'node:path';
import pg from 'pg';

const ROOT = path.resolve(import.meta.dirname ?? '.', '../..');
const ADMIN_URL = process.env.TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

/**
 * The compiled API started as a real process on its own database (created here, dropped at the end),
 * set up by the real CLI: what `npm start` does, minus the shared defaults.
 */
export class ApiProcess {
  readonly databaseName = `pe_test_${process.pid}_${randomBytes(4).toString('hex')}`;
  baseUrl = '';
  private child: ChildProcess | null = null;
  private output = '';

  get databaseUrl(): string {
    const url = new URL(ADMIN_URL);
    url.pathname = `/${this.databaseName}`;
    return url.toString();
  }

  env(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
    return {
      ...process.env,
      DATABASE_URL: this.databaseUrl,
      REDIS_URL: process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379/0',
      QUEUE_PREFIX: this.databaseName,
      LOG_LEVEL: 'warn',
      LOG_REQUESTS: 'false',
      LOGIN_RATE_LIMIT: '100000',
      DEMO_PASSWORD: 'demo1234',
      BCRYPT_ROUNDS: '4',
      ...extra,
    };
  }

  async start(extra: Record<string, string> = {}): Promise<this> {
    execFileSync('node', [path.join(ROOT, 'dist/apps/cli/src/main.js'), 'setup'], { env: this.env(extra), stdio: 'pipe' });
    const port = await freePort();
    this.baseUrl = `http://127.0.0.1:${port}`;
    this.child = spawn('node', [path.join(ROOT, 'dist/apps/api/src/main.js')], { env: this.env({ PORT: String(port), ...extra }), stdio: ['ignore', 'pipe', 'pipe'] });
    this.child.stdout?.on('data', (d) => (this.output += d));
    this.child.stderr?.on('data', (d) => (this.output += d));
    await this.waitUntilHealthy();
    return this;
  }

  cli(args: string[]): string {
    return execFileSync('node', [path.join(ROOT, 'dist/apps/cli/src/main.js'), ...args], { env: this.env(), stdio: 'pipe' }).toString();
  }

  async stop(): Promise<void> {
    if (this.child && this.child.exitCode === null) {
      const exited = new Promise((resolve) => this.child!.once('exit', resolve));
      this.child.kill('SIGTERM');
      await exited;
    }
    const admin = new pg.Client({ connectionString: ADMIN_URL });
    await admin.connect();
    await admin.query(`DROP DATABASE IF EXISTS "${this.databaseName}" WITH (FORCE)`);
    await admin.end();
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

  private async waitUntilHealthy(): Promise<void> {
    const until = Date.now() + 30_000;
    while (Date.now() < until) {
      if (this.child?.exitCode !== null) throw new Error(`API exited early:\n${this.output}`);
      try {
        const res = await fetch(`${this.baseUrl}/api/health`);
        if (res.ok) return;
      } catch {
        // not listening yet
      }
      await new Promise((r) => setTimeout(r, 150));
    }
    throw new Error(`API did not become healthy:\n${this.output}`);
  }
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
