import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { FaultSystem, figure } from '../support/fault-system.js';
import { CommandLoad, describeFigures } from '../support/load.js';
import { eventually } from '../support/eventually.js';
import { newMediaForm } from '../support/forms.js';
import type { ApiClient } from '../support/api-client.js';

/** A webhook receiver that takes its time (reminders 150 ms), so that a worker can be killed while deliveries are in flight. */
function slowWebhook(): Promise<{ server: http.Server; url: string; received: { id: string; kind: string }[] }> {
  const received: { id: string; kind: string }[] = [];
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (d) => (body += d));
    req.on('error', () => undefined);
    req.on('end', () => {
      let kind = '';
      try {
        kind = JSON.parse(body).kind;
      } catch {
        // not JSON
      }
      received.push({ id: String(req.headers['x-perfeval-delivery']), kind });
      setTimeout(() => res.writeHead(204).end(), kind === 'reminder' ? 150 : 20);
    });
  });
  server.on('clientError', (_e, socket) => socket.destroy());
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({ server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`, received })));
}

/** Of the writes the load saw acknowledged (answered 2xx) up to `until`, those whose version is not in the database. */
async function lostWrites(system: FaultSystem, load: CommandLoad, until = Infinity): Promise<string[]> {
  const acked = load.acknowledged(until);
  const stored = await system.query<{ evaluation_id: string; version: number }>(
    'SELECT evaluation_id, max(version) AS version FROM evaluation_events WHERE evaluation_id = ANY($1::uuid[]) GROUP BY evaluation_id',
    [[...acked.keys()]],
  );
  const have = new Map(stored.map((r) => [r.evaluation_id, Number(r.version)]));
  return [...acked].filter(([id, version]) => (have.get(id) ?? 0) < version).map(([id, version]) => `${id}@${version}`);
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Processes dying under load: nothing acknowledged is lost, nothing is done twice, everything catches up. */
describe('Faults: crashes and stops under load', () => {
  const system = new FaultSystem();
  let webhook: Awaited<ReturnType<typeof slowWebhook>>;
  let tokens: string[];
  let manager: ApiClient;

  beforeAll(async () => {
    webhook = await slowWebhook();
    await system.start({ JOB_LOCK_MS: '2000', REMINDER_TICK_MS: '500', WEBHOOK_URL: webhook.url, WEBHOOK_SECRET: 'fault-secret', LOGIN_RATE_LIMIT: '100000' });
    const drafter = await system.login('drafter');
    manager = await system.login('manager');
    tokens = [drafter.session!.token];
  }, 120_000);

  afterAll(async () => {
    await system.stop();
    await new Promise((r) => webhook.server.close(r));
  });

  it('SIGTERM under load: requests in flight are answered, nothing acknowledged is lost, the API exits within 10 s', async () => {
    const load = new CommandLoad(() => system.baseUrl, tokens, { label: 'SIGTERM' }).start();
    await eventually(async () => load.acknowledged().size, (n) => n >= 8, 20_000);
    await sleep(1_000);
    const signalled = Date.now();
    const exit = await system.api.stopApi('SIGTERM');
    await sleep(200);
    await load.stop();
    const before = load.answers.filter((a) => a.sentAt < signalled);
    const cut = before.filter((a) => a.status === 0);
    const lost = await lostWrites(system, load);
    const figures = load.figures();
    await figure('SIGTERM under load', { ...figures, exitMs: exit.at - signalled, exitCode: exit.code, sentBeforeSignalUnanswered: cut.length, acknowledgedWritesLost: lost.length });
    console.log(`SIGTERM: ${describeFigures(figures)}; exit ${exit.at - signalled} ms after the signal`);
    expect(exit.code).toBe(0);
    expect(exit.at - signalled).toBeLessThan(10_000);
    expect(cut).toEqual([]);
    expect(figures.answered5xx).toBe(0);
    expect(lost).toEqual([]);
    await system.api.restartApi();
  });

  it('kill -9 of the API under 8 clients: every write answered 2xx before the kill is stored; the restarted API serves at once', async () => {
    const load = new CommandLoad(() => system.baseUrl, tokens, { clients: 8, label: '强杀API' }).start();
    await eventually(async () => load.acknowledged().size, (n) => n >= 16, 30_000);
    await sleep(2_000);
    const { at: killedAt } = await system.api.stopApi('SIGKILL');
    const ackedBeforeKill = load.acknowledged(killedAt).size;
    await sleep(1_000);
    const restartFrom = Date.now();
    await system.api.restartApi();
    const firstAfter = await eventually(async () => load.answers.find((a) => a.sentAt > restartFrom && a.status >= 200 && a.status < 300), (a) => a !== undefined, 30_000);
    await sleep(1_500);
    await load.stop();
    const lostBeforeKill = await lostWrites(system, load, killedAt);
    const lostOverall = await lostWrites(system, load);
    const figures = load.figures();
    await figure('kill -9 API under 8 clients', {
      ...figures,
      acknowledgedBeforeKill: ackedBeforeKill,
      acknowledgedWritesLost: lostOverall.length,
      downMs: restartFrom - killedAt,
      recoveryMs: firstAfter!.at - restartFrom,
    });
    console.log(`kill -9 API: ${describeFigures(figures)}; first 2xx ${firstAfter!.at - restartFrom} ms after the restart`);
    expect(ackedBeforeKill).toBeGreaterThan(0);
    expect(lostBeforeKill).toEqual([]);
    expect(lostOverall).toEqual([]);
    expect(figures.answered5xx).toBe(0);
  });

  it('kill -9 of the worker during commands and a reminder run: nothing lost, each reminder once, stuck jobs retaken', async () => {
    // 40 drafts of 2023 whose 20-minute reminder is due at once: 40 reminders to the demo drafter, by webhook each.
    const drafter = await system.login('drafter');
    const drafts = 40;
    for (let i = 0; i < drafts; i += 10) {
      await Promise.all(Array.from({ length: Math.min(10, drafts - i) }, (_, j) => drafter.post('/api/evaluations', newMediaForm({ fiscalYear: 2023, projectName: `提醒 ${i + j + 1}` }))));
    }
    const deadline = new Date(Date.now() + 10 * 60_000);
    const cycle = (
      await manager.post('/api/cycles', {
        fiscalYear: 2023,
        name: '故障演练批次',
        submissionDeadline: deadline.toISOString(),
        reviewDeadline: new Date(deadline.getTime() + 3_600_000).toISOString(),
        reminderPolicy: { before: ['PT20M'], reviewWait: 'PT5M' },
      })
    ).body;
    expect(cycle.id).toBeDefined();
    const load = new CommandLoad(() => system.baseUrl, tokens, { clients: 8, label: '强杀worker', editsPerForm: 2 }).start();
    const remindersReceived = () => webhook.received.filter((r) => r.kind === 'reminder').length;
    await eventually(async () => remindersReceived(), (n) => n >= 3, 30_000);
    const receivedAtKill = remindersReceived();
    await system.api.killWorkers('SIGKILL');
    const killedAt = Date.now();
    await sleep(1_000);
    system.api.startWorker();
    const restartedAt = Date.now();
    await sleep(3_000);
    await load.stop();
    await system.invariants({ settleMs: 90_000 });
    const settledAt = Date.now();

    const reminders = await system.query<{ evaluation_id: string; recipient_id: string; n: string }>(
      `SELECT evaluation_id, recipient_id, count(*) AS n FROM notifications WHERE kind = 'reminder' AND cycle_id = $1 GROUP BY 1, 2`,
      [cycle.id],
    );
    const notifications = await system.query<{ id: string }>(`SELECT id FROM notifications`);
    const deliveries = await system.query<{ status: string; n: string }>(`SELECT status, count(*) AS n FROM notification_deliveries WHERE channel = 'webhook' GROUP BY status`);
    const deliveredIds = new Set(webhook.received.map((r) => r.id));
    const lost = await lostWrites(system, load);
    const figures = load.figures();
    await figure('kill -9 worker during commands and a reminder run', {
      ...figures,
      acknowledgedWritesLost: lost.length,
      remindersDeliveredAtKill: receivedAtKill,
      reminders: reminders.length,
      notifications: notifications.length,
      webhookCalls: webhook.received.length,
      resentUnderSameId: webhook.received.length - deliveredIds.size,
      catchUpMs: settledAt - restartedAt,
      downMs: restartedAt - killedAt,
    });
    console.log(`kill -9 worker: ${describeFigures(figures)}; ${webhook.received.length} webhook calls for ${notifications.length} notifications`);
    expect(lost).toEqual([]);
    expect(figures.answered5xx).toBe(0);
    // Each reminder once: one per form and drafter, all delivered, every notification reached the receiver.
    expect(reminders).toHaveLength(drafts);
    expect(reminders.every((r) => r.n === '1')).toBe(true);
    expect(receivedAtKill).toBeLessThan(drafts);
    expect(deliveries).toEqual([{ status: 'sent', n: String(notifications.length) }]);
    expect(notifications.filter(({ id }) => !deliveredIds.has(id))).toEqual([]);
    // Re-sends happen only for deliveries in flight at the kill (same id, receivers de-duplicate).
    expect(webhook.received.length - deliveredIds.size).toBeLessThanOrEqual(20);
  }, 180_000);

  it('keeps every invariant: replayed read models, versions, transitions, outbox, scores', async () => {
    const report = await system.invariants();
    await figure('crashes: invariants', { evaluations: report.evaluations, events: report.events, notifications: report.notifications, violations: report.violations.length });
    expect(report.violations).toEqual([]);
    expect(report.evaluations).toBeGreaterThan(50);
  });
});
