#!/usr/bin/env node
// `npm run bench`: the performance benchmark of issue 9, on a database and Redis prefix of its own.
//
// Starts the compiled API and worker itself, measures the baselines (raw `pg`: the same event insert +
// state upsert at the same concurrency; raw BullMQ no-op jobs) and every scenario, repeats the command
// runs (median and spread, each next to a baseline measured in the same repeat, so that the ratio holds
// while other work shares the machine), writes bench/results.json and prints one table.
//
// Knobs (all optional):
//   BENCH_SECONDS=8          seconds per command run        BENCH_REPEATS=3     repeats of the command runs
//   BENCH_WARMUP_SECONDS=5   unmeasured commands before the first repeat
//   BENCH_BASELINE_SECONDS=5 seconds per raw pg run         BENCH_CLIENTS=16,64 command concurrencies
//   BENCH_READ_SIZES=1000,10000,100000                      BENCH_READ_SECONDS=2.5, BENCH_READ_REPEATS=2, BENCH_READERS=8
//   BENCH_RECOMPUTE_FORMS=10000  BENCH_REMINDER_FORMS=100000  BENCH_IMPORT_FORMS=1000  BENCH_LAG_SAMPLES=100
//   BENCH_ONLY=baseline,commands,conflict,lag,queue,reads,recompute,import,reminders   (default: all)
//   BENCH_READS=board,floorGetOne,…   (which reads; default: all, names as in results.json)
//   BENCH_API_PROCESSES=1 BENCH_WORKER_PROCESSES=1   (2 and 2 show several processes on one database and Redis)
//   BENCH_API_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof"   BENCH_WORKER_NODE_ARGS=…   BENCH_SKIP_BUILD=true   BENCH_KEEP_DATABASE=true
import { execFileSync } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { Queue, Worker } from 'bullmq';
import { httpClient, closedLoop, latencyStats, median, summarize, cpuMeter, memoryMb, startProcess, stopProcess, sleep, waitFor, table } from './lib.mjs';
import { seedUnits, seedDrafters, seedForms } from './seed.mjs';

const ROOT = path.resolve(import.meta.dirname, '..');
const num = (name, fallback) => Number(process.env[name] ?? fallback);
const list = (name, fallback) => (process.env[name] ?? fallback).split(',').map((s) => s.trim()).filter(Boolean);
const CONFIG = {
  seconds: num('BENCH_SECONDS', 8),
  baselineSeconds: num('BENCH_BASELINE_SECONDS', 5),
  repeats: num('BENCH_REPEATS', 3),
  warmupSeconds: num('BENCH_WARMUP_SECONDS', 5),
  clients: list('BENCH_CLIENTS', '16,64').map(Number),
  readSizes: list('BENCH_READ_SIZES', '1000,10000,100000').map(Number),
  readSeconds: num('BENCH_READ_SECONDS', 2.5),
  readRepeats: num('BENCH_READ_REPEATS', 2),
  readers: num('BENCH_READERS', 8),
  recomputeForms: num('BENCH_RECOMPUTE_FORMS', 10_000),
  reminderForms: num('BENCH_REMINDER_FORMS', 100_000),
  importForms: num('BENCH_IMPORT_FORMS', 1000),
  lagSamples: num('BENCH_LAG_SAMPLES', 100),
  apiProcesses: num('BENCH_API_PROCESSES', 1),
  workerProcesses: num('BENCH_WORKER_PROCESSES', 1),
  only: list('BENCH_ONLY', 'baseline,commands,conflict,lag,queue,reads,recompute,import,reminders'),
};
const wants = (phase) => CONFIG.only.includes(phase);

const db = `pe_bench_${randomBytes(4).toString('hex')}`;
const adminUrl = process.env.TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const dbUrl = process.env.BENCH_DATABASE_SOCKET
  ? `postgres://postgres@${encodeURIComponent(process.env.BENCH_DATABASE_SOCKET)}/${db}`
  : Object.assign(new URL(adminUrl), { pathname: `/${db}` }).toString();
const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const basePort = 3900 + Math.floor(Math.random() * 80);
const env = {
  ...process.env,
  DATABASE_URL: dbUrl,
  REDIS_URL: redisUrl,
  QUEUE_PREFIX: db,
  LOG_LEVEL: 'warn',
  LOG_REQUESTS: 'false',
  LOGIN_RATE_LIMIT: '100000',
  // PostgreSQL here allows 100 connections, shared with other work: several processes share 40 of them.
  DATABASE_POOL_SIZE: process.env.DATABASE_POOL_SIZE ?? (num('BENCH_API_PROCESSES', 1) + num('BENCH_WORKER_PROCESSES', 1) > 2 ? '10' : '20'),
  REMINDER_TICK_MS: process.env.REMINDER_TICK_MS ?? '1000',
  IMPORT_BODY_LIMIT: '20mb',
};

const apis = [];
const workers = [];
const results = { startedAt: new Date().toISOString(), machine: {}, config: CONFIG, baselines: {}, scenarios: {} };
const rows = [];
const notes = [];
const fmt = (v, d = 0) => (Number.isFinite(v) ? v.toLocaleString('en-US', { minimumFractionDigits: d, maximumFractionDigits: d }) : '—');
const log = (...a) => console.log(`[bench ${new Date().toISOString().slice(11, 19)}]`, ...a);

// ---------------------------------------------------------------- processes
function startApi(i) {
  const port = basePort + i;
  const args = [...(process.env.BENCH_API_NODE_ARGS ?? '').split(' ').filter(Boolean), 'dist/apps/api/src/main.js'];
  const child = startProcess(args, { cwd: ROOT, env: { ...env, PORT: String(port) }, label: `API ${i + 1}` });
  apis.push({ child, port, http: httpClient(port, 160) });
}
function startWorker(i) {
  const args = [...(process.env.BENCH_WORKER_NODE_ARGS ?? '').split(' ').filter(Boolean), 'dist/apps/worker/src/main.js'];
  workers.push(startProcess(args, { cwd: ROOT, env: { ...env, PORT: String(basePort) }, label: `worker ${i + 1}` }));
}
const pids = () => ({ api: apis.map((a) => a.child.pid), worker: workers.map((w) => w.pid) });
/** Client i talks to API process i mod n. */
const api = (i = 0) => apis[i % apis.length].http.call;

// ---------------------------------------------------------------- main
async function main() {
  if (process.env.BENCH_SKIP_BUILD !== 'true') execFileSync('npm', ['run', 'build'], { cwd: ROOT, stdio: 'ignore' });
  execFileSync('node', ['dist/apps/cli/src/main.js', 'setup'], { cwd: ROOT, env, stdio: 'ignore' });
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  const sql = new pg.Client({ connectionString: dbUrl });
  await sql.connect();
  // Dropping the database at the end ends these connections from the server side.
  for (const client of [admin, sql]) client.on('error', () => undefined);
  results.machine = {
    cpus: os.cpus().length,
    loadAverageAtStart: os.loadavg(),
    node: process.version,
    postgres: (await sql.query('SHOW server_version')).rows[0].server_version,
    apiProcesses: CONFIG.apiProcesses,
    workerProcesses: CONFIG.workerProcesses,
  };
  for (let i = 0; i < CONFIG.apiProcesses; i++) startApi(i);
  for (let i = 0; i < CONFIG.workerProcesses; i++) startWorker(i);
  for (const a of apis) await waitFor(async () => (await a.http.call('GET', '/api/health').catch(() => ({ status: 0 }))).status === 200, 60_000, 'API and worker health');

  const login = async (username) => (await api()('POST', '/api/auth/login', undefined, { username, password: process.env.DEMO_PASSWORD ?? 'demo1234' })).body.accessToken;
  const drafter = await login('drafter');
  const manager = await login('manager');
  // The benchmark's form: the sample 新媒体运营服务项目 (2.7 KB of JSON), as a drafter sends it.
  const sample = (await sql.query(`SELECT state->'form' AS form FROM evaluations WHERE project_name = '新媒体运营服务项目'`)).rows[0].form;
  const { unitId: drafterUnit, cycleId: _c, declared: _d, ...formBody } = sample;
  const form = (i, fiscalYear = 2021) => ({ ...formBody, fiscalYear, projectName: `压测项目 ${i}` });
  results.machine.formJsonBytes = Buffer.byteLength(JSON.stringify(form(0)));
  const ctx = { admin, sql, drafter, manager, form, drafterUnit };

  if (wants('baseline') || wants('commands')) await commandRuns(ctx);
  if (wants('conflict')) await conflictRun(ctx);
  if (wants('lag')) await lagRun(ctx);
  if (wants('queue')) await bullmqBaseline();
  if (wants('reads')) await readRuns(ctx);
  if (wants('recompute')) await recomputeRun(ctx);
  if (wants('import')) await importRun(ctx);
  if (wants('reminders')) await reminderRun(ctx);

  results.machine.loadAverageAtEnd = os.loadavg();
  results.finishedAt = new Date().toISOString();
  results.table = rows;
  results.notes = notes;
  fs.writeFileSync(path.join(ROOT, 'bench/results.json'), `${JSON.stringify(results, null, 2)}\n`);
  printTable();
  await sql.end();
  await admin.end();
}

// ---------------------------------------------------------------- raw baseline: what PostgreSQL alone does for a command's write
/**
 * `clients` loops each writing their own row: one event insert + one state upsert in one statement, over
 * a pool of at most DATABASE_POOL_SIZE connections — the same client concurrency and the same connection
 * budget as the API (whose pool has that size); PostgreSQL here allows 100 connections, shared.
 */
async function rawPg(clients, seconds, payload, state, onDone) {
  const pool = new pg.Pool({ connectionString: dbUrl, max: Math.min(clients, Number(env.DATABASE_POOL_SIZE)) });
  pool.on('error', () => undefined);
  await pool.query(`CREATE TABLE IF NOT EXISTS raw_events (position bigserial PRIMARY KEY, evaluation_id uuid NOT NULL, version integer NOT NULL, type text NOT NULL,
                      payload jsonb NOT NULL, actor_id uuid NOT NULL, occurred_at timestamptz NOT NULL, UNIQUE (evaluation_id, version));
                    CREATE TABLE IF NOT EXISTS raw_state (id uuid PRIMARY KEY, version integer NOT NULL, state jsonb NOT NULL, updated_at timestamptz NOT NULL)`);
  // The same write means the same compression of the documents as the system's tables (lz4 where the server has it).
  const { rows: [{ method }] } = await pool.query(`SELECT CASE attcompression WHEN 'l' THEN 'lz4' WHEN 'p' THEN 'pglz' ELSE 'default' END AS method
                                                   FROM pg_attribute WHERE attrelid = 'evaluations'::regclass AND attname = 'state'`);
  await pool.query(`ALTER TABLE raw_events ALTER COLUMN payload SET COMPRESSION ${method}; ALTER TABLE raw_state ALTER COLUMN state SET COMPRESSION ${method}`);
  results.machine.documentCompression = method;
  const ids = Array.from({ length: clients }, () => randomUUID());
  const actor = randomUUID();
  const versions = ids.map(() => 0);
  const text = `WITH ev AS (
      INSERT INTO raw_events (evaluation_id, version, type, payload, actor_id, occurred_at) VALUES ($1, $2, 'EvaluationEdited', $3::jsonb, $4, now()) RETURNING position)
    INSERT INTO raw_state (id, version, state, updated_at) SELECT $1, $2, $5::jsonb, now() FROM ev
    ON CONFLICT (id) DO UPDATE SET version = excluded.version, state = excluded.state, updated_at = excluded.updated_at`;
  const result = await closedLoop(clients, seconds, async (i) => {
    versions[i] += 1;
    await pool.query(text, [ids[i], versions[i], payload, actor, state]);
    return 200;
  });
  await onDone?.();
  await pool.end();
  return result;
}

// ---------------------------------------------------------------- commands: each client edits its own draft
async function commandRuns({ admin, sql, drafter, form }) {
  const sampleState = (await sql.query(`SELECT state FROM evaluations WHERE project_name = '新媒体运营服务项目'`)).rows[0].state;
  const payload = JSON.stringify({ form: sampleState.form });
  const stateJson = JSON.stringify(sampleState);
  const maxClients = Math.max(...CONFIG.clients);
  log(`creating ${maxClients} drafts`);
  const drafts = [];
  for (let i = 0; i < maxClients; i += 16) {
    drafts.push(...(await Promise.all(Array.from({ length: Math.min(16, maxClients - i) }, (_, j) => api(i + j)('POST', '/api/evaluations', drafter, form(i + j))))));
  }
  const versions = drafts.map((d) => d.body.version);
  const editOwnDraft = async (i) => {
    const res = await api(i)('PUT', `/api/evaluations/${drafts[i].body.id}`, drafter, { ...form(i), projectLead: `负责人${versions[i]}`, expectedVersion: versions[i] });
    if (res.status === 200) versions[i] = res.body.version;
    return res.status;
  };
  // Unmeasured: the first seconds of a fresh API (JIT, pools, caches) ran at about half the speed of the rest.
  if (wants('commands') && CONFIG.warmupSeconds > 0) {
    const warm = await closedLoop(maxClients, CONFIG.warmupSeconds, editOwnDraft);
    log(`warm-up: ${fmt(warm.perSecond)} commands/s for ${CONFIG.warmupSeconds} s (not measured)`);
  }
  for (const clients of CONFIG.clients) {
    results.baselines[`rawPg${clients}`] = { runs: [] };
    results.scenarios[`commands${clients}`] = { runs: [] };
  }
  for (let r = 0; r < CONFIG.repeats; r++) {
    for (const clients of CONFIG.clients) {
      if (wants('baseline')) {
        const rawCpu = await cpuMeter(admin, db, () => ({}));
        const base = await rawPg(clients, CONFIG.baselineSeconds, payload, stateJson, () => rawCpu.sample());
        const used = await rawCpu();
        base.postgresCpuMsPerWrite = (used.postgres * 1000) / base.count;
        base.othersCores = used.othersCores;
        results.baselines[`rawPg${clients}`].runs.push(base);
        log(`raw pg insert+upsert, ${clients} clients: ${fmt(base.perSecond)}/s p50 ${fmt(base.p50, 1)} p99 ${fmt(base.p99, 1)} ms; PostgreSQL CPU ${fmt(base.postgresCpuMsPerWrite, 2)} ms/write`);
      }
      if (!wants('commands')) continue;
      const cpu = await cpuMeter(admin, db, pids);
      const run = await closedLoop(clients, CONFIG.seconds, editOwnDraft);
      const used = await cpu();
      const { othersCores, ...ours } = used;
      run.cpuMsPerCommand = Object.fromEntries(Object.entries(ours).map(([k, s]) => [k, (s * 1000) / run.count]));
      run.othersCores = othersCores;
      const base = results.baselines[`rawPg${clients}`].runs.at(-1);
      run.ratio = base ? run.perSecond / base.perSecond : NaN;
      results.scenarios[`commands${clients}`].runs.push(run);
      log(
        `commands, ${clients} clients: ${fmt(run.perSecond)}/s p50 ${fmt(run.p50, 1)} p99 ${fmt(run.p99, 1)} ms ${JSON.stringify(run.statuses)} ratio ${fmt(run.ratio, 2)}; ` +
          `CPU ms/command ${Object.entries(run.cpuMsPerCommand).map(([k, v]) => `${k} ${fmt(v, 2)}`).join(', ')}; others used ${fmt(run.othersCores, 2)} cores`,
      );
    }
  }
  for (const clients of CONFIG.clients) {
    const baseRuns = results.baselines[`rawPg${clients}`].runs;
    if (baseRuns.length) {
      const b = summarize(baseRuns.map((x) => x.perSecond));
      notes.push(`raw write at ${clients} clients: PostgreSQL CPU ${fmt(median(baseRuns.map((x) => x.postgresCpuMsPerWrite)), 2)} ms per write (median)`);
      rows.push([`baseline: raw pg insert event + upsert state, ${clients} clients (pool ${Math.min(clients, Number(env.DATABASE_POOL_SIZE))})`, `${fmt(b.median)}/s`, `${fmt(b.min)}–${fmt(b.max)}`, fmt(median(baseRuns.map((x) => x.p50)), 1), fmt(median(baseRuns.map((x) => x.p99)), 1), '1.00', '']);
    }
    const runs = results.scenarios[`commands${clients}`].runs;
    if (!runs.length) continue;
    const s = summarize(runs.map((x) => x.perSecond));
    const p99 = median(runs.map((x) => x.p99));
    const ratio = median(runs.map((x) => x.ratio));
    const errors = runs.reduce((n, x) => n + Object.entries(x.statuses).filter(([k]) => k !== '200').reduce((m, [, v]) => m + v, 0), 0);
    const cpu = Object.fromEntries(Object.keys(runs[0].cpuMsPerCommand).map((k) => [k, median(runs.map((x) => x.cpuMsPerCommand[k]))]));
    Object.assign(results.scenarios[`commands${clients}`], { perSecond: s, p99, ratio, errors, cpuMsPerCommand: cpu });
    const target = clients === 16 ? '≥0.40× raw, p99<50' : 'no error, p99<150';
    const met = clients === 16 ? ratio >= 0.4 && p99 < 50 : errors === 0 && p99 < 150;
    rows.push([
      `commands (PUT edit), worker on, ${clients} clients`,
      `${fmt(s.median)}/s`,
      `${fmt(s.min)}–${fmt(s.max)}`,
      fmt(median(runs.map((x) => x.p50)), 1),
      fmt(p99, 1),
      `${fmt(ratio, 2)}×`,
      `${target} ${met ? '✔' : '✘'}${errors ? ` (${errors} errors)` : ''}`,
    ]);
    notes.push(
      `CPU per command at ${clients} clients (median ms): ${Object.entries(cpu).map(([k, v]) => `${k} ${fmt(v, 2)}`).join(' · ')}; ` +
        `other processes on the machine used ${runs.map((x) => fmt(x.othersCores, 1)).join(' / ')} cores during the repeats`,
    );
  }
}

// ---------------------------------------------------------------- 8 clients on one form
async function conflictRun({ sql, drafter, form }) {
  const created = await api()('POST', '/api/evaluations', drafter, form(900));
  const id = created.body.id;
  let shared = created.body.version;
  const accepted = [];
  const run = await closedLoop(8, Math.max(3, CONFIG.seconds / 2), async (i) => {
    const mine = shared;
    const lead = `c${i}-${randomBytes(3).toString('hex')}`;
    const res = await api(i)('PUT', `/api/evaluations/${id}`, drafter, { ...form(900), projectLead: lead, expectedVersion: mine });
    if (res.status === 200) {
      accepted.push({ version: res.body.version, lead });
      shared = Math.max(shared, res.body.version);
    } else if (res.status === 409) {
      shared = Math.max(shared, res.body.details?.actualVersion ?? shared);
    }
    return res.status;
  });
  const events = (await sql.query(`SELECT version, payload->'form'->>'projectLead' AS lead FROM evaluation_events WHERE evaluation_id = $1 AND type = 'EvaluationEdited' ORDER BY version`, [id])).rows;
  const [{ version }] = (await sql.query('SELECT version FROM evaluations WHERE id = $1', [id])).rows;
  const stored = new Map(events.map((e) => [e.version, e.lead]));
  const lost = accepted.filter((a) => stored.get(a.version) !== a.lead).length;
  const others = Object.entries(run.statuses).filter(([k]) => k !== '200' && k !== '409').reduce((n, [, v]) => n + v, 0);
  const consistent = lost === 0 && events.length === accepted.length && version === 1 + accepted.length;
  results.scenarios.conflict = { ...run, accepted: accepted.length, conflicts: run.statuses['409'] ?? 0, otherStatuses: others, lost, events: events.length, finalVersion: version, consistent };
  log(`8 clients on one form: ${JSON.stringify(run.statuses)}; events ${events.length}, version ${version}, lost ${lost}`);
  rows.push([
    '8 clients edit one form',
    `${fmt(accepted.length / run.seconds)}/s accepted`,
    `${run.statuses['409'] ?? 0} × 409`,
    fmt(run.p50, 1),
    fmt(run.p99, 1),
    '',
    `409s, none lost ${consistent && others === 0 ? '✔' : '✘'} (${accepted.length} accepted = ${events.length} events)`,
  ]);
}

// ---------------------------------------------------------------- projection lag under command load
async function lagRun({ drafter, manager, form, drafterUnit }) {
  const year = 2041;
  const background = Math.min(16, Math.max(...CONFIG.clients));
  const drafts = await Promise.all(Array.from({ length: background }, (_, i) => api(i)('POST', '/api/evaluations', drafter, form(2000 + i))));
  const versions = drafts.map((d) => d.body.version);
  let stop = false;
  const load = closedLoop(background, 3600, async (i) => {
    const res = await api(i)('PUT', `/api/evaluations/${drafts[i].body.id}`, drafter, { ...form(2000 + i), projectLead: `负责人${versions[i]}`, expectedVersion: versions[i] });
    if (res.status === 200) versions[i] = res.body.version;
    return res.status;
  }, () => stop);
  const summaryLag = [];
  const boardLag = [];
  for (let s = 0; s < CONFIG.lagSamples; s++) {
    const created = await api(s)('POST', '/api/evaluations', drafter, form(5000 + s, year));
    const answered = performance.now();
    const id = created.body.id;
    await Promise.all([
      (async () => {
        for (;;) {
          const res = await api(s)('GET', `/api/summary?fiscalYear=${year}&unitId=${drafterUnit}`, drafter);
          if (res.body.rows.some((r) => r.evaluationId === id)) return summaryLag.push(performance.now() - answered);
        }
      })(),
      (async () => {
        for (;;) {
          const res = await api(s + 1)('GET', `/api/board?fiscalYear=${year}`, manager);
          if (res.body.total >= s + 1) return boardLag.push(performance.now() - answered);
        }
      })(),
    ]);
  }
  stop = true;
  await load;
  const sum = latencyStats(summaryLag);
  const board = latencyStats(boardLag);
  results.scenarios.projectionLag = { summary: sum, board, backgroundClients: background };
  log(`projection lag: summary p50 ${fmt(sum.p50, 1)} p99 ${fmt(sum.p99, 1)}; board p50 ${fmt(board.p50, 1)} p99 ${fmt(board.p99, 1)} ms`);
  for (const [name, st] of [['summary', sum], ['board', board]]) {
    rows.push([`projection lag → visible in /api/${name} (${background} editing meanwhile)`, `${st.n} samples`, '', fmt(st.p50, 1), fmt(st.p99, 1), '', `p99<100 ${st.p99 < 100 ? '✔' : '✘'}`]);
  }
}

// ---------------------------------------------------------------- raw BullMQ: no-op jobs
async function bullmqBaseline() {
  const connection = { url: redisUrl, maxRetriesPerRequest: null };
  const prefix = `${db}-raw`;
  const total = 20_000;
  const queue = new Queue('raw-noop', { connection, prefix });
  let done = 0;
  let finished;
  const allDone = new Promise((r) => (finished = r));
  const worker = new Worker('raw-noop', async () => undefined, { connection, prefix, concurrency: 50, autorun: false });
  worker.on('completed', () => {
    if (++done === total) finished();
  });
  const t0 = performance.now();
  void worker.run();
  for (let i = 0; i < total; i += 1000) {
    await queue.addBulk(Array.from({ length: 1000 }, (_, j) => ({ name: 'noop', data: { i: i + j }, opts: { removeOnComplete: true } })));
  }
  await allDone;
  const seconds = (performance.now() - t0) / 1000;
  await worker.close();
  await queue.obliterate({ force: true });
  await queue.close();
  results.baselines.bullmqNoop = { jobs: total, seconds, perSecond: total / seconds };
  log(`raw BullMQ no-op: ${fmt(total / seconds)} jobs/s`);
  rows.push(['baseline: raw BullMQ no-op jobs (concurrency 50, this process)', `${fmt(total / seconds)} jobs/s`, '', '', '', '1.00', '']);
}

/** The draft whose row every seeded form copies: a real command's row (state, scores, findings). */
let template = null;
async function templateDraft({ drafter, form }) {
  template ??= (await api()('POST', '/api/evaluations', drafter, form(7777))).body.id;
  return template;
}

// ---------------------------------------------------------------- reads at 1k, 10k and 100k forms
async function readRuns(ctx) {
  const { sql, manager, admin } = ctx;
  const year = 2030;
  const units = await seedUnits(sql, 100);
  const template = await templateDraft(ctx);
  // A unit of its own with 20 forms, whatever the year holds: its summary must cost the same at 1k and at 100k.
  const [small] = (await sql.query(`INSERT INTO units (id, name, competent_department) VALUES (gen_random_uuid(), '压测小单位', '压测主管部门')
                                    ON CONFLICT (name) DO UPDATE SET name = excluded.name RETURNING id`)).rows.map((r) => r.id);
  await seedForms(sql, { templateId: template, fiscalYear: year, from: 900_001, count: 20, unitIds: [small] });
  // A reviewer of one of the 100 units: the review queue and its badge (the Submitted forms of that unit, found by
  // the review step on an index) must cost the same at 1k and at 100k.
  const reviewerName = `bench-reviewer-${Date.now()}`;
  const reviewerPassword = '压测审核人的口令很长很长';
  const adminToken = (await api()('POST', '/api/auth/login', undefined, { username: 'admin', password: process.env.DEMO_PASSWORD ?? 'demo1234' })).body.accessToken;
  await api()('POST', '/api/users', adminToken, { username: reviewerName, password: reviewerPassword, displayName: '压测审核人', roles: ['reviewer'], unitIds: [units[0]] });
  const reviewer = (await api()('POST', '/api/auth/login', undefined, { username: reviewerName, password: reviewerPassword })).body.accessToken;
  const tokens = { reviewQueue: reviewer, reviewQueueCounts: reviewer };
  const reads = {
    board: () => `/api/board?fiscalYear=${year}`,
    listSubmittedPage1: () => `/api/evaluations?fiscalYear=${year}&status=Submitted&page=1&pageSize=20`,
    // Page 50 exists at every size (a year of 1k forms has 51 pages of 20; page 100 would be empty there).
    listPage50: () => `/api/evaluations?fiscalYear=${year}&page=50&pageSize=20`,
    summarySmallUnit: () => `/api/summary?fiscalYear=${year}&unitId=${small}`,
    summaryGrowingUnit: () => `/api/summary?fiscalYear=${year}&unitId=${units[0]}`,
    // What the web app asks: a page of 50 rows, with the whole table's count and 合计.
    summaryGrowingUnitPage: () => `/api/summary?fiscalYear=${year}&unitId=${units[0]}&page=1&pageSize=50`,
    // A manager's table of the whole year (every unit), page 20 (exists at every size: 1,020 rows are 21 pages).
    summaryYearPage20: () => `/api/summary?fiscalYear=${year}&page=20&pageSize=50`,
    queueCounts: () => `/api/me/queues`,
    reviewQueue: () => `/api/evaluations?queue=review&page=1&pageSize=20`,
    reviewQueueCounts: () => `/api/me/queues`,
    floorGetOne: (id) => `/api/evaluations/${id}`,
  };
  if (process.env.BENCH_READS) {
    const chosen = list('BENCH_READS', '');
    for (const name of Object.keys(reads)) if (!chosen.includes(name)) delete reads[name];
  }
  results.scenarios.reads = {};
  let seeded = 0;
  for (const size of CONFIG.readSizes) {
    const seconds = await seedForms(sql, { templateId: template, fiscalYear: year, from: seeded + 1, count: size - seeded, unitIds: units });
    log(`seeded ${size - seeded} forms in ${fmt(seconds, 1)} s (year ${year} now holds ${size} + 20)`);
    seeded = size;
    const anyId = (await sql.query('SELECT id FROM evaluations WHERE fiscal_year = $1 LIMIT 1', [year])).rows[0].id;
    const bySize = (results.scenarios.reads[size] = {});
    const runsBy = Object.fromEntries(Object.keys(reads).map((name) => [name, []]));
    // Repeats go round the reads, so that a burst of other work on the machine hits all of them alike.
    for (let r = 0; r < CONFIG.readRepeats; r++) {
      for (const [name, url] of Object.entries(reads)) {
        const target = url(anyId);
        const meter = await cpuMeter(admin, db, pids);
        const run = await closedLoop(CONFIG.readers, CONFIG.readSeconds, async (i) => (await api(i)('GET', target, tokens[name] ?? manager)).status);
        const used = await meter();
        Object.assign(run, { apiMs: (used.api * 1000) / run.count, postgresMs: (used.postgres * 1000) / run.count, othersCores: used.othersCores });
        runsBy[name].push(run);
      }
    }
    for (const [name, runs] of Object.entries(runsBy)) {
      const bad = runs.reduce((n, x) => n + Object.entries(x.statuses).filter(([k]) => k !== '200').reduce((m, [, v]) => m + v, 0), 0);
      bySize[name] = {
        runs,
        p50: median(runs.map((x) => x.p50)),
        p99: median(runs.map((x) => x.p99)),
        p99Spread: [Math.min(...runs.map((x) => x.p99)), Math.max(...runs.map((x) => x.p99))],
        perSecond: median(runs.map((x) => x.perSecond)),
        cpuMs: median(runs.map((x) => x.apiMs + x.postgresMs)),
        apiMs: median(runs.map((x) => x.apiMs)),
        postgresMs: median(runs.map((x) => x.postgresMs)),
        othersCores: median(runs.map((x) => x.othersCores)),
        errors: bad,
      };
      const b = bySize[name];
      log(`reads ${size}: ${name} p50 ${fmt(b.p50, 1)} p99 ${fmt(b.p99, 1)} ms ${fmt(b.perSecond)}/s; CPU/read API ${fmt(b.apiMs, 2)} + PG ${fmt(b.postgresMs, 2)} ms; others ${fmt(b.othersCores, 1)} cores${bad ? ` (${bad} errors)` : ''}`);
    }
  }
  const sizes = CONFIG.readSizes;
  for (const name of Object.keys(reads)) {
    const at = sizes.map((s) => results.scenarios.reads[s][name]);
    const last = at.at(-1);
    const target = name === 'floorGetOne' || name === 'queueCounts' || name === 'reviewQueueCounts' ? '' : `p99<20 ${last.p99 < 20 ? '✔' : '✘'}`;
    const label = {
      board: 'GET /api/board?fiscalYear',
      listSubmittedPage1: 'list: year + Submitted, page 1',
      listPage50: 'list: year, page 50',
      summarySmallUnit: 'summary: a unit of 20 forms',
      summaryGrowingUnit: `summary: 1 of 100 units (${sizes.map((s) => s / 100).join('/')} rows)`,
      summaryGrowingUnitPage: 'summary: the same unit, page 1 of 50 rows',
      summaryYearPage20: 'summary: the whole year, page 20 of 50 rows',
      queueCounts: 'GET /api/me/queues (manager)',
      reviewQueue: "list: a unit reviewer's 待我审核, page 1",
      reviewQueueCounts: 'GET /api/me/queues (a unit reviewer)',
      floorGetOne: 'floor: GET /api/evaluations/:id',
    }[name];
    rows.push([
      `read ${label}; ${sizes.map((s) => `${s / 1000}k`).join('/')} forms`,
      `${at.map((x) => fmt(x.cpuMs, 2)).join(' / ')} ms CPU`,
      at.map((x) => `${fmt(x.p99Spread[0], 0)}–${fmt(x.p99Spread[1], 0)}`).join(' / '),
      at.map((x) => fmt(x.p50, 1)).join(' / '),
      at.map((x) => fmt(x.p99, 1)).join(' / '),
      `CPU ${fmt(last.cpuMs / at[0].cpuMs, 2)}× · p99 ${fmt(last.p99 / at[0].p99, 2)}×`,
      target,
    ]);
  }
}

// ---------------------------------------------------------------- bulk recompute of a year
async function recomputeRun(ctx) {
  const { sql, manager } = ctx;
  const year = 2032;
  const units = await seedUnits(sql, 100);
  const template = await templateDraft(ctx);
  await seedForms(sql, { templateId: template, fiscalYear: year, from: 1, count: CONFIG.recomputeForms, unitIds: units });
  const far = Date.now() + 60 * 86400_000;
  const cycle = await api()('POST', '/api/cycles', manager, { fiscalYear: year, name: '压测重算批次', submissionDeadline: new Date(far).toISOString(), reviewDeadline: new Date(far + 86400_000).toISOString() });
  const t0 = performance.now();
  const job = await api()('POST', `/api/cycles/${cycle.body.id}/recompute`, manager, {});
  const queued = (performance.now() - t0) / 1000;
  let last;
  await waitFor(async () => {
    last = (await api()('GET', `/api/jobs/${job.body.jobId}`, manager)).body;
    return last.status === 'completed';
  }, 600_000, 'the recompute');
  const seconds = (performance.now() - t0) / 1000;
  const [{ n }] = (await sql.query('SELECT count(*)::int AS n FROM evaluation_scorings s JOIN evaluations e ON e.id = s.evaluation_id WHERE e.fiscal_year = $1', [year])).rows;
  results.scenarios.recompute = { forms: last.total, seconds, queuedSeconds: queued, perSecond: last.total / seconds, scoringsRecorded: n };
  log(`recompute ${last.total} forms: ${fmt(seconds, 2)} s (${fmt(last.total / seconds)} forms/s), queued in ${fmt(queued, 2)} s, scorings ${n}`);
  rows.push([`bulk recompute of ${fmt(last.total)} forms`, `${fmt(last.total / seconds)} forms/s`, `${fmt(seconds, 1)} s`, '', '', '', `≥2,000/s ${last.total / seconds >= 2000 ? '✔' : '✘'}`]);
}

// ---------------------------------------------------------------- import: the sample file and 1,000 forms in one request
async function importRun({ manager }) {
  const sample = fs.readFileSync(path.join(ROOT, 'samples/beijing-gwc-2021-self-evaluations.txt'), 'utf8');
  const lines = sample.split('\n');
  const firstForm = lines.findIndex((l) => l.trim() === '项目支出绩效自评表');
  const forms = lines.slice(firstForm).join('\n');
  const names = [...new Set([...forms.matchAll(/\t项目名称\n\t([^\n]+)/g)].map((m) => m[1]))];
  const renamed = (text, k) => names.reduce((t, name) => t.split(`\t${name}\n`).join(`\t${name}（压测${k}）\n`), text);
  const timed = async (text) => {
    const t0 = performance.now();
    const res = await api()('POST', '/api/imports/self-evaluations?fiscalYear=2021', manager, text, 'text/plain; charset=utf-8');
    return { seconds: (performance.now() - t0) / 1000, status: res.status, forms: res.body?.evaluations?.length ?? 0, body: res.status === 201 || res.status === 200 ? undefined : res.body };
  };
  const one = await timed(renamed(sample, 'sample'));
  const copies = Math.ceil(CONFIG.importForms / names.length);
  const big = Array.from({ length: copies }, (_, k) => renamed(forms, k)).join('\n');
  const many = await timed(big);
  results.scenarios.import = { sample: one, many: { ...many, bytes: Buffer.byteLength(big) } };
  log(`import: sample ${one.forms} forms in ${fmt(one.seconds, 2)} s (${one.status}); ${many.forms} forms (${fmt(Buffer.byteLength(big) / 1e6, 1)} MB) in ${fmt(many.seconds, 2)} s (${many.status})`);
  if (many.body) log(JSON.stringify(many.body).slice(0, 500));
  rows.push(['import: the sample file (7 forms)', `${fmt(one.seconds, 2)} s`, `HTTP ${one.status}`, '', '', '', `seconds ${one.status < 300 ? '✔' : '✘'}`]);
  rows.push([`import: ${many.forms} forms in one request (${fmt(Buffer.byteLength(big) / 1e6, 1)} MB)`, `${fmt(many.seconds, 2)} s`, `HTTP ${many.status}`, '', '', '', `seconds ${many.status < 300 && many.seconds < 60 ? '✔' : '✘'}`]);
}

// ---------------------------------------------------------------- reminders: 100k notices computed and stored
async function reminderRun(ctx) {
  const { sql, manager } = ctx;
  const year = 2034;
  const units = await seedUnits(sql, 100);
  await seedDrafters(sql, units);
  const template = await templateDraft(ctx);
  const seeded = await seedForms(sql, { templateId: template, fiscalYear: year, from: 1, count: CONFIG.reminderForms, unitIds: units, mix: 'drafts' });
  log(`seeded ${CONFIG.reminderForms} drafts in ${fmt(seeded, 1)} s`);
  const before = (await sql.query('SELECT count(*)::int AS n FROM notifications')).rows[0].n;
  const memBefore = workers.map((w) => memoryMb(w.pid));
  let peak = 0;
  const sampler = setInterval(() => {
    for (const w of workers) peak = Math.max(peak, memoryMb(w.pid).rss);
  }, 50);
  // Due now: the 3-days-ahead reminder of a deadline two days away, one per draft (one drafter per unit).
  const deadline = Date.now() + 2 * 86400_000;
  const t0 = performance.now();
  await api()('POST', '/api/cycles', manager, { fiscalYear: year, name: '压测提醒批次', submissionDeadline: new Date(deadline).toISOString(), reviewDeadline: new Date(deadline + 86400_000).toISOString() });
  const expected = CONFIG.reminderForms;
  let stored = 0;
  await waitFor(async () => {
    stored = (await sql.query(`SELECT count(*)::int AS n FROM notifications WHERE kind = 'reminder'`)).rows[0].n;
    return stored >= expected;
  }, 600_000, 'the reminders');
  const seconds = (performance.now() - t0) / 1000;
  await sleep(500);
  stored = (await sql.query(`SELECT count(*)::int AS n FROM notifications WHERE kind = 'reminder'`)).rows[0].n;
  // The next ticks find every notice stored already: what a tick costs from then on — one that started after the
  // last notice was stored (on a slow machine the first tick can still be the last one finished 2.5 s later).
  const allStoredAt = Date.now();
  const q = new Queue('reminders', { connection: { url: redisUrl }, prefix: db });
  let laterTick = null;
  await waitFor(async () => {
    const ticks = (await q.getJobs(['completed'], 0, 50)).filter((j) => j.finishedOn && j.processedOn >= allStoredAt);
    laterTick = ticks.sort((a, b) => a.processedOn - b.processedOn)[0] ?? null;
    return laterTick !== null;
  }, 120_000, 'a reminder tick after the notices were stored');
  await q.close();
  clearInterval(sampler);
  const steadyMs = laterTick ? laterTick.finishedOn - laterTick.processedOn : NaN;
  const total = (await sql.query('SELECT count(*)::int AS n FROM notifications')).rows[0].n - before;
  const memAfter = workers.map((w) => memoryMb(w.pid));
  results.scenarios.reminders = { forms: expected, notices: stored, allNotices: total, seconds, workerRssBeforeMb: memBefore.map((m) => m.rss), workerRssPeakMb: peak, workerRssAfterMb: memAfter.map((m) => m.rss), laterTickMs: steadyMs };
  log(`reminders: ${stored} notices in ${fmt(seconds, 1)} s; worker RSS ${fmt(memBefore[0]?.rss)} → peak ${fmt(peak)} MB; a later tick ${fmt(steadyMs)} ms`);
  const grown = peak - (memBefore[0]?.rss ?? 0);
  rows.push([
    `reminder notices for ${fmt(expected)} drafts`,
    `${fmt(seconds, 1)} s`,
    `worker RSS ${fmt(memBefore[0]?.rss)}→${fmt(peak)} MB`,
    '',
    '',
    '',
    `<30 s, <150 MB more ${seconds < 30 && grown < 150 && stored === expected ? '✔' : '✘'} (${stored === expected ? 'each once' : `${stored} stored!`}; later tick ${fmt(steadyMs)} ms)`,
  ]);
}

function printTable() {
  console.log(`\n项目支出绩效自评 — npm run bench (${results.machine.cpus} cores, load average ${results.machine.loadAverageAtStart.map((l) => l.toFixed(1)).join(' ')} at start, ` +
    `${CONFIG.apiProcesses} API + ${CONFIG.workerProcesses} worker processes, ${CONFIG.repeats} repeats of ${CONFIG.seconds} s)`);
  console.log(table(rows, ['scenario', 'median (reads: CPU per request)', 'spread (min–max; reads: of p99)', 'p50 ms', 'p99 ms', 'ratio (reads: 100k ÷ 1k)', 'target']));
  for (const note of notes) console.log(note);
  console.log(`results: bench/results.json`);
}

main()
  .catch((error) => {
    console.error(error);
    process.exitCode = 1;
  })
  .finally(async () => {
    await Promise.all([...apis.map((a) => a.child), ...workers].map(stopProcess));
    for (const a of apis) a.http.destroy();
    if (process.env.BENCH_KEEP_DATABASE === 'true') return console.log(`database kept: ${db}`);
    const admin = new pg.Client({ connectionString: adminUrl });
    await admin.connect();
    await admin.query(`DROP DATABASE IF EXISTS "${db}" WITH (FORCE)`);
    await admin.end();
    // The benchmark's queues and live channels live under its own prefix.
    const { Redis } = await import('ioredis');
    const redis = new Redis(redisUrl);
    for (const pattern of [`${db}:*`, `${db}-raw:*`]) {
      let cursor = '0';
      do {
        const [next, keys] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
        if (keys.length) await redis.del(...keys);
        cursor = next;
      } while (cursor !== '0');
    }
    await redis.quit();
  });
