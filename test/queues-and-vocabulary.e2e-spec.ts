import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import request from 'supertest';
import { ApiProcess } from './support/api-process.js';
import { ApiClient } from './support/api-client.js';
import { newMediaForm } from './support/forms.js';

interface Item {
  id: string;
  projectName: string;
  status: string;
  returned: boolean;
  submittedAt: string | null;
  deadline: { kind: string; at: string; cycleId: string; cycleName: string } | null;
  overdue: boolean;
}

const DAY = 24 * 3600 * 1000;

describe('Role queues, search, deadlines, finding places and the vocabulary through the HTTP API', () => {
  const api = new ApiProcess();
  let drafter: ApiClient;
  let reviewer: ApiClient;
  let manager: ApiClient;
  let admin: ApiClient;
  let both: ApiClient;
  let otherUnit: ApiClient;
  const ids: Record<string, string> = {};
  let pastCycle: { id: string; name: string; submissionDeadline: string; reviewDeadline: string };
  let futureCycle: { id: string; submissionDeadline: string };

  async function create(client: ApiClient, name: string, fiscalYear = 2030): Promise<string> {
    const res = await client.post('/api/evaluations', newMediaForm({ projectName: name, fiscalYear }));
    expect(res.status).toBe(201);
    return res.body.id;
  }

  const list = async (client: ApiClient, query: string): Promise<{ items: Item[]; total: number }> => {
    const res = await client.get(`/api/evaluations?${query}`);
    expect([query, res.status]).toEqual([query, 200]);
    return res.body;
  };
  const names = (items: Item[]) => items.map((i) => i.projectName);

  beforeAll(async () => {
    await api.start();
    [drafter, reviewer, manager, admin] = await Promise.all(['drafter', 'reviewer', 'manager', 'admin'].map((u) => ApiClient.login(api.baseUrl, u)));
    const unit = await admin.post('/api/units', { name: '北京市某区教育委员会', competentDepartment: '北京市教育委员会' });
    await admin.post('/api/users', { username: 'both', password: 'both-pass-1', displayName: '兼任', roles: ['drafter', 'reviewer'], unitIds: drafter.session!.user.unitIds });
    await admin.post('/api/users', { username: 'other', password: 'other-pass-1', displayName: '外单位', roles: ['drafter', 'reviewer'], unitIds: [unit.body.id] });
    both = await ApiClient.login(api.baseUrl, 'both', 'both-pass-1');
    otherUnit = await ApiClient.login(api.baseUrl, 'other', 'other-pass-1');

    // Created before any cycle of 2030 exists: the cycle of its year still covers it.
    ids.early = await create(drafter, '早建项目 50%_A');
    const now = Date.now();
    const past = await manager.post('/api/cycles', {
      fiscalYear: 2030,
      name: '2030 年度项目支出绩效自评',
      submissionDeadline: new Date(now - 2 * DAY).toISOString(),
      reviewDeadline: new Date(now - DAY).toISOString(),
    });
    expect(past.status).toBe(201);
    pastCycle = past.body;
    const future = await manager.post('/api/cycles', {
      fiscalYear: 2031,
      name: '2031 年度项目支出绩效自评',
      submissionDeadline: new Date(now + 10 * DAY).toISOString(),
      reviewDeadline: new Date(now + 20 * DAY).toISOString(),
    });
    futureCycle = future.body;

    ids.plain = await create(drafter, '普通项目 5000A');
    ids.submittedFirst = await create(drafter, '先提交项目');
    expect((await drafter.post(`/api/evaluations/${ids.submittedFirst}/submit`, { expectedVersion: 1 })).status).toBe(200);
    ids.ownSubmitted = await create(both, '兼任者自己的项目');
    expect((await both.post(`/api/evaluations/${ids.ownSubmitted}/submit`, { expectedVersion: 1 })).status).toBe(200);
    ids.approved = await create(drafter, '已审核项目');
    await drafter.post(`/api/evaluations/${ids.approved}/submit`, { expectedVersion: 1 });
    expect((await reviewer.post(`/api/evaluations/${ids.approved}/approve`, { expectedVersion: 2 })).status).toBe(200);
    ids.returned = await create(drafter, '被退回项目');
    await drafter.post(`/api/evaluations/${ids.returned}/submit`, { expectedVersion: 1 });
    expect((await reviewer.post(`/api/evaluations/${ids.returned}/return`, { expectedVersion: 2, comments: [{ text: '请补充' }, { target: 'indicators[0].deviation', text: '请说明偏差原因' }] })).status).toBe(200);
    ids.nextYear = await create(drafter, '明年项目', 2031);
    ids.otherUnit = await create(otherUnit, '外单位项目');
  });

  afterAll(async () => {
    await api.stop();
  });

  it('gives every item the deadline that applies now, whether it is overdue, and when it was submitted', async () => {
    const { items } = await list(manager, 'fiscalYear=2030&pageSize=100');
    const byId = new Map(items.map((i) => [i.id, i]));
    const submission = { kind: 'submission', at: pastCycle.submissionDeadline, cycleId: pastCycle.id, cycleName: pastCycle.name };
    expect(byId.get(ids.early)).toMatchObject({ status: 'Draft', deadline: submission, overdue: true, submittedAt: null });
    expect(byId.get(ids.returned)).toMatchObject({ status: 'Draft', returned: true, deadline: submission, overdue: true, submittedAt: null });
    expect(byId.get(ids.submittedFirst)).toMatchObject({
      status: 'Submitted',
      deadline: { kind: 'review', at: pastCycle.reviewDeadline, cycleId: pastCycle.id, cycleName: pastCycle.name },
      overdue: true,
      submittedAt: expect.any(String),
    });
    expect(byId.get(ids.approved)).toMatchObject({ status: 'Reviewed', deadline: null, overdue: false, submittedAt: expect.any(String) });
    const nextYear = (await list(drafter, 'fiscalYear=2031')).items[0];
    expect(nextYear).toMatchObject({ id: ids.nextYear, deadline: { kind: 'submission', at: futureCycle.submissionDeadline, cycleId: futureCycle.id }, overdue: false });
    const [published] = (await list(manager, 'fiscalYear=2021&status=Published&pageSize=1')).items;
    expect(published).toMatchObject({ deadline: null, overdue: false, submittedAt: null });
  });

  it("shows a form's own deadline, submission time, commented places, and never offers review of one's own form", async () => {
    const submitted = (await reviewer.get(`/api/evaluations/${ids.submittedFirst}`)).body;
    expect(submitted.submittedAt).toEqual(expect.any(String));
    expect(submitted.deadline).toEqual({ kind: 'review', at: new Date(pastCycle.reviewDeadline).toISOString(), cycleId: pastCycle.id, cycleName: pastCycle.name });
    expect(submitted.allowedActions).toEqual(expect.arrayContaining(['approve', 'return']));
    const own = (await both.get(`/api/evaluations/${ids.ownSubmitted}`)).body;
    expect(own.allowedActions).not.toContain('approve');
    expect(own.allowedActions).not.toContain('return');
    const draft = (await drafter.get(`/api/evaluations/${ids.plain}`)).body;
    expect(draft.submittedAt).toBeNull();
    expect(draft.deadline).toMatchObject({ kind: 'submission', cycleId: pastCycle.id });
    const returned = (await drafter.get(`/api/evaluations/${ids.returned}`)).body;
    expect(returned.comments.map((c: { target: string | null; place: string | null }) => [c.target, c.place])).toEqual([
      [null, null],
      ['indicators[0].deviation', '绩效指标第 1 行·偏差原因分析及改进措施'],
    ]);
  });

  it('review: Submitted forms the user may review, oldest submission first, never their own', async () => {
    expect(names((await list(reviewer, 'queue=review')).items)).toEqual(['先提交项目', '兼任者自己的项目']);
    // `both` drafted 兼任者自己的项目: the self-review rule keeps it out of their queue.
    expect(names((await list(both, 'queue=review')).items)).toEqual(['先提交项目']);
    expect(await list(drafter, 'queue=review')).toEqual({ items: [], total: 0 });
    expect((await list(otherUnit, 'queue=review')).total).toBe(0);
  });

  it('publish: Reviewed forms for managers; nobody else has that queue', async () => {
    expect(names((await list(manager, 'queue=publish')).items)).toEqual(['已审核项目']);
    expect((await list(drafter, 'queue=publish')).total).toBe(0);
  });

  it('overdue: Drafts past the submission deadline and Submitted forms past the review deadline, earliest deadline first', async () => {
    const { items, total } = await list(manager, 'queue=overdue&pageSize=100');
    expect(total).toBe(6);
    expect(new Set(items.map((i) => i.id))).toEqual(new Set([ids.early, ids.plain, ids.returned, ids.otherUnit, ids.submittedFirst, ids.ownSubmitted]));
    expect(items.slice(0, 4).every((i) => i.deadline?.kind === 'submission')).toBe(true);
    expect(items.slice(4).every((i) => i.deadline?.kind === 'review')).toBe(true);
    expect(items.every((i) => i.overdue)).toBe(true);
    // As a filter it keeps the list's unit scoping.
    expect((await list(otherUnit, 'queue=overdue')).items.map((i) => i.id)).toEqual([ids.otherUnit]);
  });

  it("drafts: the user's own units' Drafts, returned first, then the most recently updated", async () => {
    const { items } = await list(drafter, 'queue=drafts');
    expect(names(items)).toEqual(['被退回项目', '明年项目', '普通项目 5000A', '早建项目 50%_A']);
    expect((await list(manager, 'queue=drafts')).total).toBe(0);
  });

  it('combines a queue with the other filters and paging', async () => {
    expect(names((await list(drafter, 'queue=drafts&fiscalYear=2031')).items)).toEqual(['明年项目']);
    const page = await list(manager, 'queue=overdue&pageSize=2&page=2');
    expect(page.total).toBe(6);
    expect(page.items).toHaveLength(2);
    expect((await list(manager, 'queue=review&status=Draft')).total).toBe(0);
  });

  it('searches project names case-insensitively, with LIKE wildcards taken literally', async () => {
    expect(names((await list(drafter, `q=${encodeURIComponent('  早建 ')}`)).items)).toEqual(['早建项目 50%_A']);
    expect(names((await list(drafter, `q=${encodeURIComponent('50%_a')}`)).items)).toEqual(['早建项目 50%_A']);
    expect(names((await list(drafter, `q=${encodeURIComponent('%')}`)).items)).toEqual(['早建项目 50%_A']);
    expect(names((await list(drafter, `q=${encodeURIComponent('5_')}`)).items)).toEqual([]);
    expect(names((await list(drafter, `q=${encodeURIComponent('项目')}&queue=drafts&fiscalYear=2030`)).items)).toEqual(['被退回项目', '普通项目 5000A', '早建项目 50%_A']);
    expect((await list(otherUnit, `q=${encodeURIComponent('早建')}`)).total).toBe(0);
  });

  it('refuses bad search and queue parameters with 400 naming them', async () => {
    for (const [query, field] of [
      ['queue=mine', 'queue'],
      ['q=', 'q'],
      [`q=${encodeURIComponent('   ')}`, 'q'],
      [`q=${encodeURIComponent('长'.repeat(101))}`, 'q'],
      ['q=a&q=b', 'q'],
      ['sort=name', 'sort'],
    ]) {
      const res = await drafter.get(`/api/evaluations?${query}`);
      expect([query, res.status, res.body.code]).toEqual([query, 400, 'VALIDATION_FAILED']);
      expect(res.body.details.fields.map((f: { field: string }) => f.field)).toContain(field);
    }
  });

  it('counts the queues of the signed-in user, 0 for the queues of roles they do not have', async () => {
    const counts = async (client: ApiClient) => {
      const res = await client.get('/api/me/queues');
      expect(res.status).toBe(200);
      return res.body;
    };
    expect(await counts(reviewer)).toEqual({ review: 2, publish: 0, overdue: 0, drafts: 0, returned: 0 });
    expect(await counts(both)).toEqual({ review: 1, publish: 0, overdue: 0, drafts: 4, returned: 1 });
    expect(await counts(drafter)).toEqual({ review: 0, publish: 0, overdue: 0, drafts: 4, returned: 1 });
    expect(await counts(manager)).toEqual({ review: 0, publish: 1, overdue: 6, drafts: 0, returned: 0 });
    expect(await counts(admin)).toEqual({ review: 0, publish: 1, overdue: 6, drafts: 0, returned: 0 });
    expect(await counts(otherUnit)).toEqual({ review: 0, publish: 0, overdue: 0, drafts: 1, returned: 0 });
    expect((await request(api.baseUrl).get('/api/me/queues')).status).toBe(401);
  });

  it('applies the newest open cycle of the year to all its forms, as reminders do, and the older one again once the newer closes', async () => {
    const newer = await manager.post('/api/cycles', {
      fiscalYear: 2030,
      name: '2030 年度补充批次',
      submissionDeadline: new Date(Date.now() + 5 * DAY).toISOString(),
      reviewDeadline: new Date(Date.now() + 6 * DAY).toISOString(),
    });
    expect(newer.status).toBe(201);
    try {
      const items = new Map((await list(manager, 'fiscalYear=2030&pageSize=100')).items.map((i) => [i.id, i]));
      // Whenever created, every form of the year follows the newest open cycle.
      expect(items.get(ids.plain)).toMatchObject({ deadline: { cycleId: newer.body.id }, overdue: false });
      expect(items.get(ids.early)).toMatchObject({ deadline: { cycleId: newer.body.id }, overdue: false });
    } finally {
      expect((await manager.patch(`/api/cycles/${newer.body.id}`, { status: 'closed' })).status).toBe(200);
    }
    const early = (await list(manager, 'fiscalYear=2030&pageSize=100')).items.find((i) => i.id === ids.early);
    expect(early?.deadline?.cycleId).toBe(pastCycle.id);
  });

  it('labels every finding with its place, in GET and in the 422 of a blocked submission', async () => {
    const form = newMediaForm({ projectName: '有问题的项目', fiscalYear: 2030 });
    form.indicators[3] = { ...form.indicators[3], score: 8, deviation: '' };
    const created = await drafter.post('/api/evaluations', form);
    const id = created.body.id;
    const blocked = await drafter.post(`/api/evaluations/${id}/submit`, { expectedVersion: 1 });
    expect(blocked.status).toBe(422);
    expect(blocked.body.details.findings).toContainEqual(
      expect.objectContaining({ code: 'DEVIATION_ANALYSIS_MISSING', path: 'indicators[3].deviation', place: '绩效指标第 4 行·偏差原因分析及改进措施' }),
    );
    await api.settled();
    const detail = await drafter.get(`/api/evaluations/${id}`);
    expect(detail.status).toBe(200);
    expect(detail.body.findings).toContainEqual(
      expect.objectContaining({ code: 'DEVIATION_ANALYSIS_MISSING', path: 'indicators[3].deviation', place: '绩效指标第 4 行·偏差原因分析及改进措施' }),
    );
    expect(detail.body.findings.every((f: { place: string }) => /^[^A-Za-z]+$/.test(f.place))).toBe(true);
  });

  it('serves the vocabulary to anyone (the sign-in page names the roles), cacheable and revalidated by ETag', async () => {
    expect((await request(api.baseUrl).get('/api/vocabulary')).status).toBe(200);
    const res = await drafter.get('/api/vocabulary');
    expect(res.status).toBe(200);
    expect(res.headers['cache-control']).toBe('public, max-age=300');
    expect(res.headers.etag).toMatch(/^"[\w-]+"$/);
    const v = res.body;
    expect(v.statuses).toEqual({ Draft: '草稿', Submitted: '已提交', Reviewed: '已审核', Published: '已公开' });
    expect(v.roles).toEqual({ drafter: '填报人', reviewer: '审核人', manager: '管理员', admin: '系统管理员' });
    expect(v.severities).toEqual({ error: '错误', warning: '警告', info: '提示' });
    expect(v.events.EvaluationDrafted).toBe('创建草稿');
    expect(v.notificationKinds.reminder).toBe('提醒');
    expect(v.headerFields).toContainEqual(['projectName', '项目名称']);
    expect(v.fundsRows[0]).toEqual(['total', '年度资金总额']);
    expect(v.fundsColumns.map(([k]: [string]) => k)).toEqual(['initialBudget', 'fullYearBudget', 'executed']);
    expect(v.indicatorFields.map(([k]: [string]) => k)).toEqual(['level1', 'level2', 'name', 'target', 'actual', 'weight', 'score', 'deviation']);
    expect(v.evaluationMethods).toEqual(['单位自评', '部门评价', '财政评价']);
    expect(v.ruleSets['national-2020']).toMatchObject({ budgetWeight: '10', level1: ['产出指标', '效益指标', '满意度指标'] });
    expect(v.findingCodes.WEIGHT_TOTAL_NOT_100).toEqual({ severity: 'error', label: expect.any(String) });

    const again = await drafter.get('/api/vocabulary').set('If-None-Match', res.headers.etag);
    expect(again.status).toBe(304);
  });

  it('keeps a co-author who rewrote a form from reviewing it, though someone else edited and submitted it last', async () => {
    const id = await create(drafter, '合写项目', 2032);
    const written = (await both.put(`/api/evaluations/${id}`, { ...newMediaForm({ projectName: '合写项目', fiscalYear: 2032, projectLead: '兼任者改写' }), expectedVersion: 1 })).body;
    const last = (await drafter.put(`/api/evaluations/${id}`, { ...newMediaForm({ projectName: '合写项目', fiscalYear: 2032 }), expectedVersion: written.version })).body;
    expect((await drafter.post(`/api/evaluations/${id}/submit`, { expectedVersion: last.version })).status).toBe(200);
    expect(names((await list(both, 'queue=review&fiscalYear=2032')).items)).toEqual([]);
    expect(names((await list(reviewer, 'queue=review&fiscalYear=2032')).items)).toEqual(['合写项目']);
    const seen = (await both.get(`/api/evaluations/${id}`)).body;
    expect(seen.allowedActions).not.toContain('approve');
    const refused = await both.post(`/api/evaluations/${id}/approve`, { expectedVersion: seen.version });
    expect([refused.status, refused.body.code]).toEqual([403, 'SELF_REVIEW_FORBIDDEN']);
  });

});
