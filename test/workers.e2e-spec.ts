import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { ApiProcess, stopProcess } from './support/api-process.js';
import { ApiClient } from './support/api-client.js';
import { eventually } from './support/eventually.js';
import { newMediaForm } from './support/forms.js';
import { verifyWebhookSignature } from '#perf-eval/notifications';

const WEBHOOK_SECRET = 'test-webhook-secret';

/** A real SMTP server that takes its time, so that a worker can be killed in the middle of sending. */
function startSmtp(): Promise<{ server: SMTPServer; port: number; messages: string[] }> {
  const messages: string[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData(stream, _session, callback) {
      let raw = '';
      stream.on('data', (chunk: Buffer) => (raw += chunk.toString('utf8')));
      stream.on('end', () => {
        messages.push(raw);
        setTimeout(() => callback(), 40);
      });
    },
  });
  // A worker killed mid-session resets its connection: expected here, not a failure.
  server.on('error', () => undefined);
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({ server, port: (server.server.address() as AddressInfo).port, messages })));
}

function startWebhookReceiver(): Promise<{ server: http.Server; port: number; received: { valid: boolean; body: { id: string; kind: string } }[] }> {
  const received: { valid: boolean; body: { id: string; kind: string } }[] = [];
  const server = http.createServer((req, res) => {
    let raw = '';
    req.on('error', () => undefined);
    req.on('data', (chunk: Buffer) => (raw += chunk.toString('utf8')));
    req.on('end', () => {
      const valid = verifyWebhookSignature(WEBHOOK_SECRET, String(req.headers['x-perfeval-timestamp']), raw, String(req.headers['x-perfeval-signature']));
      received.push({ valid, body: JSON.parse(raw) });
      res.writeHead(valid ? 204 : 401).end();
    });
  });
  server.on('clientError', (_error, socket) => socket.destroy());
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({ server, port: (server.address() as AddressInfo).port, received })));
}

async function inBatches<T>(count: number, size: number, make: (i: number) => Promise<T>): Promise<T[]> {
  const out: T[] = [];
  for (let i = 0; i < count; i += size) out.push(...(await Promise.all(Array.from({ length: Math.min(size, count - i) }, (_, j) => make(i + j)))));
  return out;
}

function messageIds(messages: string[]): string[] {
  return messages.map((m) => /^Message-ID:\s*(\S+)/im.exec(m)?.[1] ?? '');
}

describe('Workers: scoring, bulk recompute, reminders and deliveries', () => {
  const api = new ApiProcess();
  let smtp: Awaited<ReturnType<typeof startSmtp>>;
  let webhook: Awaited<ReturnType<typeof startWebhookReceiver>>;
  let drafter: ApiClient;
  let manager: ApiClient;
  let admin: ApiClient;

  beforeAll(async () => {
    [smtp, webhook] = await Promise.all([startSmtp(), startWebhookReceiver()]);
    await api.start({
      SMTP_URL: `smtp://127.0.0.1:${smtp.port}`,
      WEBHOOK_URL: `http://127.0.0.1:${webhook.port}/hook`,
      WEBHOOK_SECRET,
      REMINDER_TICK_MS: '300',
      JOB_LOCK_MS: '3000',
    });
    [drafter, manager, admin] = await Promise.all(['drafter', 'manager', 'admin'].map((u) => ApiClient.login(api.baseUrl, u)));
  });

  afterAll(async () => {
    await api.stop();
    await new Promise((r) => smtp.server.close(() => r(undefined)));
    await new Promise((r) => webhook.server.close(() => r(undefined)));
  });

  it('leaves an edited draft as its command scored it: the worker records no second scoring and the version does not move', async () => {
    const { id } = (await drafter.post('/api/evaluations', newMediaForm())).body;
    const form = newMediaForm();
    form.indicators[2] = { ...form.indicators[2], score: 20, deviation: '' };
    const edited = await drafter.put(`/api/evaluations/${id}`, { ...form, expectedVersion: 1 });
    expect(edited.status).toBe(200);
    expect(edited.body.scores.total).toBe(90);
    await api.settled();
    const scored = (await drafter.get(`/api/evaluations/${id}`)).body;
    expect(scored.version).toBe(2);
    expect(scored.scoring).toEqual({ formVersion: 2, scoredVersion: 2, pending: false });
    expect(scored.scores).toEqual(edited.body.scores);
    expect(scored.findings).toEqual(edited.body.findings);
    expect(scored.findings.map((f: { code: string }) => f.code)).toEqual(
      expect.arrayContaining(['DEVIATION_ANALYSIS_MISSING', 'QUALITATIVE_SCORE_OUTSIDE_BAND']),
    );
    const recorded = await api.query<{ form_version: number }>('SELECT form_version FROM evaluation_scorings WHERE evaluation_id = $1 ORDER BY form_version', [id]);
    expect(recorded.map((r) => r.form_version)).toEqual([1, 2]);
  });

  it('rescores on start the forms scored under rule data that has since changed, and scores forms never scored for their current version', async () => {
    await api.settled();
    const [{ version }] = await api.query<{ version: string }>(`SELECT rule_version AS version FROM evaluation_scorings ORDER BY recorded_at DESC LIMIT 1`);
    expect(version).toMatch(/^national-2020#[0-9a-f]{12}$/);
    // As after a deployment whose rules differ from those these forms were scored with.
    const stale = await api.query<{ id: string }>(`UPDATE evaluations SET scored_rule_version = 'national-2020#000000000000' WHERE fiscal_year = 2021 RETURNING id`);
    expect(stale.length).toBeGreaterThan(0);
    // As a form edited before commands scored their own forms, whose edit the worker no longer scores.
    const { id } = (await drafter.post('/api/evaluations', newMediaForm({ fiscalYear: 2020, projectName: '未评分的旧表' }))).body;
    await api.query(`DELETE FROM evaluation_scorings WHERE evaluation_id = $1`, [id]);
    await api.query(`UPDATE evaluations SET scores = NULL, findings = NULL, computed_total = NULL, grade = NULL, scored_version = NULL, scored_rule_version = NULL WHERE id = $1`, [id]);
    expect((await drafter.get(`/api/evaluations/${id}`)).body.scoring).toEqual({ formVersion: 1, scoredVersion: null, pending: true });
    await api.stopWorkers('SIGTERM');
    api.startWorker();
    await eventually(
      () => api.query<{ n: string }>(`SELECT count(*) AS n FROM evaluations WHERE scored_rule_version IS DISTINCT FROM $1`, [version]),
      (rows) => rows[0].n === '0',
    );
    const rescored = (await drafter.get(`/api/evaluations/${id}`)).body;
    expect(rescored.scoring).toEqual({ formVersion: 1, scoredVersion: 1, pending: false });
    expect(rescored.scores.total).toBe(97);
  });

  it('recomputes a cycle of 1,000 evaluations in bulk, reports progress, and records nothing new the second time', async () => {
    const cycle = await manager.post('/api/cycles', {
      fiscalYear: 2022,
      name: '2022 年度项目支出绩效自评',
      submissionDeadline: '2027-06-30T10:00:00Z',
      reviewDeadline: '2027-07-31T10:00:00Z',
    });
    expect(cycle.status).toBe(201);
    expect(cycle.body.reminderPolicy).toEqual({ before: ['P7D', 'P3D', 'P1D'], reviewWait: 'P3D' });
    await inBatches(1000, 25, async (i) => {
      const res = await drafter.post('/api/evaluations', newMediaForm({ fiscalYear: 2022, projectName: `批量项目 ${i + 1}` }));
      expect(res.status).toBe(201);
    });
    await api.settled(120_000);
    const scoringsBefore = (await api.query<{ n: string }>('SELECT count(*) AS n FROM evaluation_scorings'))[0].n;

    const started = await manager.post(`/api/cycles/${cycle.body.id}/recompute`);
    expect(started.status).toBe(202);
    expect(started.body.total).toBe(1000);
    const seen: number[] = [];
    const final = await eventually(
      async () => (await manager.get(`/api/jobs/${started.body.jobId}`)).body,
      (job) => {
        seen.push(job.done);
        return job.status === 'completed';
      },
      120_000,
    );
    expect(final).toMatchObject({ total: 1000, done: 1000, status: 'completed' });
    expect(seen).toEqual([...seen].sort((a, b) => a - b));
    expect((await api.query<{ n: string }>('SELECT count(*) AS n FROM evaluation_scorings'))[0].n).toBe(scoringsBefore);
    expect((await drafter.get(`/api/jobs/${started.body.jobId}`)).status).toBe(403);
  });

  it('delivers each reminder once in-app, by e-mail and by signed webhook, through a kill -9 and two workers at once', async () => {
    const unit = (await admin.post('/api/units', { name: '提醒测试单位', competentDepartment: '测试主管部门' })).body;
    const users = await Promise.all(
      [
        { username: 'remind-d1', roles: ['drafter'], email: 'd1@example.test' },
        { username: 'remind-d2', roles: ['drafter'], email: 'd2@example.test' },
        { username: 'remind-m1', roles: ['manager'], email: 'm1@example.test' },
      ].map((u) => admin.post('/api/users', { ...u, password: 'remind-pass-1', displayName: u.username, unitIds: [unit.id] })),
    );
    expect(users.map((u) => u.status)).toEqual([201, 201, 201]);
    const d1 = await ApiClient.login(api.baseUrl, 'remind-d1', 'remind-pass-1');
    const deadline = new Date(Date.now() + 10 * 60_000);
    const cycle = (
      await manager.post('/api/cycles', {
        fiscalYear: 2023,
        name: '2023 年度试运行批次',
        submissionDeadline: deadline.toISOString(),
        reviewDeadline: new Date(deadline.getTime() + 3_600_000).toISOString(),
        reminderPolicy: { before: ['PT20M', 'PT1M'], reviewWait: 'PT5M' },
      })
    ).body;
    const drafts = 60;
    await inBatches(drafts, 20, (i) => d1.post('/api/evaluations', newMediaForm({ fiscalYear: 2023, projectName: `提醒项目 ${i + 1}` })));

    // The 20-minute reminder is due at once: 60 forms × 2 drafters. Kill every worker while the mail goes out.
    await eventually(async () => smtp.messages.length, (n) => n >= 15);
    await api.killWorkers('SIGKILL');
    const sentAtKill = smtp.messages.length;
    expect(sentAtKill).toBeLessThan(drafts * 2);
    api.startWorker();
    api.startWorker();

    const reminders = drafts * 2;
    await eventually(
      () => api.query<{ n: string }>(`SELECT count(*) AS n FROM notification_deliveries d JOIN notifications n ON n.id = d.notification_id WHERE n.kind = 'reminder' AND d.status = 'sent' AND n.cycle_id = $1`, [cycle.id]),
      (rows) => Number(rows[0].n) === reminders * 2,
      120_000,
    );

    // Moving the deadline into the past makes the overdue notice and the escalation due.
    expect((await manager.patch(`/api/cycles/${cycle.id}`, { submissionDeadline: new Date(Date.now() - 1000).toISOString() })).status).toBe(200);
    const expected = { reminder: reminders, overdue: drafts * 2, escalation: drafts };
    await eventually(
      () => api.query<{ n: string }>(`SELECT count(*) AS n FROM notification_deliveries d JOIN notifications n ON n.id = d.notification_id WHERE d.status = 'sent' AND n.cycle_id = $1`, [cycle.id]),
      (rows) => Number(rows[0].n) === (reminders + drafts * 2 + drafts) * 2,
      120_000,
    );
    await new Promise((r) => setTimeout(r, 1500)); // a few more ticks: nothing new may appear

    const perKind = await api.query<{ kind: string; n: string; distinct_targets: string }>(
      `SELECT kind, count(*) AS n, count(DISTINCT (evaluation_id, recipient_id)) AS distinct_targets FROM notifications WHERE cycle_id = $1 GROUP BY kind ORDER BY kind`,
      [cycle.id],
    );
    expect(Object.fromEntries(perKind.map((r) => [r.kind, Number(r.n)]))).toEqual(expected);
    expect(perKind.every((r) => r.n === r.distinct_targets)).toBe(true);

    const inbox = (await d1.get('/api/me/notifications?limit=500')).body;
    expect(inbox.filter((n: { kind: string }) => n.kind === 'reminder')).toHaveLength(drafts);
    expect(inbox.filter((n: { kind: string }) => n.kind === 'overdue')).toHaveLength(drafts);
    expect(inbox[0].title).toMatch(/提醒项目/);
    const read = await d1.post(`/api/me/notifications/${inbox[0].id}/read`);
    expect(read.status).toBe(200);
    expect((await d1.get('/api/me/notifications?unread=true&limit=500')).body).toHaveLength(inbox.length - 1);

    // Each notification reached the SMTP server under its own Message-ID, and every webhook call was signed.
    const total = reminders + drafts * 2 + drafts;
    const ids = messageIds(smtp.messages);
    expect(new Set(ids).size).toBe(total);
    expect(smtp.messages.length - total).toBeLessThanOrEqual(8); // at most the sends in flight at the kill, re-sent under the same Message-ID
    expect(new Set(webhook.received.map((w) => w.body.id)).size).toBe(total);
    expect(webhook.received.every((w) => w.valid)).toBe(true);
  }, 240_000);

  it('finishes the jobs in flight on SIGTERM: every e-mail sent is recorded as sent', async () => {
    const unit = (await admin.post('/api/units', { name: '停机测试单位', competentDepartment: '测试主管部门' })).body;
    await admin.post('/api/users', { username: 'stop-d1', password: 'stop-pass-1', displayName: '停机填报', roles: ['drafter'], unitIds: [unit.id], email: 'stop@example.test' });
    const d1 = await ApiClient.login(api.baseUrl, 'stop-d1', 'stop-pass-1');
    const deadline = new Date(Date.now() + 10 * 60_000);
    const cycle = (
      await manager.post('/api/cycles', {
        fiscalYear: 2025,
        name: '停机批次',
        submissionDeadline: deadline.toISOString(),
        reviewDeadline: new Date(deadline.getTime() + 3_600_000).toISOString(),
        reminderPolicy: { before: ['PT20M'], reviewWait: 'PT5M' },
      })
    ).body;
    await inBatches(40, 20, (i) => d1.post('/api/evaluations', newMediaForm({ fiscalYear: 2025, projectName: `停机项目 ${i + 1}` })));
    const mailsFor = () => smtp.messages.filter((m) => m.includes('stop@example.test')).length;
    await eventually(async () => mailsFor(), (n) => n >= 5);

    const exits = await api.stopWorkers('SIGTERM');
    expect(exits.every((e) => e.code === 0)).toBe(true);
    const [sent] = await api.query<{ n: string }>(
      `SELECT count(*) AS n FROM notification_deliveries d JOIN notifications n ON n.id = d.notification_id
       WHERE d.channel = 'email' AND d.status = 'sent' AND n.cycle_id = $1`,
      [cycle.id],
    );
    expect(Number(sent.n)).toBe(mailsFor());
    expect(mailsFor()).toBeLessThan(40);

    api.startWorker();
    await eventually(async () => mailsFor(), (n) => n === 40);
  }, 120_000);
});
