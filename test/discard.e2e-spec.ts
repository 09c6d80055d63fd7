import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { ApiProcess } from './support/api-process.js';
import { ApiClient } from './support/api-client.js';
import { newMediaForm } from './support/forms.js';

describe('删除草稿: a Draft never published is discarded; its history stays, every read model drops it', () => {
  const api = new ApiProcess();
  let drafter: ApiClient;
  let reviewer: ApiClient;
  let manager: ApiClient;

  beforeAll(async () => {
    await api.start();
    [drafter, reviewer, manager] = await Promise.all(['drafter', 'reviewer', 'manager'].map((u) => ApiClient.login(api.baseUrl, u)));
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
    expect((await drafter.get(`/api/evaluations/${id}/history`)).status).toBe(404);
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

  it('keeps a discarded draft out when the read models are rebuilt from the history', async () => {
    const created = (await drafter.post('/api/evaluations', newMediaForm({ fiscalYear: 2033, projectName: '重建时也不出现' }))).body;
    expect((await drafter.post(`/api/evaluations/${created.id}/discard`, { expectedVersion: created.version })).status).toBe(200);
    api.cli(['rebuild-projections']);
    expect(await count('SELECT count(*) AS n FROM evaluations WHERE id = $1', [created.id])).toBe(0);
    expect(await count(`SELECT count(*) AS n FROM evaluation_events WHERE evaluation_id = $1`, [created.id])).toBe(2);
    expect((await manager.get('/api/board?fiscalYear=2033')).body.total).toBe(0);
  });
});
