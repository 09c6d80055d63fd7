import { describe, it, expect, beforeAll, afterAll, beforeEach } from '@jest/globals';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { loadConfig } from '#perf-eval/config';
import { WebhookChannel, WebhookDeliveryError, verifyWebhookSignature, webhookChannelFromConfig } from './webhook.channel.js';
import type { NotificationMessage } from './notification.js';

interface Hit {
  method: string | undefined;
  url: string | undefined;
  headers: IncomingHttpHeaders;
  rawBody: string;
}

const SECRET = 'whsec-test-密钥';

const message: NotificationMessage = {
  id: 'n-42',
  kind: 'review_requested',
  recipientId: 'u-reviewer',
  evaluationId: 'e-1',
  cycleId: 'c-2021',
  title: '【待审核】《关心下一代工作宣传项目》绩效自评表已提交，请审核',
  body: '您好：\n\n请您审核。',
  link: 'https://perf-eval.example.cn/evaluations/e-1',
  createdAt: '2026-11-28T10:00:00.000Z',
};

describe('WebhookChannel', () => {
  const hits: Hit[] = [];
  let status = 204;
  let server: Server;
  let baseUrl: string;

  beforeAll(async () => {
    server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        hits.push({ method: req.method, url: req.url, headers: req.headers, rawBody: Buffer.concat(chunks).toString('utf8') });
        res.statusCode = status;
        res.end(status >= 400 ? 'internal error' : undefined);
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  beforeEach(() => {
    hits.length = 0;
    status = 204;
  });

  it('POSTs the signed JSON notification to a real HTTP server', async () => {
    const channel = new WebhookChannel({ url: `${baseUrl}/hooks/perf-eval`, secret: SECRET });
    await channel.send({ ...message, recipient: { username: 'reviewer1', displayName: '张审核' } });

    expect(hits).toHaveLength(1);
    const hit = hits[0];
    expect(hit.method).toBe('POST');
    expect(hit.url).toBe('/hooks/perf-eval');
    expect(hit.headers['content-type']).toBe('application/json');
    expect(hit.headers['x-perfeval-delivery']).toBe('n-42');
    expect(JSON.parse(hit.rawBody)).toEqual({
      id: 'n-42',
      kind: 'review_requested',
      evaluationId: 'e-1',
      cycleId: 'c-2021',
      title: message.title,
      body: message.body,
      link: message.link,
      createdAt: message.createdAt,
      recipient: { username: 'reviewer1', displayName: '张审核' },
    });
    const timestamp = String(hit.headers['x-perfeval-timestamp']);
    expect(Math.abs(Number(timestamp) - Date.now() / 1000)).toBeLessThan(10);
    const signature = String(hit.headers['x-perfeval-signature']);
    expect(signature).toMatch(/^sha256=[0-9a-f]{64}$/);

    expect(verifyWebhookSignature(SECRET, timestamp, hit.rawBody, signature)).toBe(true);
  });

  it('lets a receiver refuse a tampered body, a wrong secret and a stale timestamp', async () => {
    await new WebhookChannel({ url: baseUrl, secret: SECRET }).send(message);
    const hit = hits[0];
    const timestamp = String(hit.headers['x-perfeval-timestamp']);
    const signature = String(hit.headers['x-perfeval-signature']);
    expect(JSON.parse(hit.rawBody).recipient).toBeNull();

    expect(verifyWebhookSignature(SECRET, timestamp, hit.rawBody, signature)).toBe(true);
    expect(verifyWebhookSignature(SECRET, timestamp, hit.rawBody.replace('请您审核', '无需审核'), signature)).toBe(false);
    expect(verifyWebhookSignature('another-secret', timestamp, hit.rawBody, signature)).toBe(false);
    expect(verifyWebhookSignature(SECRET, String(Number(timestamp) + 1), hit.rawBody, signature)).toBe(false);
    const sixMinutesLater = Number(timestamp) * 1000 + 6 * 60_000;
    expect(verifyWebhookSignature(SECRET, timestamp, hit.rawBody, signature, 300, sixMinutesLater)).toBe(false);
    expect(verifyWebhookSignature(SECRET, timestamp, hit.rawBody, signature, 600, sixMinutesLater)).toBe(true);
    expect(verifyWebhookSignature(SECRET, timestamp, hit.rawBody, 'sha256=abc')).toBe(false);
    expect(verifyWebhookSignature(SECRET, 'not-a-number', hit.rawBody, signature)).toBe(false);
  });

  it('throws WebhookDeliveryError with the status when the receiver answers 500, so the queue retries', async () => {
    status = 500;
    const channel = new WebhookChannel({ url: baseUrl, secret: SECRET });
    const error = await channel.send(message).then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(WebhookDeliveryError);
    expect((error as WebhookDeliveryError).status).toBe(500);
    expect((error as WebhookDeliveryError).retryable).toBe(true);
    expect(hits).toHaveLength(1);
  });

  it('marks a 4xx answer as not worth retrying', async () => {
    status = 410;
    const error = await new WebhookChannel({ url: baseUrl, secret: SECRET }).send(message).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WebhookDeliveryError);
    expect((error as WebhookDeliveryError).status).toBe(410);
    expect((error as WebhookDeliveryError).retryable).toBe(false);
  });

  it('throws WebhookDeliveryError without a status when nobody listens', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', () => resolve()));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));

    const error = await new WebhookChannel({ url: `http://127.0.0.1:${port}`, secret: SECRET, timeoutMs: 2000 })
      .send(message)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WebhookDeliveryError);
    expect((error as WebhookDeliveryError).status).toBeNull();
    expect((error as WebhookDeliveryError).retryable).toBe(true);
  });
});

describe('webhookChannelFromConfig', () => {
  it('is off without WEBHOOK_URL, refuses an unsigned configuration, and builds a channel otherwise', () => {
    expect(webhookChannelFromConfig(loadConfig({}))).toBeNull();
    expect(() => webhookChannelFromConfig({ webhookUrl: 'https://hooks.example.cn/x', webhookSecret: null, webhookTimeoutMs: 10_000 })).toThrow(/WEBHOOK_SECRET/);
    expect(webhookChannelFromConfig(loadConfig({ WEBHOOK_URL: 'https://hooks.example.cn/x', WEBHOOK_SECRET: 's' }))).toBeInstanceOf(WebhookChannel);
  });
});
