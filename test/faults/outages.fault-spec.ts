import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import request from 'supertest';
import { FaultSystem, figure } from '../support/fault-system.js';
import { CommandLoad, describeFigures } from '../support/load.js';
import { eventually } from '../support/eventually.js';
import { expectUnavailable, health, within } from '../support/outage-checks.js';
import type { ApiClient } from '../support/api-client.js';

/** How long each dependency stays away (the issue: 20 s). */
const OUTAGE_MS = Number(process.env.FAULT_OUTAGE_MS ?? 20_000);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Of the writes acknowledged with 2xx, those whose version is not stored. */
async function lostWrites(system: FaultSystem, load: CommandLoad): Promise<string[]> {
  const acked = load.acknowledged();
  const stored = await system.query<{ evaluation_id: string; version: number }>(
    'SELECT evaluation_id, max(version) AS version FROM evaluation_events WHERE evaluation_id = ANY($1::uuid[]) GROUP BY evaluation_id',
    [[...acked.keys()]],
  );
  const have = new Map(stored.map((r) => [r.evaluation_id, Number(r.version)]));
  return [...acked].filter(([id, version]) => (have.get(id) ?? 0) < version).map(([id, version]) => `${id}@${version}`);
}

/** Redis and PostgreSQL stopped for 20 s each under load: honest answers at once, nothing acknowledged lost, recovery by itself. */
describe('Faults: dependency outages under load', () => {
  const system = new FaultSystem();
  let drafter: ApiClient;
  let manager: ApiClient;
  let admin: ApiClient;
  let cycleId: string;

  beforeAll(async () => {
    await system.start({ JOB_LOCK_MS: '3000', HEALTH_PROBE_MS: '1000', LOGIN_RATE_LIMIT: '100000' });
    [drafter, manager, admin] = await Promise.all(['drafter', 'manager', 'admin'].map((u) => system.login(u)));
    cycleId = (await manager.post('/api/cycles', { fiscalYear: 2021, name: '故障批次', submissionDeadline: '2030-03-31T18:00:00+08:00', reviewDeadline: '2030-04-30T18:00:00+08:00' })).body.id;
  }, 120_000);

  afterAll(async () => {
    await system.stop();
  });

  it(`Redis stopped ${OUTAGE_MS / 1000} s under load: commands keep being accepted, Redis-backed endpoints fail fast, health names Redis, everything catches up`, async () => {
    await admin.post('/api/users', { username: 'redis-leaver', password: 'leaving-during-outage', displayName: '停机离职', roles: ['drafter'], unitIds: drafter.session!.user.unitIds });
    const leaver = await system.login('redis-leaver', 'leaving-during-outage');
    expect((await leaver.get('/api/auth/me')).status).toBe(200);

    const load = new CommandLoad(() => system.baseUrl, [drafter.session!.token], { clients: 8, label: 'Redis停机' }).start();
    await eventually(async () => load.acknowledged().size, (n) => n >= 8, 20_000);
    const stoppedAt = Date.now();
    await system.redis.stop();

    // While it is away, every few seconds: the endpoints that need Redis answer 503 at once; health names Redis.
    const fastFails: number[] = [];
    let probes = 0;
    while (Date.now() - stoppedAt < OUTAGE_MS) {
      for (const [what, call] of [
        ['recompute', () => manager.post(`/api/cycles/${cycleId}/recompute`)],
        ['queue counts', () => admin.get('/api/admin/queues')],
        ['failed jobs', () => admin.get('/api/admin/failed-jobs')],
        ['stream ticket', () => drafter.post('/api/me/stream-ticket')],
        ['dashboard', () => request(system.baseUrl).get('/admin/queues').auth('admin', 'demo1234')],
      ] as const) {
        const started = Date.now();
        expectUnavailable(await within(3_000, what, call), 'redis');
        fastFails.push(Date.now() - started);
        probes++;
      }
      const report = await within(5_000, 'health', () => health(system.baseUrl));
      expect(report.status).toBe(503);
      expect(report.dependencies.redis.status).toBe('down');
      expect(report.dependencies.database.status).toBe('up');
      expect(String(report.body.message)).toContain('Redis');
      if (probes === 5) {
        // Signing in works (attempts counted in the process), and a user disabled now is locked out at once:
        // without announcements the API reads the user for every request.
        expect((await within(3_000, 'login', () => request(system.baseUrl).post('/api/auth/login').send({ username: 'drafter', password: 'demo1234' }))).status).toBe(200);
        await system.api.cliAsync(['update-user', '--username', 'redis-leaver', '--active', 'false']);
        expect((await leaver.get('/api/auth/me')).body.code).toBe('ACCOUNT_DISABLED');
      }
      await sleep(2_000);
    }
    expect(await system.query('SELECT * FROM recompute_runs')).toEqual([]);
    const restartedAt = Date.now();
    await system.redis.start();
    await eventually(async () => (await health(system.baseUrl)).dependencies.redis.status, (s) => s === 'up', 30_000);
    const healthyAfterMs = Date.now() - restartedAt;
    await sleep(2_000);
    await load.stop();
    const settledAt = Date.now() + (await system.settled(90_000));
    const during = load.figures(stoppedAt, restartedAt);
    const lost = await lostWrites(system, load);
    // Catching up: every submission of the load (during the outage too) reached the reviewer.
    const [submissions] = await system.query<{ n: string }>(`SELECT count(*) AS n FROM evaluation_events WHERE type = 'EvaluationSubmitted'`);
    const [asked] = await system.query<{ n: string }>(`SELECT count(*) AS n FROM notifications WHERE kind = 'review_requested'`);
    expect((await manager.post(`/api/cycles/${cycleId}/recompute`)).status).toBe(202);
    await figure(`Redis stopped ${OUTAGE_MS / 1000} s under load`, {
      ...load.figures(),
      duringOutage: { sent: during.sent, answered2xx: during.answered2xx, answered5xx: during.answered5xx, unanswered: during.unanswered },
      acknowledgedWritesLost: lost.length,
      redisBackedProbes: probes,
      slowestFastFailMs: Math.max(...fastFails),
      healthUpAfterMs: healthyAfterMs,
      caughtUpAfterMs: settledAt - restartedAt,
      submissions: Number(submissions.n),
      reviewRequests: Number(asked.n),
    });
    console.log(`Redis outage: ${describeFigures(during)} during it; health up ${healthyAfterMs} ms and caught up ${settledAt - restartedAt} ms after Redis was back`);
    expect(during.sent).toBeGreaterThan(50);
    expect(during.answered5xx).toBe(0);
    expect(during.unanswered).toBe(0);
    expect(lost).toEqual([]);
    expect(Number(asked.n)).toBe(Number(submissions.n));
  }, 180_000);

  it(`PostgreSQL stopped ${OUTAGE_MS / 1000} s under load: 503 with Retry-After, no false 2xx, recovery without a manual step`, async () => {
    const load = new CommandLoad(() => system.baseUrl, [drafter.session!.token], { clients: 8, label: 'PG停机' }).start();
    await eventually(async () => load.acknowledged().size, (n) => n >= 8, 20_000);
    const stoppedAt = Date.now();
    system.postgres.stop();
    const stopped = Date.now();
    await sleep(500);
    while (Date.now() - stoppedAt < OUTAGE_MS) {
      expectUnavailable(await within(5_000, 'login', () => request(system.baseUrl).post('/api/auth/login').send({ username: 'drafter', password: 'demo1234' })), 'database');
      const report = await within(5_000, 'health', () => health(system.baseUrl));
      expect(report.status).toBe(503);
      expect(report.dependencies.database.status).toBe('down');
      expect(String(report.body.message)).toContain('PostgreSQL');
      await sleep(2_000);
    }
    const restartedAt = Date.now();
    await system.postgres.start();
    const firstOk = await eventually(async () => load.answers.find((a) => a.sentAt > restartedAt && a.status >= 200 && a.status < 300), (a) => a !== undefined, 30_000);
    await eventually(async () => (await health(system.baseUrl)).status, (s) => s === 200, 30_000);
    const healthyAfterMs = Date.now() - restartedAt;
    await sleep(2_000);
    await load.stop();
    const settledAt = Date.now() + (await system.settled(90_000));
    // Answers to requests sent while PostgreSQL was down (after the requests in flight at the stop).
    const during = load.answers.filter((a) => a.sentAt > stopped + 200 && a.sentAt < restartedAt);
    const wrong = during.filter((a) => !(a.status === 503 && a.code === 'DEPENDENCY_UNAVAILABLE' && Number(a.retryAfter) > 0));
    const lost = await lostWrites(system, load);
    const figures = load.figures(stoppedAt, restartedAt);
    await figure(`PostgreSQL stopped ${OUTAGE_MS / 1000} s under load`, {
      ...load.figures(),
      duringOutage: { sent: figures.sent, answered2xx: figures.answered2xx, answered503: figures.codes['503 DEPENDENCY_UNAVAILABLE'] ?? 0, unanswered: figures.unanswered, other: wrong.length },
      acknowledgedWritesLost: lost.length,
      firstCommandOkAfterMs: firstOk!.at - restartedAt,
      healthUpAfterMs: healthyAfterMs,
      caughtUpAfterMs: settledAt - restartedAt,
    });
    console.log(`PostgreSQL outage: ${describeFigures(figures)} during it; first command answered 2xx ${firstOk!.at - restartedAt} ms after PostgreSQL was back`);
    expect(during.length).toBeGreaterThan(50);
    expect(wrong.map((a) => `${a.kind} ${a.status} ${a.code ?? a.error}`)).toEqual([]);
    expect(lost).toEqual([]);
  }, 180_000);

  it('keeps every invariant: replayed read models, versions, transitions, outbox, scores', async () => {
    const report = await system.invariants();
    await figure('outages: invariants', { evaluations: report.evaluations, events: report.events, notifications: report.notifications, violations: report.violations.length });
    expect(report.violations).toEqual([]);
  });
});
