import { describe, expect, it } from '@jest/globals';
import { spawn } from 'node:child_process';
import path from 'node:path';

const ROOT = path.resolve(import.meta.dirname ?? '.', '..');

/** Runs a compiled entry point with `env` added and answers how it ended. */
function run(entry: string, env: Record<string, string>, args: string[] = []): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('node', [path.join(ROOT, entry), ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${entry} still running after 20 s:\n${stdout}\n${stderr}`));
    }, 20_000);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** The compiled processes started with a bad variable: they stop before doing anything, saying which and why. */
describe('A process started with a bad configuration', () => {
  // A database and Redis nobody listens on: a process that went past its configuration would hang or fail otherwise.
  const nowhere = { DATABASE_URL: 'postgres://postgres@127.0.0.1:1/never', REDIS_URL: 'redis://127.0.0.1:1' };

  it('the API exits with code 78 and one line naming the variable, without a stack trace', async () => {
    const { code, stdout, stderr } = await run('dist/apps/api/src/main.js', { ...nowhere, DATABASE_POOL_SIZE: 'abc' });
    expect(code).toBe(78);
    expect(stderr).toBe('配置无效，进程未启动 invalid configuration, not started:\n  DATABASE_POOL_SIZE="abc": 不是整数 not a whole number (expected an integer 1–1000)\n');
    expect(stdout).toBe('');
  });

  it('the worker names every bad variable at once', async () => {
    const { code, stderr } = await run('dist/apps/worker/src/main.js', { ...nowhere, SCORING_CONCURRENCY: '0', JOB_LOCK_MS: 'soon', WEBHOOK_URL: 'ftp://hooks.example.cn' });
    expect(code).toBe(78);
    expect(stderr).toContain('SCORING_CONCURRENCY="0": 超出范围 out of range (expected an integer 1–1000)');
    expect(stderr).toContain('JOB_LOCK_MS="soon": 不是整数 not a whole number');
    expect(stderr).toContain('WEBHOOK_URL: 协议不符 wrong scheme ftp://');
    expect(stderr).not.toMatch(/\n\s+at /);
  });

  it('the CLI refuses to set up with a flag it cannot read', async () => {
    const { code, stderr } = await run('dist/apps/cli/src/main.js', { ...nowhere, SEED_DEMO: 'no' }, ['setup']);
    expect(code).toBe(78);
    expect(stderr).toContain('SEED_DEMO="no": 须为 true 或 false (expected true or false)');
    expect(stderr).not.toMatch(/\n\s+at /);
  });
});
