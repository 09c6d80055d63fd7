import { describe, expect, it } from '@jest/globals';
import express from 'express';
import request from 'supertest';
import { securityHeaders, trustProxySetting } from './security-headers.js';

function appWith(trustProxy: boolean | number | string) {
  const app = express();
  app.set('trust proxy', trustProxy);
  app.use(securityHeaders());
  app.get('/', (_req, res) => {
    res.send('ok');
  });
  return app;
}

describe('securityHeaders', () => {
  it('ignores X-Forwarded-Proto unless a proxy is trusted', async () => {
    const res = await request(appWith(trustProxySetting(undefined))).get('/').set('X-Forwarded-Proto', 'https');
    expect(res.headers['content-security-policy']).not.toContain('upgrade-insecure-requests');
    expect(res.headers['content-security-policy']).toContain("script-src 'self'");
    expect(res.headers['strict-transport-security']).toBeUndefined();
    expect(res.headers['cross-origin-opener-policy']).toBeUndefined();
  });

  it('upgrades and sends HSTS over TLS as a trusted proxy reports it', async () => {
    const res = await request(appWith(trustProxySetting('true'))).get('/').set('X-Forwarded-Proto', 'https');
    expect(res.headers['content-security-policy']).toContain('upgrade-insecure-requests');
    expect(res.headers['strict-transport-security']).toContain('max-age=');
    expect(res.headers['cross-origin-opener-policy']).toBe('same-origin');
    const plain = await request(appWith(trustProxySetting('true'))).get('/').set('X-Forwarded-Proto', 'http');
    expect(plain.headers['content-security-policy']).not.toContain('upgrade-insecure-requests');
  });

  it('reads TRUST_PROXY as Express takes it', () => {
    expect(trustProxySetting(undefined)).toBe(false);
    expect(trustProxySetting('')).toBe(false);
    expect(trustProxySetting('false')).toBe(false);
    expect(trustProxySetting('true')).toBe(true);
    expect(trustProxySetting('1')).toBe(1);
    expect(trustProxySetting('loopback, 10.0.0.0/8')).toBe('loopback, 10.0.0.0/8');
  });
});
