import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { ApiProcess } from './support/api-process.js';
import { ApiClient } from './support/api-client.js';
import { newMediaForm } from './support/forms.js';

interface Ref {
  id: string;
  version: number;
}

interface ItemResult {
  id: string;
  ok: boolean;
  status?: string;
  version?: number;
  code?: string;
  message?: string;
}

describe('Bulk approve, return and publish through the HTTP API', () => {
  const api = new ApiProcess();
  let drafter: ApiClient;
  let reviewer: ApiClient;
  let manager: ApiClient;
  let admin: ApiClient;
  /** Drafter and reviewer of another unit. */
  let outsider: ApiClient;
  /** Drafter and reviewer of the demo unit: reviews others' forms, never their own. */
  let author: ApiClient;

  beforeAll(async () => {
    await api.start();
    [drafter, reviewer, manager, admin] = await Promise.all(['drafter', 'reviewer', 'manager', 'admin'].map((u) => ApiClient.login(api.baseUrl, u)));
    const unit = await admin.post('/api/units', { name: '北京市某区教育委员会', competentDepartment: '北京市教育委员会' });
    expect(unit.status).toBe(201);
    const people = [
      { username: 'other-unit', password: 'other-pass-1', displayName: '外单位填报审核', roles: ['drafter', 'reviewer'], unitIds: [unit.body.id] },
      { username: 'author', password: 'author-pass-1', displayName: '兼任填报审核', roles: ['drafter', 'reviewer'], unitIds: drafter.session!.user.unitIds },
    ];
    for (const p of people) expect((await admin.post('/api/users', p)).status).toBe(201);
    outsider = await ApiClient.login(api.baseUrl, 'other-unit', 'other-pass-1');
    author = await ApiClient.login(api.baseUrl, 'author', 'author-pass-1');
  });

  afterAll(async () => {
    await api.stop();
  });

  async function draft(by: ApiClient, projectName: string): Promise<Ref> {
    const res = await by.post('/api/evaluations', newMediaForm({ projectName }));
    expect(res.status).toBe(201);
    return { id: res.body.id, version: res.body.version };
  }

  async function submitted(by: ApiClient, projectName: string): Promise<Ref> {
    const { id } = await draft(by, projectName);
    const res = await by.post(`/api/evaluations/${id}/submit`, { expectedVersion: 1 });
    expect(res.status).toBe(200);
    return { id, version: res.body.version };
  }

  /** `n` submitted forms made through the API, a few at a time, in the order of their names. */
  async function manySubmitted(n: number, prefix: string, by = drafter): Promise<Ref[]> {
    const forms: Ref[] = [];
    for (let i = 0; i < n; i += 10) {
      const batch = Array.from({ length: Math.min(10, n - i) }, (_, j) => submitted(by, `${prefix}${String(i + j + 1).padStart(2, '0')}`));
      forms.push(...(await Promise.all(batch)));
    }
    return forms;
  }

  const items = (forms: Ref[]) => forms.map(({ id, version }) => ({ id, expectedVersion: version }));

  /** What every command writes: the events and every form's version and status. */
  async function fingerprint(): Promise<string> {
    const [row] = await api.query<{ f: string }>(
      `SELECT (SELECT count(*) FROM evaluation_events) || '|' || (SELECT string_agg(id || ':' || version || ':' || status, ',' ORDER BY id) FROM evaluations) AS f`,
    );
    return row.f;
  }

  async function stateOf(id: string): Promise<{ status: string; version: number }> {
    const res = await manager.get(`/api/evaluations/${id}`);
    expect(res.status).toBe(200);
    return { status: res.body.status, version: res.body.version };
  }

  it('approves 50 submitted forms in one request: 47 move to Reviewed, the 3 with a stale version are refused, in the order given', async () => {
    const forms = await manySubmitted(50, '批量审核-');
    const stale = new Set([4, 23, 49]);
    const sent = forms.map((f, i) => ({ id: f.id, expectedVersion: stale.has(i) ? f.version - 1 : f.version }));

    const res = await reviewer.post('/api/evaluations/bulk/approve', { items: sent, comment: '同意' });
    expect(res.status).toBe(200);
    const results: ItemResult[] = res.body.results;
    expect(results.map((r) => r.id)).toEqual(forms.map((f) => f.id));
    results.forEach((r, i) => {
      if (stale.has(i)) {
        expect(r).toEqual({ id: forms[i].id, ok: false, code: 'VERSION_CONFLICT', message: expect.stringContaining('表单已被他人修改') });
      } else {
        expect(r).toEqual({ id: forms[i].id, ok: true, status: 'Reviewed', version: forms[i].version + 1 });
      }
    });
    expect(results.filter((r) => r.ok)).toHaveLength(47);

    // Each form was its own command: the approved ones carry the comment, the stale ones did not move.
    const rows = await api.query<{ id: string; status: string; version: number }>('SELECT id, status, version FROM evaluations WHERE id = ANY($1::uuid[])', [forms.map((f) => f.id)]);
    const byId = new Map(rows.map((r) => [r.id, r]));
    forms.forEach((f, i) => expect([i, byId.get(f.id)!.status, byId.get(f.id)!.version]).toEqual(stale.has(i) ? [i, 'Submitted', 2] : [i, 'Reviewed', 3]));
    const approved = await reviewer.get(`/api/evaluations/${forms[0].id}`);
    expect(approved.body.comments.map((c: { kind: string; text: string }) => [c.kind, c.text])).toEqual([['approval', '同意']]);
    const history = await reviewer.get(`/api/evaluations/${forms[0].id}/history`);
    expect(history.body.map((e: { type: string; actor: { username: string } }) => [e.type, e.actor.username]).at(-1)).toEqual(['EvaluationApproved', 'reviewer']);

    // A retry with the versions just answered does the rest.
    const retry = await reviewer.post('/api/evaluations/bulk/approve', { items: [...stale].map((i) => ({ id: forms[i].id, expectedVersion: 2 })) });
    expect(retry.body.results.map((r: ItemResult) => [r.ok, r.status])).toEqual([[true, 'Reviewed'], [true, 'Reviewed'], [true, 'Reviewed']]);
  });

  it("answers each refused form as it would be answered alone: another unit's, a Draft, one's own, an unknown id", async () => {
    const [first, last] = await manySubmitted(2, '批量混合-');
    const otherUnits = await submitted(outsider, '外单位已提交');
    const aDraft = await draft(drafter, '批量混合-草稿');
    const own = await submitted(author, '批量混合-本人填报');
    const unknown = { id: randomUUID(), version: 2 };
    const reviewed = await submitted(drafter, '批量混合-已审核');
    expect((await reviewer.post(`/api/evaluations/${reviewed.id}/approve`, { expectedVersion: 2 })).status).toBe(200);
    reviewed.version = 3;

    const forms = [first, otherUnits, aDraft, own, unknown, reviewed, last];
    const res = await author.post('/api/evaluations/bulk/approve', { items: items(forms) });
    expect(res.status).toBe(200);
    const results: ItemResult[] = res.body.results;
    expect(results.map((r) => [r.id, r.ok, r.ok ? r.status : r.code])).toEqual([
      [first.id, true, 'Reviewed'],
      [otherUnits.id, false, 'NOT_FOUND'],
      [aDraft.id, false, 'ILLEGAL_TRANSITION'],
      [own.id, false, 'SELF_REVIEW_FORBIDDEN'],
      [unknown.id, false, 'NOT_FOUND'],
      [reviewed.id, false, 'ILLEGAL_TRANSITION'],
      [last.id, true, 'Reviewed'],
    ]);
    // The same code and message as the single command gives for that form (nothing about them changed since).
    for (const [i, form] of forms.entries()) {
      if (results[i].ok) continue;
      const alone = await author.post(`/api/evaluations/${form.id}/approve`, { expectedVersion: form.version });
      expect({ code: results[i].code, message: results[i].message }).toEqual({ code: alone.body.code, message: alone.body.message });
      expect(alone.status).toBeGreaterThanOrEqual(400);
    }
    expect(results[1].message).toBe(`评价表不存在：${otherUnits.id}`);
    expect(results[3].message).toBe('审核人不能审核自己填报或最后修改的表单');
    expect(await stateOf(otherUnits.id)).toEqual({ status: 'Submitted', version: 2 });
    expect(await stateOf(own.id)).toEqual({ status: 'Submitted', version: 2 });
    expect(await stateOf(aDraft.id)).toEqual({ status: 'Draft', version: 1 });
  });

  it('is answered by the bulk route, not taken by POST /evaluations/:id/approve with id "bulk"', async () => {
    const [form] = await manySubmitted(1, '批量路由-');
    for (const action of ['approve', 'return', 'publish']) {
      // The body of a single command: refused as a bulk body (a 404 NOT_FOUND for a form "bulk" would mean the wrong route).
      const single = await manager.post(`/api/evaluations/bulk/${action}`, { expectedVersion: 2 });
      expect([action, single.status, single.body.code]).toEqual([action, 400, 'VALIDATION_FAILED']);
      expect(single.body.details.fields.map((f: { field: string }) => f.field).sort()).toEqual(['expectedVersion', 'items']);
    }
    const bulk = await reviewer.post('/api/evaluations/bulk/approve', { items: items([form]) });
    expect(bulk.body).toEqual({ results: [{ id: form.id, ok: true, status: 'Reviewed', version: 3 }] });
    // The single routes still answer.
    expect((await manager.post(`/api/evaluations/${form.id}/publish`, { expectedVersion: 3 })).body).toMatchObject({ status: 'Published', version: 4 });
  });

  it('is described in the OpenAPI document: body and answer', async () => {
    const doc = (await new ApiClient(api.baseUrl).get('/api/docs-json')).body;
    for (const action of ['approve', 'return', 'publish']) {
      const op = doc.paths[`/api/evaluations/bulk/${action}`]?.post;
      expect([action, Boolean(op?.requestBody), Boolean(op?.responses?.['200']?.content)]).toEqual([action, true, true]);
    }
    const items = doc.components.schemas.BulkApproveDto.properties.items;
    expect({ minItems: items.minItems, maxItems: items.maxItems }).toEqual({ minItems: 1, maxItems: 200 });
    expect(Object.keys(doc.components.schemas.BulkItemResultDto.properties).sort()).toEqual(['code', 'id', 'message', 'ok', 'status', 'version']);
  });

  it('returns several forms with one general comment, or with the comments given, each form receiving them', async () => {
    const forms = await manySubmitted(3, '批量退回-');
    const res = await reviewer.post('/api/evaluations/bulk/return', { items: items(forms.slice(0, 2)), comment: '请补充佐证材料' });
    expect(res.status).toBe(200);
    expect(res.body.results).toEqual(forms.slice(0, 2).map((f) => ({ id: f.id, ok: true, status: 'Draft', version: 3 })));
    for (const f of forms.slice(0, 2)) {
      const view = (await drafter.get(`/api/evaluations/${f.id}`)).body;
      expect(view.returned).toBe(true);
      expect(view.comments.map((c: { kind: string; target: string | null; text: string }) => [c.kind, c.target, c.text])).toEqual([['return', null, '请补充佐证材料']]);
    }

    const both = await reviewer.post('/api/evaluations/bulk/return', {
      items: items(forms.slice(2)),
      comment: '总体意见',
      comments: [{ target: 'contactPhone', text: '请填写手机号' }, { text: '第二条总体意见' }],
    });
    expect(both.body.results).toEqual([{ id: forms[2].id, ok: true, status: 'Draft', version: 3 }]);
    const view = (await drafter.get(`/api/evaluations/${forms[2].id}`)).body;
    expect(view.comments.map((c: { target: string | null; text: string }) => [c.target, c.text])).toEqual([
      [null, '总体意见'],
      ['contactPhone', '请填写手机号'],
      [null, '第二条总体意见'],
    ]);
  });

  it('refuses a return without a comment as a single return is refused (422), touching no form', async () => {
    const forms = await manySubmitted(2, '批量退回无意见-');
    const before = await fingerprint();
    for (const body of [{}, { comment: '   ' }, { comments: [] }, { comments: [{ text: ' ' }] }]) {
      const res = await reviewer.post('/api/evaluations/bulk/return', { items: items(forms), ...body });
      expect([JSON.stringify(body), res.status, res.body.code, res.body.message]).toEqual([JSON.stringify(body), 422, 'RETURN_COMMENT_REQUIRED', '退回表单须至少填写一条意见']);
    }
    const alone = await reviewer.post(`/api/evaluations/${forms[0].id}/return`, { expectedVersion: 2, comments: [{ text: ' ' }] });
    expect([alone.status, alone.body.code, alone.body.message]).toEqual([422, 'RETURN_COMMENT_REQUIRED', '退回表单须至少填写一条意见']);
    expect(await fingerprint()).toBe(before);
  });

  it('publishes reviewed forms for a manager; a reviewer or a drafter is refused as a whole (403) and nothing changes', async () => {
    const forms = await manySubmitted(3, '批量公开-');
    const approved = await reviewer.post('/api/evaluations/bulk/approve', { items: items(forms) });
    const reviewed = forms.map((f, i) => ({ id: f.id, version: approved.body.results[i].version as number }));

    const before = await fingerprint();
    for (const [who, client, action] of [['reviewer', reviewer, 'publish'], ['drafter', drafter, 'publish'], ['drafter', drafter, 'approve'], ['manager', manager, 'return']] as const) {
      const res = await client.post(`/api/evaluations/bulk/${action}`, { items: items(reviewed), ...(action === 'return' ? { comment: 'x' } : {}) });
      expect([who, action, res.status, res.body.code]).toEqual([who, action, 403, 'FORBIDDEN']);
      expect(res.body.message).toMatch(/您没有执行此操作的权限/);
    }
    expect(await fingerprint()).toBe(before);

    // A form not yet reviewed in the same request: refused alone, the others published.
    const notYet = await submitted(drafter, '批量公开-未审核');
    const res = await manager.post('/api/evaluations/bulk/publish', { items: items([reviewed[0], notYet, reviewed[1], reviewed[2]]) });
    expect(res.status).toBe(200);
    expect(res.body.results.map((r: ItemResult) => [r.ok, r.ok ? r.status : r.code])).toEqual([
      [true, 'Published'],
      [false, 'ILLEGAL_TRANSITION'],
      [true, 'Published'],
      [true, 'Published'],
    ]);
    expect(res.body.results[1].message).toBe('当前状态「已提交」不允许执行「公开」');
    expect(await stateOf(reviewed[2].id)).toEqual({ status: 'Published', version: reviewed[2].version + 1 });
  });

  it('refuses hostile bodies with 400 naming the field, and changes nothing', async () => {
    const forms = await manySubmitted(2, '批量敌意输入-');
    const good = items(forms);
    const tooMany = Array.from({ length: 201 }, () => ({ id: randomUUID(), expectedVersion: 1 }));
    const cases: [string, unknown, string[]][] = [
      ['no items', { items: [] }, ['items']],
      ['201 items', { items: tooMany }, ['items']],
      ['the same form twice', { items: [good[0], good[1], good[0]] }, ['items']],
      ['the same form twice, in another case', { items: [good[0], { ...good[0], id: good[0].id.toUpperCase() }] }, ['items']],
      ['an id that is not a UUID', { items: [good[0], { id: 'bulk', expectedVersion: 2 }] }, ['items[1].id']],
      ['a number for an id', { items: [{ id: 42, expectedVersion: 2 }] }, ['items[0].id']],
      ['no expectedVersion', { items: [good[0], { id: good[1].id }] }, ['items[1].expectedVersion']],
      ['a text expectedVersion', { items: [{ id: good[0].id, expectedVersion: '2' }] }, ['items[0].expectedVersion']],
      ['expectedVersion 0', { items: [{ id: good[0].id, expectedVersion: 0 }] }, ['items[0].expectedVersion']],
      ['an unknown field at the top', { items: good, zz: 1 }, ['zz']],
      ['an unknown field in an item', { items: [good[0], { ...good[1], status: 'Reviewed' }] }, ['items[1].status']],
      ['comments on an approval', { items: good, comments: [{ text: '同意' }] }, ['comments']],
      ['items that are not a list', { items: { id: good[0].id, expectedVersion: 2 } }, ['items']],
      ['items that are not objects', { items: [good[0].id] }, ['items[0]']],
      ['no items at all', { comment: '同意' }, ['items']],
      ['a comment that is not text', { items: good, comment: 5 }, ['comment']],
    ];
    const before = await fingerprint();
    for (const [what, body, named] of cases) {
      const res = await reviewer.post('/api/evaluations/bulk/approve', body as object);
      expect([what, res.status, res.body.code]).toEqual([what, 400, 'VALIDATION_FAILED']);
      expect([what, res.body.details.fields.map((f: { field: string }) => f.field)]).toEqual([what, expect.arrayContaining(named)]);
      expect(res.body.message).toMatch(/^输入有误/);
    }
    const returnCases: [string, unknown, string[]][] = [
      ['an unknown field in a comment', { items: good, comments: [{ text: 'x', zz: 1 }] }, ['comments[0].zz']],
      ['a comment without text', { items: good, comments: [{ target: 'projectName' }] }, ['comments[0].text']],
    ];
    for (const [what, body, named] of returnCases) {
      const res = await reviewer.post('/api/evaluations/bulk/return', body as object);
      expect([what, res.status, res.body.details?.fields.map((f: { field: string }) => f.field)]).toEqual([what, 400, expect.arrayContaining(named)]);
    }
    const publish = await manager.post('/api/evaluations/bulk/publish', { items: good, comment: '公开' });
    expect([publish.status, publish.body.details.fields.map((f: { field: string }) => f.field)]).toEqual([400, ['comment']]);
    const duplicate = await reviewer.post('/api/evaluations/bulk/approve', { items: [good[0], good[0]] });
    expect(duplicate.body.details.fields).toEqual([{ field: 'items', messages: ['同一张自评表不能重复出现'] }]);
    const many = await reviewer.post('/api/evaluations/bulk/approve', { items: tooMany });
    expect(many.body.details.fields).toEqual([{ field: 'items', messages: ['一次最多处理 200 张自评表'] }]);
    expect(await fingerprint()).toBe(before);

    // 200 is allowed: unknown ids, each answered NOT_FOUND.
    const most = await reviewer.post('/api/evaluations/bulk/approve', { items: tooMany.slice(0, 200) });
    expect(most.status).toBe(200);
    expect(new Set(most.body.results.map((r: ItemResult) => r.code))).toEqual(new Set(['NOT_FOUND']));
    expect(await fingerprint()).toBe(before);
  });

  it('answers 401 without a token', async () => {
    const res = await new ApiClient(api.baseUrl).post('/api/evaluations/bulk/approve', { items: [{ id: randomUUID(), expectedVersion: 1 }] });
    expect([res.status, res.body.code]).toEqual([401, 'UNAUTHENTICATED']);
  });
});
