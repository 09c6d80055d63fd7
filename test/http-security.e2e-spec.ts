import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import request from 'supertest';
import { ApiProcess } from './support/api-process.js';
import { ApiClient } from './support/api-client.js';

function cspDirectives(header: string | undefined): Map<string, string> {
  return new Map(
    (header ?? '')
      .split(';')
      .map((d) => d.trim())
      .filter(Boolean)
      .map((d) => {
        const [name, ...values] = d.split(/\s+/);
        return [name, values.join(' ')] as [string, string];
      }),
  );
}

/** The headers a browser on the LAN gets, and what a disabled account hears at login. */
describe('HTTP security headers and disabled accounts', () => {
  // Behind a proxy on the same machine (TRUST_PROXY=loopback): X-Forwarded-Proto from it counts.
  const api = new ApiProcess();
  let admin: ApiClient;
  let port: string;

  beforeAll(async () => {
    await api.start({ TRUST_PROXY: 'loopback' });
    admin = await ApiClient.login(api.baseUrl, 'admin');
    port = new URL(api.baseUrl).port;
  });

  afterAll(async () => {
    await api.stop();
  });

  it('serves the web app over plain HTTP on a LAN host name without upgrade-insecure-requests or HSTS, under a strict CSP', async () => {
    for (const path of ['/', '/app.js', '/styles.css']) {
      const res = await request(api.baseUrl).get(path).set('Host', `evalhost.test:${port}`);
      expect(res.status).toBe(200);
      const csp = cspDirectives(res.headers['content-security-policy']);
      expect(csp.has('upgrade-insecure-requests')).toBe(false);
      expect(csp.get('default-src')).toBe("'self'");
      expect(csp.get('script-src')).toBe("'self'");
      expect(csp.get('connect-src')).toBe("'self'");
      expect(csp.get('img-src')).toBe("'self' data:");
      expect(csp.get('object-src')).toBe("'none'");
      expect(csp.get('frame-ancestors')).toBe("'self'");
      expect(csp.get('base-uri')).toBe("'self'");
      expect(res.headers['strict-transport-security']).toBeUndefined();
      expect(res.headers['cross-origin-opener-policy']).toBeUndefined(); // ignored on such an origin, with a console warning
      expect(res.headers['x-content-type-options']).toBe('nosniff');
    }
    const apiRes = await request(api.baseUrl).get('/api/health').set('Host', `evalhost.test:${port}`);
    expect(cspDirectives(apiRes.headers['content-security-policy']).has('upgrade-insecure-requests')).toBe(false);
  });

  it('adds upgrade-insecure-requests and HSTS when the request came over TLS through a trusted proxy', async () => {
    const res = await request(api.baseUrl).get('/').set('Host', 'evalhost.test').set('X-Forwarded-Proto', 'https');
    expect(res.status).toBe(200);
    const csp = cspDirectives(res.headers['content-security-policy']);
    expect(csp.has('upgrade-insecure-requests')).toBe(true);
    expect(csp.get('script-src')).toBe("'self'");
    expect(res.headers['strict-transport-security']).toMatch(/max-age=\d+/);
    expect(res.headers['cross-origin-opener-policy']).toBe('same-origin');
  });

  it('tells a disabled account so after the right password, and only the generic refusal after a wrong one', async () => {
    const created = await admin.post('/api/users', { username: 'leaver', password: 'leaver-pass-1', displayName: '张三', roles: ['drafter'], unitIds: [] });
    expect(created.status).toBe(201);
    const client = await ApiClient.login(api.baseUrl, 'leaver', 'leaver-pass-1');
    expect((await admin.patch(`/api/users/${created.body.id}`, { active: false })).status).toBe(200);

    const right = await request(api.baseUrl).post('/api/auth/login').send({ username: 'leaver', password: 'leaver-pass-1' });
    expect(right.status).toBe(401);
    expect(right.body).toEqual({ statusCode: 401, code: 'ACCOUNT_DISABLED', message: '账号已停用，请联系系统管理员' });
    expect(right.body.accessToken).toBeUndefined();

    const wrong = await request(api.baseUrl).post('/api/auth/login').send({ username: 'leaver', password: 'not-the-password' });
    expect(wrong.body).toEqual({ statusCode: 401, code: 'INVALID_CREDENTIALS', message: '用户名或密码错误' });
    const unknown = await request(api.baseUrl).post('/api/auth/login').send({ username: 'nobody-here', password: 'leaver-pass-1' });
    expect(unknown.body).toEqual(wrong.body);

    // The token it still holds hears the same code and message (one error, from the guard).
    expect((await client.get('/api/evaluations')).body).toEqual({ statusCode: 401, code: 'ACCOUNT_DISABLED', message: '账号已停用，请联系系统管理员' });

    expect((await admin.patch(`/api/users/${created.body.id}`, { active: true })).status).toBe(200);
    expect((await request(api.baseUrl).post('/api/auth/login').send({ username: 'leaver', password: 'leaver-pass-1' })).status).toBe(200);
  });
});
