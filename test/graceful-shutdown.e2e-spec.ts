import http from 'node:http';
import net from 'node:net';
import type { ChildProcess } from 'node:child_process';
import { afterAll, describe, expect, it } from '@jest/globals';
import request from 'supertest';
import { ApiProcess } from './support/api-process.js';
import { ApiClient } from './support/api-client.js';
import { eventually } from './support/eventually.js';
import { newMediaForm } from './support/forms.js';

function exitOf(child: ChildProcess): Promise<{ code: number | null; at: number }> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve({ code: child.exitCode, at: Date.now() });
    child.once('exit', (code) => resolve({ code, at: Date.now() }));
  });
}

/** A raw HTTP/1.1 request on a connection of its own; resolves with everything the server sent, or the socket error. */
function rawConnection(port: number): Promise<{ send: (text: string) => void; answer: Promise<{ text: string; error: string | null }> }> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1');
    let text = '';
    const answer = new Promise<{ text: string; error: string | null }>((done) => {
      socket.on('data', (d) => (text += d));
      socket.on('error', (error: NodeJS.ErrnoException) => done({ text, error: error.code ?? error.message }));
      socket.on('close', () => done({ text, error: null }));
    });
    socket.once('connect', () => resolve({ send: (t) => socket.write(t), answer }));
    socket.once('error', reject);
  });
}

interface Served {
  at: number;
  status: number;
  connection: string | undefined;
}

/** SIGTERM: stop accepting, answer what is in flight, close idle keep-alive connections, exit within 10 s. */
describe('Graceful shutdown', () => {
  const apis: ApiProcess[] = [];

  afterAll(async () => {
    await Promise.all(apis.map((a) => a.stop()));
  });

  it('answers in-flight requests and requests just sent, closes keep-alive connections at once, and exits within 10 s', async () => {
    // Cost-12 hashes make a login take a few hundred milliseconds: a request still in flight at SIGTERM.
    const api = new ApiProcess();
    apis.push(api);
    await api.start({ BCRYPT_ROUNDS: '12' }, false);
    const port = Number(new URL(api.baseUrl).port);
    const child = api.apiProcess;

    // A keep-alive client asking every 20 ms on one connection, as a browser or a proxy does.
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    const served: Served[] = [];
    const failures: { at: number; code: string }[] = [];
    let polling = true;
    const poll = (async () => {
      while (polling) {
        await new Promise<void>((done) => {
          const req = http.get({ host: '127.0.0.1', port, path: '/api/vocabulary', agent }, (res) => {
            res.resume();
            res.on('end', () => {
              served.push({ at: Date.now(), status: res.statusCode!, connection: res.headers.connection });
              done();
            });
          });
          req.on('error', (error: NodeJS.ErrnoException) => {
            failures.push({ at: Date.now(), code: error.code ?? error.message });
            done();
          });
        });
        await new Promise((r) => setTimeout(r, 20));
      }
    })();
    await eventually(async () => served.length, (n) => n >= 5);

    const stream = await rawConnection(port);
    // Connections opened before SIGTERM: some send their request just before it, some just after.
    const fresh = await Promise.all(Array.from({ length: 5 }, () => rawConnection(port)));
    const late = await Promise.all(Array.from({ length: 5 }, () => rawConnection(port)));
    const reviewer = await ApiClient.login(api.baseUrl, 'reviewer');
    const { ticket } = (await reviewer.post('/api/me/stream-ticket')).body;

    // A live event stream open at SIGTERM ends rather than holding the shutdown up.
    stream.send(`GET /api/me/stream?ticket=${ticket} HTTP/1.1\r\nHost: x\r\n\r\n`);
    await new Promise((r) => setTimeout(r, 200));
    const loginInFlight = request(api.baseUrl).post('/api/auth/login').send({ username: 'drafter', password: 'demo1234' }).then((r) => r);
    await new Promise((r) => setTimeout(r, 20));
    for (const f of fresh) f.send('GET /api/vocabulary HTTP/1.1\r\nHost: x\r\n\r\n');
    const exited = exitOf(child);
    const signalled = Date.now();
    child.kill('SIGTERM');
    await new Promise((r) => setTimeout(r, 50));
    for (const f of late) f.send('GET /api/vocabulary HTTP/1.1\r\nHost: x\r\n\r\n');

    expect((await loginInFlight).status).toBe(200);
    for (const f of [...fresh, ...late]) {
      const { text, error } = await f.answer;
      expect({ error, status: text.slice(0, 12) }).toEqual({ error: null, status: 'HTTP/1.1 200' });
    }
    const { text: streamed, error: streamError } = await stream.answer;
    expect(streamError).toBeNull();
    expect(streamed).toContain('text/event-stream');

    const { code, at } = await exited;
    polling = false;
    await poll;
    agent.destroy();
    console.log(`shutdown: exit ${at - signalled} ms after SIGTERM, ${served.filter((s) => s.at > signalled).length} keep-alive answer(s) after it, failures after it: ${[...new Set(failures.filter((f) => f.at > signalled).map((f) => f.code))].join(', ') || 'none'}`);
    expect(code).toBe(0);
    expect(at - signalled).toBeLessThan(10_000);
    // The keep-alive client was told to close with its next answer (one read before the signal was handled
    // may still say keep-alive); afterwards nobody is listening.
    const after = served.filter((s) => s.at > signalled);
    expect(after.length).toBeLessThanOrEqual(2);
    expect(after.every((s) => s.status === 200)).toBe(true);
    expect(after.at(-1)?.connection).toBe('close');
    expect(Math.max(signalled, ...after.map((s) => s.at)) - signalled).toBeLessThan(2_000);
    expect(failures.filter((f) => f.at > signalled).every((f) => f.code === 'ECONNREFUSED')).toBe(true);
  }, 90_000);

  it("stops the worker within 10 s though a job hangs, and another worker finishes that job", async () => {
    const held: http.ServerResponse[] = [];
    let answering = false;
    let deliveries = 0;
    const webhook = http.createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        deliveries++;
        if (answering) res.writeHead(200).end('ok');
        else held.push(res);
      });
    });
    await new Promise<void>((r) => webhook.listen(0, '127.0.0.1', () => r()));
    const webhookUrl = `http://127.0.0.1:${(webhook.address() as net.AddressInfo).port}/hook`;

    const api = new ApiProcess();
    apis.push(api);
    await api.start({ WEBHOOK_URL: webhookUrl, WEBHOOK_SECRET: 'shutdown-secret', WEBHOOK_TIMEOUT_MS: '120000', JOB_LOCK_MS: '3000' });
    try {
      const drafter = await ApiClient.login(api.baseUrl, 'drafter');
      const { id } = (await drafter.post('/api/evaluations', newMediaForm({ projectName: '停机中的投递' }))).body;
      expect((await drafter.post(`/api/evaluations/${id}/submit`, { expectedVersion: 1 })).status).toBe(200);
      await eventually(async () => held.length, (n) => n >= 1, 30_000);

      const started = Date.now();
      const exits = await api.stopWorkers('SIGTERM');
      console.log(`worker stopped ${Date.now() - started} ms after SIGTERM with a delivery hanging (exit ${exits[0].code})`);
      expect(Date.now() - started).toBeLessThan(10_000);
      expect(exits).toHaveLength(1);

      answering = true;
      for (const res of held) res.writeHead(503).end();
      api.startWorker();
      await eventually(
        async () => (await api.query<{ status: string }>(`SELECT d.status FROM notification_deliveries d WHERE d.channel = 'webhook'`)).map((r) => r.status),
        (statuses) => statuses.length > 0 && statuses.every((s) => s === 'sent'),
        60_000,
      );
      expect(deliveries).toBeGreaterThanOrEqual(2);
    } finally {
      for (const res of held) if (!res.writableEnded) res.destroy();
      await new Promise((r) => webhook.close(r));
    }
  }, 120_000);
});
