import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { ApiProcess } from './support/api-process.js';
import { ApiClient } from './support/api-client.js';
import { newMediaForm } from './support/forms.js';

describe('删除草稿: a Draft never published is discarded; its history stays, every read model drops it', () => {
  const api = new ApiProcess();
  let drafter: ApiClient;
  let reviewer: ApiClient;
  let manager: ApiClient;
  let outsider: ApiClient;

  beforeAll(async () => {
    await api.start();
    let admin: ApiClient;
    [drafter, reviewer, manager, admin] = await Promise.all(['drafter', 'reviewer', 'manager', 'admin'].map((u) => ApiClient.login(api.baseUrl, u)));
    const unit = await admin.post('/api/units', { name: '另一单位（删除草稿测试）', competentDepartment: '另一主管部门' });
    expect(unit.status).toBe(201);
    const user = await admin.post('/api/users', { username: 'discard-outsider', password: 'outsider-pass-1', displayName: '外单位填报人', roles: ['drafter'], unitIds: [unit.body.id] });
    expect(user.status).toBe(201);
    outsider = await ApiClient.login(api.baseUrl, 'discard-outsider', 'outsider-pass-1');
  });

  afterAll(async () => {
    await api.stop();
  });

  const count = async (sql: string, params: unknown[] = []) => Number((await api.query<{ n: string }>(sql, params))[0]!.n);

  it('takes a mistaken draft out of the lists, the board, the summary and the queues; the form answers 404, its events stay', async () => {
    const created = await drafter.post('/api/evaluations', newMediaForm({ fiscalYear: 2031, projectName: '误建的自评表' }));
    expect(created.status).toBe(201);
    const id = created.body.id as string;
    const view = (await drafter.get(`/api/evaluations/${id}`)).body;
    expect(view.allowedActions).toContain('discard');
    expect((await reviewer.get(`/api/evaluations/${id}`)).body.allowedActions).not.toContain('discard');
    const boardBefore = (await manager.get('/api/board?fiscalYear=2031')).body;
    expect(boardBefore.byStatus.Draft).toBe(1);

    const discarded = await drafter.post(`/api/evaluations/${id}/discard`, { expectedVersion: view.version, reason: '重复创建' });
    expect(discarded.status).toBe(200);
    expect(discarded.body).toEqual({ id, version: view.version + 1, discarded: true });

    expect((await drafter.get(`/api/evaluations/${id}`)).status).toBe(404);
    // Its history (操作记录) stays readable to those who could read the form: who discarded it, when and why.
    const history = await manager.get(`/api/evaluations/${id}/history`);
    expect(history.status).toBe(200);
    expect(history.body.map((e: { type: string }) => e.type)).toEqual(['EvaluationDrafted', 'EvaluationDiscarded']);
    expect(history.body[1]).toMatchObject({ actor: { username: 'drafter' }, payload: { reason: '重复创建' } });
    expect((await drafter.get(`/api/evaluations/${id}/history?forms=false`)).status).toBe(200);
    expect((await outsider.get(`/api/evaluations/${id}/history`)).status).toBe(404);
    expect((await drafter.get('/api/evaluations/00000000-0000-4000-8000-000000000000/history')).status).toBe(404);
    expect((await drafter.get('/api/evaluations?fiscalYear=2031')).body).toEqual({ items: [], total: 0 });
    expect((await drafter.get('/api/evaluations?queue=drafts&pageSize=100')).body.items.map((i: { id: string }) => i.id)).not.toContain(id);
    expect((await manager.get('/api/board?fiscalYear=2031')).body).toMatchObject({ total: 0, byStatus: { Draft: 0 } });
    expect((await manager.get('/api/summary?fiscalYear=2031')).body.rows ?? []).toEqual([]);
    // The history keeps it: the drafting and the discard, with the reason and who did it.
    const events = await api.query<{ type: string; payload: { reason?: string } }>('SELECT type, payload FROM evaluation_events WHERE evaluation_id = $1 ORDER BY version', [id]);
    expect(events.map((e) => e.type)).toEqual(['EvaluationDrafted', 'EvaluationDiscarded']);
    expect(events[1]!.payload).toEqual({ reason: '重复创建' });
    expect(await count('SELECT count(*) AS n FROM evaluations WHERE id = $1', [id])).toBe(0);
    // Nothing more can be done to it.
    expect((await drafter.post(`/api/evaluations/${id}/discard`, { expectedVersion: view.version + 1 })).status).toBe(404);
    expect((await drafter.put(`/api/evaluations/${id}`, { ...newMediaForm({ fiscalYear: 2031 }), expectedVersion: view.version + 1 })).status).toBe(404);
  });

  it('refuses a correction under way, a submitted form, a reviewer, a stale version and a body it does not know, writing nothing', async () => {
    const events = () => count('SELECT count(*) AS n FROM evaluation_events');
    const created = (await drafter.post('/api/evaluations', newMediaForm({ fiscalYear: 2032, projectName: '要更正的表' }))).body;
    const before = await events();
    expect((await drafter.post(`/api/evaluations/${created.id}/discard`, { expectedVersion: created.version, extra: 1 })).body.code).toBe('VALIDATION_FAILED');
    expect((await drafter.post(`/api/evaluations/${created.id}/discard`, { expectedVersion: '1' })).body.code).toBe('VALIDATION_FAILED');
    expect((await drafter.post(`/api/evaluations/${created.id}/discard`, { expectedVersion: created.version, reason: 'x'.repeat(4001) })).body.code).toBe('VALIDATION_FAILED');
    const stale = await drafter.post(`/api/evaluations/${created.id}/discard`, { expectedVersion: created.version + 5 });
    expect({ status: stale.status, code: stale.body.code }).toEqual({ status: 409, code: 'VERSION_CONFLICT' });
    const byReviewer = await reviewer.post(`/api/evaluations/${created.id}/discard`, { expectedVersion: created.version });
    expect({ status: byReviewer.status, code: byReviewer.body.code }).toEqual({ status: 403, code: 'FORBIDDEN' });
    expect(await events()).toBe(before);

    // Submitted: 409; then approved, published and reopened for a correction: a published revision exists, 409 DISCARD_NOT_ALLOWED.
    let version = (await drafter.post(`/api/evaluations/${created.id}/submit`, { expectedVersion: created.version })).body.version;
    const submitted = await drafter.post(`/api/evaluations/${created.id}/discard`, { expectedVersion: version });
    expect({ status: submitted.status, code: submitted.body.code }).toEqual({ status: 409, code: 'ILLEGAL_TRANSITION' });
    version = (await reviewer.post(`/api/evaluations/${created.id}/approve`, { expectedVersion: version })).body.version;
    version = (await manager.post(`/api/evaluations/${created.id}/publish`, { expectedVersion: version })).body.version;
    const reopened = await manager.post(`/api/evaluations/${created.id}/reopen`, { expectedVersion: version, reason: '更正执行数' });
    expect(reopened.body).toMatchObject({ status: 'Draft' });
    const afterReopen = await events();
    const view = (await drafter.get(`/api/evaluations/${created.id}`)).body;
    expect(view.allowedActions).not.toContain('discard');
    const correction = await drafter.post(`/api/evaluations/${created.id}/discard`, { expectedVersion: reopened.body.version });
    expect({ status: correction.status, code: correction.body.code, message: correction.body.message }).toEqual({ status: 409, code: 'DISCARD_NOT_ALLOWED', message: expect.stringContaining('不能删除') });
    expect(await events()).toBe(afterReopen);
    expect((await drafter.get(`/api/evaluations/${created.id}`)).status).toBe(200);
  });

  it('lets a file be imported again once every form it brought was discarded (imported as drafts by mistake)', async () => {
    // The sample file under other project names (the demo imported the sample itself at start-up).
    const text = readFileSync(path.resolve(import.meta.dirname, '../samples/beijing-gwc-2021-self-evaluations.txt'), 'utf8').replaceAll('青少年迷你冬奥会项目', '青少年迷你冬奥会工程');
    const importOnce = () => drafter.postText('/api/imports/self-evaluations?fiscalYear=2021&as=draft', text);
    const first = await importOnce();
    expect({ status: first.status, body: first.status === 201 ? null : first.body }).toEqual({ status: 201, body: null });
    const forms = first.body.evaluations as { id: string }[];
    expect(forms.length).toBeGreaterThan(1);
    expect((await importOnce()).body).toMatchObject({ duplicate: true, evaluations: forms.map((f) => expect.objectContaining({ id: f.id })) });
    // One discarded: the file is still known, with the forms it still has.
    const version = async (id: string) => (await drafter.get(`/api/evaluations/${id}`)).body.version as number;
    expect((await drafter.post(`/api/evaluations/${forms[0]!.id}/discard`, { expectedVersion: await version(forms[0]!.id) })).status).toBe(200);
    expect((await importOnce()).body).toMatchObject({ duplicate: true, evaluations: forms.slice(1).map((f) => expect.objectContaining({ id: f.id })) });
    // All discarded: the next import is a new one.
    for (const form of forms.slice(1)) expect((await drafter.post(`/api/evaluations/${form.id}/discard`, { expectedVersion: await version(form.id) })).status).toBe(200);
    const again = await importOnce();
    expect(again.status).toBe(201);
    expect(again.body.duplicate).toBe(false);
    expect(again.body.evaluations).toHaveLength(forms.length);
    expect(again.body.evaluations.map((f: { id: string }) => f.id)).not.toContain(forms[0]!.id);
  });

  it('keeps a discarded draft out when the read models are rebuilt from the history', async () => {
    const created = (await drafter.post('/api/evaluations', newMediaForm({ fiscalYear: 2033, projectName: '重建时也不出现' }))).body;
    expect((await drafter.post(`/api/evaluations/${created.id}/discard`, { expectedVersion: created.version })).status).toBe(200);
    api.cli(['rebuild-projections']);
    expect(await count('SELECT count(*) AS n FROM evaluations WHERE id = $1', [created.id])).toBe(0);
    expect(await count(`SELECT count(*) AS n FROM evaluation_events WHERE evaluation_id = $1`, [created.id])).toBe(2);
    expect((await manager.get('/api/board?fiscalYear=2033')).body.total).toBe(0);
  });
});
