import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { ApiProcess } from './support/api-process.js';
import { ApiClient } from './support/api-client.js';
import { newMediaForm } from './support/forms.js';

/**
 * The snapshot cache (a process skips reading back the state it wrote at the version a client sends) across two
 * API processes on one database: a client that edits through both never gets an answer computed on a state the
 * other process has moved past, and a stale version is refused, not applied.
 */
describe('Commands through two API processes with the snapshot cache', () => {
  const api = new ApiProcess();
  let a: ApiClient;
  let b: ApiClient;

  beforeAll(async () => {
    await api.start();
    const secondUrl = await api.startAnotherApi();
    a = await ApiClient.login(api.baseUrl, 'drafter');
    b = new ApiClient(secondUrl, a.session);
  });

  afterAll(async () => {
    await api.stop();
  });

  const edit = (client: ApiClient, id: string, projectName: string, expectedVersion: number) =>
    client.put(`/api/evaluations/${id}`, { ...newMediaForm({ projectName }), expectedVersion });

  it('answers each edit from the version the database holds, whichever process wrote the last one', async () => {
    const created = await a.post('/api/evaluations', newMediaForm({ projectName: '缓存 0' }));
    expect(created.status).toBe(201);
    const id = created.body.id;
    let version = created.body.version;

    // A writes v+1 (and remembers it), B writes v+2; A is then asked for v+1 (which it holds): refused, nothing written.
    expect((await edit(a, id, '缓存 A1', version)).status).toBe(200);
    expect((await edit(b, id, '缓存 B1', version + 1)).status).toBe(200);
    const stale = await edit(a, id, '缓存 A-过期', version + 1);
    expect(stale.status).toBe(409);
    expect(stale.body).toMatchObject({ code: 'VERSION_CONFLICT' });
    version += 2;

    // A asked for the current version: it reads the row B wrote and builds on it.
    const fresh = await edit(a, id, '缓存 A2', version);
    expect(fresh.status).toBe(200);
    expect(fresh.body.version).toBe(version + 1);
    version += 1;

    // Several edits in a row through A (the cached path), then through B: each sees the last.
    for (let i = 0; i < 5; i++) {
      const res = await edit(a, id, `缓存 A3-${i}`, version);
      expect(res.status).toBe(200);
      version = res.body.version;
    }
    const throughB = await edit(b, id, '缓存 B2', version);
    expect(throughB.status).toBe(200);
    version = throughB.body.version;

    // The history holds every accepted edit once, in order; both processes read the same form.
    const history = (await a.get(`/api/evaluations/${id}/history`)).body;
    const names = (history.items ?? history).filter((e: { type: string }) => e.type === 'EvaluationEdited').map((e: { payload?: { form?: { projectName?: string } } }) => e.payload?.form?.projectName);
    expect(names).toEqual(['缓存 A1', '缓存 B1', '缓存 A2', '缓存 A3-0', '缓存 A3-1', '缓存 A3-2', '缓存 A3-3', '缓存 A3-4', '缓存 B2']);
    for (const client of [a, b]) {
      const form = (await client.get(`/api/evaluations/${id}`)).body;
      expect(form).toMatchObject({ version, form: { projectName: '缓存 B2' } });
    }

    // A submit after edits through A starts from the state A holds, which is the row's.
    const submitted = await a.post(`/api/evaluations/${id}/submit`, { expectedVersion: version });
    expect(submitted.status).toBe(200);
    expect((await edit(a, id, '提交后不能改', version)).status).toBe(409);
  });

  it('answers a stale request the way the row does, not the way the remembered state would', async () => {
    const created = await a.post('/api/evaluations', newMediaForm({ projectName: '缓存 过期请求' }));
    const id = created.body.id;
    // A remembers version 2 (a Draft); B submits it (version 3, Submitted).
    const edited = await edit(a, id, '缓存 过期请求 A', created.body.version);
    expect(edited.status).toBe(200);
    expect((await b.post(`/api/evaluations/${id}/submit`, { expectedVersion: edited.body.version })).status).toBe(200);
    // The same stale edit through A (which holds version 2) and through B (which holds nothing): the same answer,
    // the row's (a submitted form cannot be edited), and nothing written.
    const throughA = await edit(a, id, '缓存 过期请求 再改', edited.body.version);
    const throughB = await edit(b, id, '缓存 过期请求 再改', edited.body.version);
    expect([throughA.status, throughA.body.code]).toEqual([throughB.status, throughB.body.code]);
    expect(throughA.status).toBe(409);
    // And a stale version of a command the old state would have refused for its own reason: the version is what is wrong.
    const resubmit = await a.post(`/api/evaluations/${id}/submit`, { expectedVersion: edited.body.version });
    const resubmitB = await b.post(`/api/evaluations/${id}/submit`, { expectedVersion: edited.body.version });
    expect([resubmit.status, resubmit.body.code]).toEqual([resubmitB.status, resubmitB.body.code]);
    const form = (await a.get(`/api/evaluations/${id}`)).body;
    expect(form).toMatchObject({ version: edited.body.version + 1, status: 'Submitted', form: { projectName: '缓存 过期请求 A' } });
  });
});
