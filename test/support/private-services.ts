import { execFileSync } from 'node:child_process';
import { chownSync, mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

/**
 * A Redis and a PostgreSQL of a test's own, to stop and start in fault tests: the machine's services
 * on 6379 and 5432 are shared with everyone else's test runs and are never touched.
 */
export class PrivateRedis {
  private readonly dir = mkdtempSync(path.join(os.tmpdir(), 'pe-redis-'));
  port = 0;

  /** `appendOnly`: as production runs it (AOF), so that queued jobs survive a stop and start. */
  constructor(private readonly options: { appendOnly?: boolean } = {}) {}

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  async start(): Promise<this> {
    if (!this.port) this.port = await freePort();
    execFileSync('redis-server', ['--port', String(this.port), '--bind', '127.0.0.1', '--dir', this.dir, '--save', '', '--appendonly', this.options.appendOnly ? 'yes' : 'no', '--maxmemory-policy', 'noeviction', '--daemonize', 'yes', '--pidfile', path.join(this.dir, 'redis.pid'), '--logfile', path.join(this.dir, 'redis.log')]);
    await waitFor(() => canConnect(this.port), 10_000, `redis on ${this.port}`);
    return this;
  }

  async stop(): Promise<void> {
    try {
      execFileSync('redis-cli', ['-p', String(this.port), 'shutdown', 'nosave'], { stdio: 'pipe' });
    } catch {
      // the connection drops as the server goes away; already stopped is fine too
    }
    await waitFor(async () => !(await canConnect(this.port)), 10_000, `redis on ${this.port} to stop`);
  }

  async destroy(): Promise<void> {
    await this.stop();
    rmSync(this.dir, { recursive: true, force: true });
  }
}

const PG_BIN = '/usr/lib/postgresql/15/bin';

export class PrivatePostgres {
  private readonly dir = mkdtempSync(path.join(os.tmpdir(), 'pe-pg-'));
  private readonly data = path.join(this.dir, 'data');
  port = 0;

  url(database: string): string {
    return `postgres://postgres@127.0.0.1:${this.port}/${database}`;
  }

  async start(): Promise<this> {
    if (!this.port) {
      this.port = await freePort();
      chownSync(this.dir, ...postgresIds());
      this.asPostgres(`${PG_BIN}/initdb`, ['-D', this.data, '-U', 'postgres', '-A', 'trust', '--no-sync', '-E', 'UTF8', '--locale', 'C']);
    }
    this.asPostgres(`${PG_BIN}/pg_ctl`, ['-D', this.data, '-l', path.join(this.dir, 'log'), '-w', '-t', '30', '-o', `-p ${this.port} -k ${this.dir} -c listen_addresses=127.0.0.1 -c fsync=off`, 'start']);
    return this;
  }

  stop(): void {
    this.asPostgres(`${PG_BIN}/pg_ctl`, ['-D', this.data, '-w', '-t', '30', '-m', 'fast', 'stop']);
  }

  destroy(): void {
    try {
      this.stop();
    } catch {
      // not running
    }
    rmSync(this.dir, { recursive: true, force: true });
  }

  private asPostgres(command: string, args: string[]): void {
    if (process.getuid?.() === 0) execFileSync('runuser', ['-u', 'postgres', '--', command, ...args], { stdio: 'pipe' });
    else execFileSync(command, args, { stdio: 'pipe' });
  }
}

function postgresIds(): [number, number] {
  if (process.getuid?.() !== 0) return [process.getuid!(), process.getgid!()];
  return [Number(execFileSync('id', ['-u', 'postgres'])), Number(execFileSync('id', ['-g', 'postgres']))];
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

async function waitFor(probe: () => Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!(await probe())) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
