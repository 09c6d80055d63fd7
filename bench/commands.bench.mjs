#!/usr/bin/env node
// `npm run bench`: command throughput and latency of the real API + worker on a database of its own.
// Each virtual user edits its own draft (PUT with expectedVersion), so every request is one accepted
// command: validation, snapshot load, aggregate, one transaction (event + outbox + read model).
import { spawn, execFileSync } from 'node:child_process';
import http from 'node:http';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import pg from 'pg';

const ROOT = path.resolve(import.meta.dirname, '..');
const DURATION_S = Number(process.env.BENCH_SECONDS ?? 20);
const USERS = Number(process.env.BENCH_CONNECTIONS ?? 50);
const WORKER = process.env.BENCH_WORKER !== 'false';
// BENCH_MODE=read measures GET /api/evaluations/:id instead: the floor that HTTP, auth and one query set here.
const READ_ONLY = process.env.BENCH_MODE === 'read';
const db = `pe_bench_${randomBytes(4).toString('hex')}`;
const adminUrl = process.env.TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const dbUrl = process.env.BENCH_DATABASE_SOCKET ? `postgres://postgres@${encodeURIComponent(process.env.BENCH_DATABASE_SOCKET)}/${db}` : Object.assign(new URL(adminUrl), { pathname: `/${db}` }).toString();
const port = 3900 + Math.floor(Math.random() * 90);
const env = { ...process.env, DATABASE_URL: dbUrl, PORT: String(port), QUEUE_PREFIX: db, LOG_LEVEL: 'warn', LOG_REQUESTS: 'false', LOGIN_RATE_LIMIT: '100000', DATABASE_POOL_SIZE: '20' };
const agent = new http.Agent({ keepAlive: true, maxSockets: USERS });

function call(method, url, token, body) {
  const payload = body === undefined ? undefined : JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, path: url, method, agent, headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}), ...(payload ? { 'content-length': Buffer.byteLength(payload) } : {}) } }, (res) => {
      let data = '';
      res.on('data', (c) => (data += c));
      res.on('end', () => resolve({ status: res.statusCode, body: data ? JSON.parse(data) : null }));
    });
    req.on('error', reject);
    if (payload) req.write(payload);
    req.end();
  });
}

const form = (i) => ({
  fiscalYear: 2021, projectName: `压测项目 ${i}`, competentDepartment: '中共北京市委老干部局', projectLead: '韩清峰', contactPhone: '13501271919', evaluationMethod: '单位自评',
  funds: { total: { initialBudget: '30', fullYearBudget: '30', executed: '29.123456' }, currentYear: { initialBudget: '30', fullYearBudget: '30', executed: '29.123456' }, carryOver: null, other: null },
  goals: { expected: '以社会主义核心价值观引领青少年', actual: '粉丝量为11591人' },
  indicators: [
    { level1: '产出指标', level2: '数量指标', name: '推进会', target: '6次', actual: '6次', weight: 50, score: 50, deviation: '' },
    { level1: '效益指标', level2: '社会效益指标', name: '传播正能量', target: '扩大影响力', actual: '达成年度指标', weight: 30, score: 27, deviation: '有待加强' },
    { level1: '满意度指标', level2: '服务对象满意度指标', name: '满意度', target: '≥90%', actual: '95%', weight: 10, score: 10, deviation: '' },
  ],
});

const children = [];
async function main() {
  execFileSync('npm', ['run', 'build'], { cwd: ROOT, stdio: 'ignore' });
  execFileSync('node', ['dist/apps/cli/src/main.js', 'setup'], { cwd: ROOT, env, stdio: 'ignore' });
  children.push(spawn('node', [...(process.env.BENCH_API_NODE_ARGS ?? '').split(' ').filter(Boolean), 'dist/apps/api/src/main.js'], { cwd: ROOT, env, stdio: 'inherit' }));
  if (WORKER) children.push(spawn('node', ['dist/apps/worker/src/main.js'], { cwd: ROOT, env, stdio: 'inherit' }));
  for (let i = 0; ; i++) {
    try { await call('GET', '/api/health'); break; } catch { /* starting */ }
    await new Promise((r) => setTimeout(r, 200));
  }
  const login = await call('POST', '/api/auth/login', undefined, { username: 'drafter', password: process.env.DEMO_PASSWORD ?? 'demo1234' });
  const token = login.body.accessToken;
  const drafts = await Promise.all(Array.from({ length: USERS }, (_, i) => call('POST', '/api/evaluations', token, form(i))));
  const latencies = [];
  const statuses = {};
  const until = Date.now() + DURATION_S * 1000;
  const started = Date.now();
  await Promise.all(drafts.map(async ({ body }, i) => {
    let version = body.version;
    while (Date.now() < until) {
      const t0 = process.hrtime.bigint();
      const res = READ_ONLY
        ? await call('GET', `/api/evaluations/${body.id}`, token)
        : await call('PUT', `/api/evaluations/${body.id}`, token, { ...form(i), projectLead: `负责人${version}`, expectedVersion: version });
      latencies.push(Number(process.hrtime.bigint() - t0) / 1e6);
      statuses[res.status] = (statuses[res.status] ?? 0) + 1;
      if (res.status === 200) version = res.body.version;
    }
  }));
  const elapsed = (Date.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  const pct = (p) => latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))].toFixed(1);
  console.log(`\n${READ_ONLY ? '读取压测 read' : '命令压测 command'} benchmark — ${USERS} connections, ${DURATION_S}s, worker ${WORKER ? 'on' : 'off'}`);
  console.log(`  requests: ${latencies.length}  (${(latencies.length / elapsed).toFixed(0)} /s)   statuses: ${JSON.stringify(statuses)}`);
  console.log(`  latency ms: p50 ${pct(50)}  p95 ${pct(95)}  p99 ${pct(99)}  max ${latencies.at(-1).toFixed(1)}`);
}

main()
  .catch((error) => { console.error(error); process.exitCode = 1; })
  .finally(async () => {
    await Promise.all(children.map((c) => new Promise((r) => { c.once('exit', r); c.kill('SIGTERM'); })));
    const admin = new pg.Client({ connectionString: adminUrl });
    await admin.connect();
    await admin.query(`DROP DATABASE IF EXISTS "${db}" WITH (FORCE)`);
    await admin.end();
    agent.destroy();
  });
