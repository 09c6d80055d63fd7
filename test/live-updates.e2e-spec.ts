import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import request from 'supertest';
import { ApiProcess } from './support/api-process.js';
import { ApiClient } from './support/api-client.js';
import { SseStream } from './support/sse.js';
import { newMediaForm } from './support/forms.js';

interface EvaluationEvent {
  id: string;
  unitId: string;
  fiscalYear: number;
  status: string;
  version: number;
  revision: number;
  type: string;
  actorId: string;
  at: string;
}

describe('Live updates over server-sent events (real API and worker)', () => {
  const api = new ApiProcess();
  let drafter: ApiClient;
  let reviewer: ApiClient;
  let manager: ApiClient;
  let colleague: ApiClient;
  let outsider: ApiClient;
  let admin: ApiClient;
  const streams: SseStream[] = [];

  async function ticket(client: ApiClient): Promise<string> {
    const res = await client.post('/api/me/stream-ticket');
    expect(res.status).toBe(201);
    expect(Date.parse(res.body.expiresAt) - Date.now()).toBeGreaterThan(50_000);
    expect(Date.parse(res.body.expiresAt) - Date.now()).toBeLessThanOrEqual(61_000);
    return res.body.ticket;
  }

  async function open(client: ApiClient): Promise<SseStream> {
    const stream = await SseStream.open(api.baseUrl, await ticket(client));
    expect(stream.response.status).toBe(200);
    streams.push(stream);
    await stream.next('queues');
    return stream;
  }

  beforeAll(async () => {
    await api.start({ STREAM_HEARTBEAT_MS: '500' });
    [drafter, reviewer, manager] = await Promise.all(['drafter', 'reviewer', 'manager'].map((u) => ApiClient.login(api.baseUrl, u)));
    admin = await ApiClient.login(api.baseUrl, 'admin');
    await admin.post('/api/users', { username: 'colleague', password: 'colleague-pass-1', displayName: '同事', roles: ['drafter'], unitIds: drafter.session!.user.unitIds });
    const unit = await admin.post('/api/units', { name: '北京市某区教育委员会', competentDepartment: '北京市教育委员会' });
    await admin.post('/api/users', { username: 'outsider', password: 'outsider-pass-1', displayName: '外单位', roles: ['drafter', 'reviewer'], unitIds: [unit.body.id] });
    colleague = await ApiClient.login(api.baseUrl, 'colleague', 'colleague-pass-1');
    outsider = await ApiClient.login(api.baseUrl, 'outsider', 'outsider-pass-1');
  });

  afterAll(async () => {
    for (const stream of streams) stream.close();
    await api.stop();
  });

  it('opens an event stream with a one-time ticket: no-cache headers, retry 3000, the queues at once, comment heartbeats', async () => {
    const stream = await open(drafter);
    expect(stream.response.headers.get('content-type')).toMatch(/^text\/event-stream/);
    expect(stream.response.headers.get('cache-control')).toBe('no-cache');
    expect(stream.response.headers.get('x-accel-buffering')).toBe('no');
    expect(stream.retry).toBe(3000);
    expect(stream.data('queues')[0]).toEqual({ review: 0, publish: 0, overdue: 0, drafts: 0, returned: 0 });
    await stream.until(() => stream.comments.includes('ping'), 5_000, 'a heartbeat');
    stream.close();
  });

  it('refuses a used, unknown or missing ticket with 401 and a stable code, and a ticket to anonymous callers', async () => {
    const used = await ticket(drafter);
    const first = await SseStream.open(api.baseUrl, used);
    streams.push(first);
    expect(first.response.status).toBe(200);
    for (const t of [used, 'not-a-ticket', 'A'.repeat(43), null]) {
      const again = await SseStream.open(api.baseUrl, t);
      expect([t, again.response.status, again.response.headers.get('content-type')]).toEqual([t, 401, expect.stringMatching(/^application\/json/)]);
      expect(await again.response.json()).toMatchObject({ statusCode: 401, code: 'STREAM_TICKET_INVALID' });
    }
    expect((await request(api.baseUrl).post('/api/me/stream-ticket')).status).toBe(401);
    // A bearer token is no ticket: the stream takes no other credential.
    const withToken = await fetch(`${api.baseUrl}/api/me/stream`, { headers: { Authorization: `Bearer ${drafter.session!.token}` } });
    expect(withToken.status).toBe(401);
    first.close();
  });

  it("sends a command's change to the users of the form's unit (the actor included) and to managers, not to another unit", async () => {
    const [mine, theirs, boss, stranger] = [await open(drafter), await open(colleague), await open(manager), await open(outsider)];

    const created = await colleague.post('/api/evaluations', newMediaForm({ projectName: '实时更新测试项目' }));
    expect(created.status).toBe(201);
    const id = created.body.id;
    const expected = {
      id,
      unitId: drafter.session!.user.unitIds[0],
      fiscalYear: 2021,
      status: 'Draft',
      version: 1,
      revision: 1,
      type: 'EvaluationDrafted',
      actorId: colleague.id,
      at: expect.any(String),
    };
    expect(await mine.next<EvaluationEvent>('evaluation', (e) => e.id === id)).toEqual(expected);
    expect(await theirs.next<EvaluationEvent>('evaluation', (e) => e.id === id)).toEqual(expected);
    expect(await boss.next<EvaluationEvent>('evaluation', (e) => e.id === id)).toEqual(expected);
    // The queue counts follow: the unit has one more draft.
    await mine.next<{ drafts: number }>('queues', (q) => q.drafts === 1);

    // The other unit's user hears of their own change, and never of the first one.
    const own = await outsider.post('/api/evaluations', newMediaForm({ projectName: '外单位项目' }));
    await stranger.next<EvaluationEvent>('evaluation', (e) => e.id === own.body.id);
    await boss.next<EvaluationEvent>('evaluation', (e) => e.id === own.body.id);
    expect(stranger.data<EvaluationEvent>('evaluation').map((e) => e.id)).toEqual([own.body.id]);
    expect(mine.data<EvaluationEvent>('evaluation').map((e) => e.id)).not.toContain(own.body.id);

    const edited = await drafter.put(`/api/evaluations/${id}`, { ...newMediaForm({ projectName: '实时更新测试项目', projectLead: '李四' }), expectedVersion: 1 });
    expect(edited.status).toBe(200);
    expect(await theirs.next<EvaluationEvent>('evaluation', (e) => e.id === id && e.version === 2)).toMatchObject({ type: 'EvaluationEdited', actorId: drafter.id });
  });

  it("delivers the worker's notification to its recipient: a submission asks the reviewer to review", async () => {
    const inbox = await open(reviewer);
    const bystander = await open(colleague);
    const created = await drafter.post('/api/evaluations', newMediaForm({ projectName: '待审核通知测试项目' }));
    const id = created.body.id;
    expect((await drafter.post(`/api/evaluations/${id}/submit`, { expectedVersion: 1 })).status).toBe(200);

    expect(await inbox.next<EvaluationEvent>('evaluation', (e) => e.id === id && e.type === 'EvaluationSubmitted')).toMatchObject({ status: 'Submitted', version: 2 });
    const notice = await inbox.next<{ id: string; kind: string; evaluationId: string; title: string }>('notification', (n) => n.evaluationId === id);
    expect(notice).toEqual({ id: expect.any(String), kind: 'review_requested', evaluationId: id, title: expect.stringContaining('待审核通知测试项目') });
    const stored = (await reviewer.get('/api/me/notifications')).body.find((n: { id: string }) => n.id === notice.id);
    expect(stored).toMatchObject({ kind: 'review_requested', evaluationId: id });
    await inbox.next<{ review: number }>('queues', (q) => q.review >= 1);

    // The colleague drafts in the same unit: the change reaches them, the reviewer's notification does not.
    await bystander.next<EvaluationEvent>('evaluation', (e) => e.id === id && e.type === 'EvaluationSubmitted');
    expect(bystander.data('notification')).toEqual([]);
  });

  it("ends a disabled account's streams", async () => {
    const created = await admin.post('/api/users', { username: 'leaver', password: 'leaver-pass-1', displayName: '离职', roles: ['drafter'], unitIds: drafter.session!.user.unitIds });
    const leaver = await ApiClient.login(api.baseUrl, 'leaver', 'leaver-pass-1');
    const stream = await open(leaver);
    expect((await admin.patch(`/api/users/${created.body.id}`, { active: false })).status).toBe(200);
    await stream.until(() => stream.ended, 10_000, 'the end of the stream');
  });

  it('ends open streams when the API stops, without holding up its shutdown', async () => {
    const stream = await open(drafter);
    const started = Date.now();
    await api.stop();
    expect(Date.now() - started).toBeLessThan(10_000);
    await stream.until(() => stream.ended, 5_000, 'the end of the stream');
  });
});
