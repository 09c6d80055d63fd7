// Helpers of `npm run bench`: HTTP load, latency statistics, CPU accounting of processes, child processes.
import http from 'node:http';
import fs from 'node:fs';
import { spawn } from 'node:child_process';

/** A keep-alive HTTP client of the API under test; `max` sockets (one per virtual client). */
export function httpClient(port, max = 128) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: max });
  function call(method, url, token, body, contentType = 'application/json') {
    const payload = body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body);
    return new Promise((resolve, reject) => {
      const headers = { ...(token ? { authorization: `Bearer ${token}` } : {}) };
      if (payload !== undefined) Object.assign(headers, { 'content-type': contentType, 'content-length': Buffer.byteLength(payload) });
      const req = http.request({ host: '127.0.0.1', port, path: url, method, agent, headers }, (res) => {
        const chunks = [];
        res.on('data', (c) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let parsed = null;
          try {
            parsed = text ? JSON.parse(text) : null;
          } catch {
            parsed = text;
          }
          resolve({ status: res.statusCode, body: parsed });
        });
        res.on('error', reject);
      });
      req.on('error', reject);
      if (payload !== undefined) req.write(payload);
      req.end();
    });
  }
  return { call, destroy: () => agent.destroy() };
}

/** Runs `clients` closed loops of `step(i)` for `seconds`; answers throughput, latency percentiles and status counts. */
export async function closedLoop(clients, seconds, step, stopped = () => false) {
  const latencies = [];
  const statuses = {};
  const started = performance.now();
  const until = started + seconds * 1000;
  await Promise.all(
    Array.from({ length: clients }, async (_, i) => {
      while (performance.now() < until && !stopped()) {
        const t0 = performance.now();
        let status;
        try {
          status = await step(i);
        } catch (error) {
          status = `error:${error.code ?? error.message}`;
        }
        latencies.push(performance.now() - t0);
        statuses[status] = (statuses[status] ?? 0) + 1;
      }
    }),
  );
  const elapsed = (performance.now() - started) / 1000;
  return { ...latencyStats(latencies), perSecond: latencies.length / elapsed, count: latencies.length, statuses, seconds: elapsed };
}

export function latencyStats(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const pct = (p) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] : NaN);
  return { p50: pct(50), p95: pct(95), p99: pct(99), max: sorted.at(-1) ?? NaN, n: sorted.length };
}

export function median(values) {
  const s = values.filter((v) => Number.isFinite(v)).sort((a, b) => a - b);
  if (s.length === 0) return NaN;
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

/** Median and spread (min–max) of repeated measurements. */
export function summarize(values) {
  const finite = values.filter((v) => Number.isFinite(v));
  return { median: median(finite), min: Math.min(...finite), max: Math.max(...finite), runs: finite };
}

const TICKS = 100; // USER_HZ on Linux

/** CPU seconds (user + system) a process has used so far; 0 when it is gone. */
export function cpuSeconds(pid) {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / TICKS;
  } catch {
    return 0;
  }
}

/** Resident memory of a process now and at its peak, in MB. */
export function memoryMb(pid) {
  try {
    const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (key) => Number(new RegExp(`^${key}:\\s+(\\d+)`, 'm').exec(status)?.[1] ?? NaN);
    return { rss: kb('VmRSS') / 1024, peak: kb('VmHWM') / 1024 };
  } catch {
    return { rss: NaN, peak: NaN };
  }
}

/** Busy CPU seconds of the whole machine so far (all cores; /proc/stat, user+nice+system+irq+softirq+steal). */
export function machineBusySeconds() {
  const [cpu] = fs.readFileSync('/proc/stat', 'utf8').split('\n');
  const [, user, nice, system, , , irq, softirq, steal] = cpu.trim().split(/\s+/).map(Number);
  return (user + nice + system + irq + softirq + steal) / TICKS;
}

/**
 * CPU used during a phase by the API, the worker, this load generator and the PostgreSQL backends that
 * serve the benchmark's database (the WAL writer and checkpointer are shared with the machine and left out),
 * and by everything else on the machine (`others`, in cores: other people's test suites, for instance).
 * `extraPids` names processes to count as PostgreSQL that may be gone by the end (read them before they go).
 */
export async function cpuMeter(admin, db, pids) {
  const backends = async () => (await admin.query('SELECT pid FROM pg_stat_activity WHERE datname = $1', [db])).rows.map((r) => r.pid);
  const started = performance.now();
  const machine = machineBusySeconds();
  const start = { own: process.cpuUsage(), procs: Object.fromEntries(Object.entries(pids()).map(([k, list]) => [k, list.map(cpuSeconds)])), pg: new Map() };
  for (const pid of await backends()) start.pg.set(pid, cpuSeconds(pid));
  const seen = new Map();
  const meter = async () => {
    const own = process.cpuUsage(start.own);
    const out = { loadGenerator: (own.user + own.system) / 1e6 };
    for (const [k, list] of Object.entries(pids())) out[k] = list.reduce((sum, pid, i) => sum + cpuSeconds(pid) - (start.procs[k]?.[i] ?? 0), 0);
    for (const pid of await backends()) seen.set(pid, cpuSeconds(pid));
    let pg = 0;
    for (const [pid, seconds] of seen) pg += seconds - (start.pg.get(pid) ?? 0);
    out.postgres = pg;
    const elapsed = (performance.now() - started) / 1000;
    const ours = Object.values(out).reduce((a, b) => a + b, 0);
    out.othersCores = Math.max(0, (machineBusySeconds() - machine - ours) / elapsed);
    return out;
  };
  /** Remembers the backends' CPU now (call before connections of the phase close). */
  meter.sample = async () => {
    for (const pid of await backends()) seen.set(pid, cpuSeconds(pid));
  };
  return meter;
}

/** A child process whose output is kept (the tail is printed if it dies). */
export function startProcess(args, { cwd, env, label }) {
  const child = spawn('node', args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let tail = '';
  const keep = (d) => {
    tail = (tail + d).slice(-4000);
    if (process.env.BENCH_CHILD_OUTPUT) fs.appendFileSync(process.env.BENCH_CHILD_OUTPUT, `[${label}] ${d}`);
  };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  child.on('exit', (code, signal) => {
    if (!child.stopping) console.error(`\n${label} exited (${code ?? signal}):\n${tail}`);
  });
  child.label = label;
  return child;
}

export function stopProcess(child) {
  if (!child || child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  child.stopping = true;
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
    setTimeout(() => child.kill('SIGKILL'), 10_000).unref();
  });
}

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

export async function waitFor(probe, timeoutMs, what) {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
}

/** Fixed-width table for the console. */
export function table(rows, header) {
  const all = [header, ...rows].map((r) => r.map((c) => String(c ?? '')));
  const width = (s) => [...s].reduce((w, ch) => w + (/[\u3000-\u9fff\uff00-\uffef]/.test(ch) ? 2 : 1), 0);
  const widths = header.map((_, i) => Math.max(...all.map((r) => width(r[i] ?? ''))));
  const line = (r) => r.map((c, i) => (i === 0 ? c + ' '.repeat(widths[i] - width(c)) : ' '.repeat(widths[i] - width(c)) + c)).join('  ');
  return [line(all[0]), widths.map((w) => '-'.repeat(w)).join('  '), ...all.slice(1).map(line)].join('\n');
}
