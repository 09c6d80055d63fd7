import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import request from 'supertest';
import { ApiProcess } from './support/api-process.js';

const LIMIT = 20;

function basic(username: string, password: string): string {
  return `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

/**
 * Password guessing at the login and at the queue dashboard: attempts are counted in Redis before the
 * password is checked, per client and username, across API processes; the answer takes as long for an
 * unknown user as for a wrong password. Clients are told apart by X-Forwarded-For (TRUST_PROXY=loopback).
 */
describe('Sign-in hardening', () => {
  // Real password hashes (cost 10), as in production, so that timing differences show.
  const api = new ApiProcess();
  let secondApi: string;

  beforeAll(async () => {
    await api.start({ LOGIN_RATE_LIMIT: String(LIMIT), TRUST_PROXY: 'loopback', BCRYPT_ROUNDS: '10' }, false);
    secondApi = await api.startAnotherApi();
  }, 90_000);

  afterAll(async () => {
    await api.stop();
  });

  const dashboard = (baseUrl: string, client: string, auth: string) => request(baseUrl).get('/admin/queues').set('X-Forwarded-For', client).set('Authorization', auth);
  const login = (baseUrl: string, client: string, username: string, password: string) =>
    request(baseUrl).post('/api/auth/login').set('X-Forwarded-For', client).send({ username, password });

  it('checks at most LOGIN_RATE_LIMIT wrong dashboard passwords a minute, however many arrive at once', async () => {
    const statuses: number[] = [];
    for (let burst = 0; burst < 3; burst++) {
      const answers = await Promise.all(Array.from({ length: 50 }, (_, i) => dashboard(api.baseUrl, '203.0.113.10', basic('admin', `guess-${burst}-${i}`))));
      statuses.push(...answers.map((a) => a.status));
    }
    expect(statuses.filter((s) => s === 401)).toHaveLength(LIMIT);
    expect(statuses.filter((s) => s === 429)).toHaveLength(150 - LIMIT);

    const refused = await dashboard(api.baseUrl, '203.0.113.10', basic('admin', 'demo1234'));
    expect(refused.status).toBe(429);
    expect(refused.body).toMatchObject({ statusCode: 429, code: 'TOO_MANY_REQUESTS' });
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
    expect(Number(refused.headers['retry-after'])).toBeLessThanOrEqual(60);

    // The login shares the count: the same client cannot go on guessing the admin's password there.
    const viaLogin = await login(api.baseUrl, '203.0.113.10', 'admin', 'demo1234');
    expect(viaLogin.status).toBe(429);
    expect(viaLogin.body.code).toBe('TOO_MANY_REQUESTS');
    expect(viaLogin.body.message).toMatch(/[\u4e00-\u9fff]/);
    expect(Number(viaLogin.headers['retry-after'])).toBeGreaterThan(0);

    // Another client, or another username of this client, is not held up.
    expect((await dashboard(api.baseUrl, '203.0.113.99', basic('admin', 'demo1234'))).status).toBe(200);
    expect((await login(api.baseUrl, '203.0.113.10', 'drafter', 'demo1234')).status).toBe(200);
  }, 120_000);

  it('holds the limit across API processes (the count lives in Redis)', async () => {
    const answers = await Promise.all(
      Array.from({ length: 40 }, (_, i) => login(i % 2 ? secondApi : api.baseUrl, '203.0.113.11', 'manager', `wrong-${i}`)),
    );
    const statuses = answers.map((a) => a.status);
    expect(statuses.filter((s) => s === 401)).toHaveLength(LIMIT);
    expect(statuses.filter((s) => s === 429)).toHaveLength(40 - LIMIT);
    expect((await dashboard(secondApi, '203.0.113.11', basic('manager', 'demo1234'))).status).toBe(429);
  }, 120_000);

  it('does not count successful sign-ins: an admin watching the dashboard is never locked out', async () => {
    for (let i = 0; i < LIMIT + 5; i++) {
      expect((await dashboard(api.baseUrl, '203.0.113.12', basic('admin', 'demo1234'))).status).toBe(200);
    }
    for (let i = 0; i < LIMIT + 5; i++) {
      expect((await login(api.baseUrl, '203.0.113.12', 'reviewer', 'demo1234')).status).toBe(200);
    }
  }, 120_000);

  it('takes as long for an unknown username as for a wrong password', async () => {
    const unknown: number[] = [];
    const wrong: number[] = [];
    // Interleaved, so that the load of the machine weighs on both alike; the first of each warms up.
    for (let i = 0; i < 13; i++) {
      for (const [username, into] of [
        ['nobody-by-that-name', unknown],
        ['manager', wrong],
      ] as const) {
        const started = process.hrtime.bigint();
        const res = await login(api.baseUrl, '203.0.113.13', username, 'not-the-password');
        const ms = Number(process.hrtime.bigint() - started) / 1e6;
        expect(res.body.code).toBe('INVALID_CREDENTIALS');
        if (i > 0) into.push(ms);
      }
    }
    const ratio = median(unknown) / median(wrong);
    console.log(`login timing: unknown user ${median(unknown).toFixed(1)} ms, wrong password ${median(wrong).toFixed(1)} ms (ratio ${ratio.toFixed(2)})`);
    expect(ratio).toBeGreaterThan(0.6);
    expect(ratio).toBeLessThan(1.6);
  }, 120_000);
});
