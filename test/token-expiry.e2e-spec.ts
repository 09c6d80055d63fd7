import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import request from 'supertest';
import { ApiProcess } from './support/api-process.js';
import { ApiClient } from './support/api-client.js';

/** The guard remembers tokens it verified (until they expire): an expired or altered token is still refused. */
describe('Access tokens the guard has seen before', () => {
  const api = new ApiProcess();

  beforeAll(async () => {
    await api.start({ JWT_TTL: '3s' }, false);
  });

  afterAll(async () => {
    await api.stop();
  });

  it('refuses a token once it has expired, although it was accepted (and remembered) before', async () => {
    const drafter = await ApiClient.login(api.baseUrl, 'drafter');
    for (let i = 0; i < 3; i++) expect((await drafter.get('/api/evaluations?page=1&pageSize=1')).status).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 4_000));
    const expired = await drafter.get('/api/evaluations?page=1&pageSize=1');
    expect(expired.status).toBe(401);
    expect(expired.body).toMatchObject({ code: 'UNAUTHENTICATED', message: '访问令牌无效或已过期，请重新登录' });
  });

  it('refuses a remembered token with one character of its signature or claims changed', async () => {
    const drafter = await ApiClient.login(api.baseUrl, 'drafter');
    const token = drafter.session!.token;
    expect((await drafter.get('/api/evaluations?page=1&pageSize=1')).status).toBe(200);
    const [header, claims, signature] = token.split('.');
    const flip = (s: string) => s.slice(0, -2) + (s.at(-2) === 'A' ? 'B' : 'A') + s.at(-1);
    for (const altered of [`${header}.${claims}.${flip(signature)}`, `${header}.${flip(claims)}.${signature}`, `${token}x`]) {
      const res = await request(api.baseUrl).get('/api/evaluations?page=1&pageSize=1').set('Authorization', `Bearer ${altered}`);
      expect(res.status).toBe(401);
    }
  });
});
