import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import request from 'supertest';
import { ApiProcess } from './support/api-process.js';
import { ApiClient } from './support/api-client.js';
import { eventually } from './support/eventually.js';
import { PrivatePostgres, PrivateRedis } from './support/private-services.js';
import { newMediaForm } from './support/forms.js';
import { expectUnavailable, health, within } from './support/outage-checks.js';

/** Redis, PostgreSQL or the worker away: fast, honest 503s and a health report that says which and since when. */
describe('Dependency outages', () => {
  describe('Redis', () => {
    const redis = new PrivateRedis();
    const api = new ApiProcess();
    let manager: ApiClient;
    let admin: ApiClient;
    let drafter: ApiClient;
    let cycleId: string;

    beforeAll(async () => {
      await redis.start();
      await api.start({ REDIS_URL: redis.url });
      [manager, admin, drafter] = await Promise.all(['manager', 'admin', 'drafter'].map((u) => ApiClient.login(api.baseUrl, u)));
      cycleId = (
        await manager.post('/api/cycles', { fiscalYear: 2021, name: '故障批次', submissionDeadline: '2030-03-31T18:00:00+08:00', reviewDeadline: '2030-04-30T18:00:00+08:00' })
      ).body.id;
    }, 90_000);

    afterAll(async () => {
      await api.stop();
      await redis.destroy();
    });

    it('reports every dependency up, without secrets', async () => {
      const { status, body, dependencies } = await health(api.baseUrl);
      expect(status).toBe(200);
      expect(dependencies.database.status).toBe('up');
      expect(dependencies.redis.status).toBe('up');
      expect(dependencies.worker).toMatchObject({ status: 'up', lastBeatAt: expect.any(String) });
      expect(JSON.stringify(body)).not.toMatch(/redis:\/\/|postgres:\/\/|127\.0\.0\.1/);
    });

    it('answers 503 DEPENDENCY_UNAVAILABLE at once while Redis is down, and says so in /api/health', async () => {
      const stoppedAt = Date.now();
      await redis.stop();

      expectUnavailable(await within(3_000, 'recompute', () => manager.post(`/api/cycles/${cycleId}/recompute`)), 'redis');
      expect(await api.query('SELECT * FROM recompute_runs')).toEqual([]);
      expectUnavailable(await within(3_000, 'queue counts', () => admin.get('/api/admin/queues')), 'redis');
      expectUnavailable(await within(3_000, 'failed jobs', () => admin.get('/api/admin/failed-jobs')), 'redis');
      expectUnavailable(await within(3_000, 'stream ticket', () => drafter.post('/api/me/stream-ticket')), 'redis');
      const board = await within(3_000, 'dashboard', () => request(api.baseUrl).get('/admin/queues').auth('admin', 'demo1234'));
      expectUnavailable(board, 'redis');

      // What does not need Redis goes on working: signing in (the attempt count falls back to this process) and the forms.
      expect((await within(3_000, 'login', () => request(api.baseUrl).post('/api/auth/login').send({ username: 'drafter', password: 'demo1234' }))).status).toBe(200);
      expect((await within(3_000, 'list', () => drafter.get('/api/evaluations'))).status).toBe(200);
      expect((await within(3_000, 'create', () => drafter.post('/api/evaluations', newMediaForm({ projectName: 'Redis 停机时的草稿' })))).status).toBe(201);

      const report = await within(5_000, 'health', () => health(api.baseUrl));
      expect(report.status).toBe(503);
      expect(report.body).toMatchObject({ statusCode: 503, code: 'DEPENDENCY_UNAVAILABLE' });
      expect(String(report.body.message)).toContain('Redis');
      expect(Number(report.retryAfter)).toBeGreaterThan(0);
      expect(report.dependencies.database.status).toBe('up');
      expect(report.dependencies.redis).toMatchObject({ status: 'down', since: expect.any(String), reason: expect.any(String) });
      const since = Date.parse(report.dependencies.redis.since!);
      expect(since).toBeGreaterThanOrEqual(stoppedAt - 1_000);
      expect(since).toBeLessThanOrEqual(Date.now());
      expect(report.dependencies.worker.status).toBe('unknown');
      expect(JSON.stringify(report.body)).not.toMatch(/redis:\/\/|postgres:\/\/|127\.0\.0\.1|:\d{4,5}\b/);
    }, 60_000);

    it('recovers by itself when Redis is back', async () => {
      await redis.start();
      await eventually(async () => (await health(api.baseUrl)).status, (s) => s === 200, 30_000);
      const res = await manager.post(`/api/cycles/${cycleId}/recompute`);
      expect(res.status).toBe(202);
      expect((await admin.get('/api/admin/queues')).status).toBe(200);
    }, 60_000);

    it('says since when the worker has been silent', async () => {
      const stoppedAt = Date.now();
      await api.stopWorkers('SIGTERM');
      const report = await eventually(() => health(api.baseUrl), (r) => r.status === 503, 40_000);
      expect(report.body).toMatchObject({ code: 'DEPENDENCY_UNAVAILABLE' });
      expect(report.dependencies.redis.status).toBe('up');
      expect(report.dependencies.worker).toMatchObject({ status: 'down', since: expect.any(String), lastBeatAt: expect.any(String) });
      expect(Date.parse(report.dependencies.worker.lastBeatAt!)).toBeLessThanOrEqual(stoppedAt + 1_000);
      expect(Date.parse(report.dependencies.worker.since!)).toBeGreaterThanOrEqual(Date.parse(report.dependencies.worker.lastBeatAt!));
      api.startWorker();
      await eventually(async () => (await health(api.baseUrl)).status, (s) => s === 200, 30_000);
    }, 90_000);
  });

  describe('PostgreSQL', () => {
    const postgres = new PrivatePostgres();
    const api = new ApiProcess();
    let drafter: ApiClient;

    beforeAll(async () => {
      await postgres.start();
      await api.start({ DATABASE_URL: postgres.url('pe_outage'), AUTH_CACHE_MS: '0' }, false);
      drafter = await ApiClient.login(api.baseUrl, 'drafter');
    }, 90_000);

    afterAll(async () => {
      await api.stop();
      postgres.destroy();
    });

    it('answers 503 DEPENDENCY_UNAVAILABLE with Retry-After while PostgreSQL is down, and recovers', async () => {
      expect((await drafter.get('/api/evaluations')).status).toBe(200);
      const stoppedAt = Date.now();
      postgres.stop();

      expectUnavailable(await within(5_000, 'list', () => drafter.get('/api/evaluations')), 'database');
      expectUnavailable(await within(5_000, 'login', () => request(api.baseUrl).post('/api/auth/login').send({ username: 'drafter', password: 'demo1234' })), 'database');
      expectUnavailable(await within(5_000, 'create', () => drafter.post('/api/evaluations', { fiscalYear: 2021 })), 'database');
      const report = await within(5_000, 'health', () => health(api.baseUrl));
      expect(report.status).toBe(503);
      expect(String(report.body.message)).toContain('PostgreSQL');
      expect(report.dependencies.redis.status).toBe('up');
      expect(report.dependencies.database).toMatchObject({ status: 'down', since: expect.any(String) });
      expect(Date.parse(report.dependencies.database.since!)).toBeGreaterThanOrEqual(stoppedAt - 1_000);
      expect(JSON.stringify(report.body)).not.toMatch(/postgres:\/\/|127\.0\.0\.1|:\d{4,5}\b/);

      await postgres.start();
      await eventually(async () => (await drafter.get('/api/evaluations')).status, (s) => s === 200, 30_000);
      await eventually(async () => (await health(api.baseUrl)).dependencies.database.status, (s) => s === 'up', 30_000);
    }, 90_000);
  });
});
