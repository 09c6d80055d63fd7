import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import request from 'supertest';
import { ApiProcess } from './support/api-process.js';
import { ApiClient } from './support/api-client.js';
import { eventually } from './support/eventually.js';
import { newMediaForm } from './support/forms.js';

describe('Evaluation lifecycle through the HTTP API', () => {
  const api = new ApiProcess();
  let drafter: ApiClient;
  let reviewer: ApiClient;
  let manager: ApiClient;
  let admin: ApiClient;
  let outsider: ApiClient;

  beforeAll(async () => {
    await api.start();
    [drafter, reviewer, manager, admin] = await Promise.all(
      ['drafter', 'reviewer', 'manager', 'admin'].map((u) => ApiClient.login(api.baseUrl, u)),
    );
    const unit = await admin.post('/api/units', { name: '北京市某区教育委员会', competentDepartment: '北京市教育委员会' });
    expect(unit.status).toBe(201);
    const user = await admin.post('/api/users', {
      username: 'other-drafter',
      password: 'other-pass-1',
      displayName: '外单位填报人',
      roles: ['drafter', 'reviewer'],
      unitIds: [unit.body.id],
    });
    expect(user.status).toBe(201);
    outsider = await ApiClient.login(api.baseUrl, 'other-drafter', 'other-pass-1');
  });

  afterAll(async () => {
    await api.stop();
  });

  async function createDraft(overrides: Record<string, unknown> = {}): Promise<{ id: string; version: number }> {
    const res = await drafter.post('/api/evaluations', newMediaForm(overrides));
    expect(res.status).toBe(201);
    return res.body;
  }

  it('takes a form from Draft through a return with comments and a resubmission to Published, recording every step', async () => {
    const created = await drafter.post('/api/evaluations', newMediaForm());
    expect(created.status).toBe(201);
    expect(created.body).toEqual({ id: expect.any(String), status: 'Draft', version: 1, scores: expect.any(Object), findings: expect.any(Array) });
    const id = created.body.id;

    // Scored by the command itself: no waiting for the worker.
    const draft = await drafter.get(`/api/evaluations/${id}`);
    expect(draft.status).toBe(200);
    expect(draft.body.form.funds.total).toEqual({ initialBudget: '30', fullYearBudget: '30', executed: '30' });
    expect(draft.body.scores).toMatchObject({ executionRate: 100, budgetScore: 10, indicatorScore: 87, total: 97, grade: '优' });
    expect(draft.body.scoring).toEqual({ formVersion: 1, scoredVersion: 1, pending: false });
    expect(draft.body.findings.filter((f: { severity: string }) => f.severity === 'error')).toEqual([]);

    const edited = await drafter.put(`/api/evaluations/${id}`, { ...newMediaForm({ contactPhone: '010-12345678' }), expectedVersion: 1 });
    expect(edited.status).toBe(200);
    expect(edited.body.version).toBe(2);

    expect((await drafter.post(`/api/evaluations/${id}/submit`, { expectedVersion: 2 })).body).toMatchObject({ status: 'Submitted', version: 3 });

    const returned = await reviewer.post(`/api/evaluations/${id}/return`, {
      expectedVersion: 3,
      comments: [
        { text: '请补充效益指标的数据来源' },
        { target: 'indicators[2]', text: '得分 27 的依据不足' },
        { target: 'contactPhone', text: '请填写项目负责人手机号' },
      ],
    });
    expect(returned.status).toBe(200);
    expect(returned.body).toMatchObject({ status: 'Draft', version: 4 });

    const afterReturn = await drafter.get(`/api/evaluations/${id}`);
    expect(afterReturn.body.returned).toBe(true);
    expect(afterReturn.body.comments.map((c: { target: string | null; text: string }) => [c.target, c.text])).toEqual([
      [null, '请补充效益指标的数据来源'],
      ['indicators[2]', '得分 27 的依据不足'],
      ['contactPhone', '请填写项目负责人手机号'],
    ]);

    const fixed = await drafter.put(`/api/evaluations/${id}`, { ...newMediaForm({ contactPhone: '13501271919' }), expectedVersion: 4 });
    expect(fixed.status).toBe(200);
    expect((await drafter.post(`/api/evaluations/${id}/submit`, { expectedVersion: 5 })).status).toBe(200);
    const approved = await reviewer.post(`/api/evaluations/${id}/approve`, { expectedVersion: 6, comment: '同意' });
    expect(approved.body).toMatchObject({ status: 'Reviewed', version: 7 });
    const published = await manager.post(`/api/evaluations/${id}/publish`, { expectedVersion: 7 });
    expect(published.body).toMatchObject({ status: 'Published', version: 8 });

    const readOnly = await drafter.put(`/api/evaluations/${id}`, { ...newMediaForm(), expectedVersion: 8 });
    expect(readOnly.status).toBe(409);
    expect(readOnly.body.code).toBe('ILLEGAL_TRANSITION');

    const history = await manager.get(`/api/evaluations/${id}/history`);
    expect(history.status).toBe(200);
    expect(history.body.map((e: { version: number; type: string; actor: { username: string } }) => [e.version, e.type, e.actor.username])).toEqual([
      [1, 'EvaluationDrafted', 'drafter'],
      [2, 'EvaluationEdited', 'drafter'],
      [3, 'EvaluationSubmitted', 'drafter'],
      [4, 'EvaluationReturned', 'reviewer'],
      [5, 'EvaluationEdited', 'drafter'],
      [6, 'EvaluationSubmitted', 'drafter'],
      [7, 'EvaluationApproved', 'reviewer'],
      [8, 'EvaluationPublished', 'manager'],
    ]);
    expect(history.body.every((e: { occurredAt: string }) => !Number.isNaN(Date.parse(e.occurredAt)))).toBe(true);

    // The steps that concern a person reach their inbox through the worker.
    await api.settled();
    const kindsFor = async (client: ApiClient) =>
      (await client.get('/api/me/notifications?limit=500')).body
        .filter((n: { evaluationId: string }) => n.evaluationId === id)
        .map((n: { kind: string }) => n.kind)
        .sort();
    const drafterKinds = await eventually(() => kindsFor(drafter), (k) => k.length >= 3);
    expect(drafterKinds).toEqual(['approved', 'published', 'returned']);
    expect(await kindsFor(reviewer)).toEqual(['review_requested', 'review_requested']);
    const returnedNotice = (await drafter.get('/api/me/notifications?limit=500')).body.find((n: { kind: string; evaluationId: string }) => n.kind === 'returned' && n.evaluationId === id);
    expect(returnedNotice.body).toContain('得分 27 的依据不足');
    expect(returnedNotice.body).toContain('绩效指标第 3 行');
  });

  it('opens a new revision when a published form is corrected, and keeps the published one readable', async () => {
    const { id } = await createDraft({ projectName: '更正测试项目' });
    await drafter.post(`/api/evaluations/${id}/submit`, { expectedVersion: 1 });
    await reviewer.post(`/api/evaluations/${id}/approve`, { expectedVersion: 2 });
    await manager.post(`/api/evaluations/${id}/publish`, { expectedVersion: 3 });
    const reopened = await drafter.post(`/api/evaluations/${id}/reopen`, { expectedVersion: 4, reason: '执行数有误' });
    expect(reopened.body).toMatchObject({ status: 'Draft', version: 5 });
    const changed = newMediaForm({
      projectName: '更正测试项目',
      funds: { total: { initialBudget: '30', fullYearBudget: '30', executed: '29.5' }, currentYear: null, carryOver: null, other: null },
    });
    expect((await drafter.put(`/api/evaluations/${id}`, { ...changed, expectedVersion: 5 })).status).toBe(200);

    const current = await drafter.get(`/api/evaluations/${id}`);
    expect(current.body).toMatchObject({ revision: 2, status: 'Draft', publishedRevisions: [1] });
    expect(current.body.form.funds.total.executed).toBe('29.5');
    const first = await drafter.get(`/api/evaluations/${id}?revision=1`);
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ revision: 1, status: 'Published' });
    expect(first.body.form.funds.total.executed).toBe('30');
  });

  it('refuses a stale expectedVersion with 409 VERSION_CONFLICT and changes nothing', async () => {
    const { id } = await createDraft();
    expect((await drafter.put(`/api/evaluations/${id}`, { ...newMediaForm({ projectLead: '甲' }), expectedVersion: 1 })).status).toBe(200);
    const stale = await drafter.put(`/api/evaluations/${id}`, { ...newMediaForm({ projectLead: '乙' }), expectedVersion: 1 });
    expect(stale.status).toBe(409);
    expect(stale.body).toMatchObject({ statusCode: 409, code: 'VERSION_CONFLICT' });
    const now = await drafter.get(`/api/evaluations/${id}`);
    expect(now.body).toMatchObject({ version: 2 });
    expect(now.body.form.projectLead).toBe('甲');
  });

  it('lets exactly one of 20 concurrent approvals through', async () => {
    const { id } = await createDraft();
    await drafter.post(`/api/evaluations/${id}/submit`, { expectedVersion: 1 });
    const results = await Promise.all(Array.from({ length: 20 }, () => reviewer.post(`/api/evaluations/${id}/approve`, { expectedVersion: 2 })));
    const statuses = results.map((r) => r.status);
    expect(statuses.filter((s) => s === 200)).toHaveLength(1);
    expect(statuses.filter((s) => s === 409)).toHaveLength(19);
    const events = await api.query<{ type: string }>('SELECT type FROM evaluation_events WHERE evaluation_id = $1 ORDER BY version', [id]);
    expect(events.map((e) => e.type)).toEqual(['EvaluationDrafted', 'EvaluationSubmitted', 'EvaluationApproved']);
  });

  it('forbids a drafter to approve (403) and a reviewer to approve a form they last edited', async () => {
    const { id } = await createDraft();
    await drafter.post(`/api/evaluations/${id}/submit`, { expectedVersion: 1 });
    const byDrafter = await drafter.post(`/api/evaluations/${id}/approve`, { expectedVersion: 2 });
    expect(byDrafter.status).toBe(403);
    expect(byDrafter.body.code).toBe('FORBIDDEN');

    const both = await admin.post('/api/users', {
      username: 'drafter-reviewer',
      password: 'both-roles-1',
      displayName: '兼任填报审核',
      roles: ['drafter', 'reviewer'],
      unitIds: drafter.session!.user.unitIds,
    });
    expect(both.status).toBe(201);
    const self = await ApiClient.login(api.baseUrl, 'drafter-reviewer', 'both-roles-1');
    const own = await self.post('/api/evaluations', newMediaForm());
    await self.post(`/api/evaluations/${own.body.id}/submit`, { expectedVersion: 1 });
    const selfApproval = await self.post(`/api/evaluations/${own.body.id}/approve`, { expectedVersion: 2 });
    expect(selfApproval.status).toBe(403);
    expect(selfApproval.body.code).toBe('SELF_REVIEW_FORBIDDEN');
  });

  it("answers 404 for another unit's evaluation, and does not list it", async () => {
    const { id } = await createDraft({ projectName: '本单位项目' });
    const res = await outsider.get(`/api/evaluations/${id}`);
    expect(res.status).toBe(404);
    expect(res.body.code).toBe('NOT_FOUND');
    expect((await outsider.post(`/api/evaluations/${id}/submit`, { expectedVersion: 1 })).status).toBe(404);
    expect((await outsider.get(`/api/evaluations/${id}/history`)).status).toBe(404);
    const list = await outsider.get('/api/evaluations');
    expect(list.body.items.map((i: { id: string }) => i.id)).not.toContain(id);
    expect((await manager.get(`/api/evaluations/${id}`)).status).toBe(200);
  });

  it('refuses an unknown field with 400 naming it, and stores nothing', async () => {
    const before = await api.query<{ n: string }>('SELECT count(*) AS n FROM evaluation_events');
    const res = await drafter.post('/api/evaluations', { ...newMediaForm(), budgetOwner: '某人' });
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('VALIDATION_FAILED');
    expect(res.body.details.fields.map((f: { field: string }) => f.field)).toContain('budgetOwner');
    const nested = await drafter.post('/api/evaluations', newMediaForm({ funds: { total: { fullYearBudget: '30', executed: '1.1234567' } } }));
    expect(nested.status).toBe(400);
    expect(nested.body.details.fields.map((f: { field: string }) => f.field)).toContain('funds.total.executed');
    const after = await api.query<{ n: string }>('SELECT count(*) AS n FROM evaluation_events');
    expect(after[0].n).toBe(before[0].n);
  });

  it('refuses to submit a form whose weights do not add to 100 with 422 WEIGHT_TOTAL_NOT_100', async () => {
    const form = newMediaForm();
    form.indicators[0] = { ...form.indicators[0], weight: 20, score: 20 };
    const { id } = await createDraft({ indicators: form.indicators });
    const res = await drafter.post(`/api/evaluations/${id}/submit`, { expectedVersion: 1 });
    expect(res.status).toBe(422);
    expect(res.body.code).toBe('SUBMISSION_BLOCKED');
    expect(res.body.details.findings.map((f: { code: string }) => f.code)).toContain('WEIGHT_TOTAL_NOT_100');
    expect((await drafter.get(`/api/evaluations/${id}`)).body).toMatchObject({ status: 'Draft', version: 1 });
  });

  it('keeps amounts exact to six decimals', async () => {
    const { id } = await createDraft({
      funds: { total: { initialBudget: '84.61', fullYearBudget: '84.61', executed: '46.107788' }, currentYear: null, carryOver: null, other: null },
    });
    await api.settled();
    const res = await drafter.get(`/api/evaluations/${id}`);
    expect(res.body.form.funds.total).toEqual({ initialBudget: '84.61', fullYearBudget: '84.61', executed: '46.107788' });
    // 46.107788 / 84.61 = 54.4945... % → 54.49; budget score 10 × 0.544945… = 5.45
    expect(res.body.scores).toMatchObject({ executionRate: 54.49, budgetScore: 5.45 });
  });

  it('lists evaluations from the read model with filters and paging', async () => {
    const res = await manager.get('/api/evaluations?status=Draft&fiscalYear=2021&page=1&pageSize=2');
    expect(res.status).toBe(200);
    expect(res.body.items).toHaveLength(2);
    expect(res.body.total).toBeGreaterThan(2);
    expect(res.body.items.every((i: { status: string }) => i.status === 'Draft')).toBe(true);
    expect((await manager.get('/api/evaluations?status=Closed')).status).toBe(400);
  });

  it('answers 401 without a token and 403 for a non-admin on the user list', async () => {
    expect((await request(api.baseUrl).get('/api/evaluations')).body).toMatchObject({ statusCode: 401, code: 'UNAUTHENTICATED' });
    expect((await drafter.get('/api/users')).status).toBe(403);
    expect((await request(api.baseUrl).post('/api/auth/login').send({ username: 'drafter', password: 'wrong' })).body.code).toBe('INVALID_CREDENTIALS');
  });

  it('answers 404, not 500, for ids that are not UUIDs', async () => {
    for (const path of ['/api/evaluations/------------------------------------', '/api/evaluations/0123456789abcdef0123456789abcdef0123/history', '/api/jobs/not-a-job']) {
      const res = await manager.get(path);
      expect([path, res.status, res.body.code]).toEqual([path, 404, 'NOT_FOUND']);
    }
    expect((await manager.patch('/api/cycles/------------------------------------', { name: 'x' })).status).toBe(404);
    expect((await manager.get('/api/evaluations?page=100000000000')).status).toBe(400);
  });

  it('refuses cycles with deadlines out of order, without a time zone, or with a bad duration', async () => {
    const base = { fiscalYear: 2024, name: '2024 年度', submissionDeadline: '2025-03-31T18:00:00+08:00', reviewDeadline: '2025-04-30T18:00:00+08:00' };
    expect((await manager.post('/api/cycles', { ...base, reviewDeadline: '2025-03-01T18:00:00+08:00' })).body).toMatchObject({ statusCode: 400, code: 'INVALID_CYCLE' });
    expect((await manager.post('/api/cycles', { ...base, submissionDeadline: '2025-03-31T18:00:00' })).body).toMatchObject({ statusCode: 400, code: 'VALIDATION_FAILED' });
    expect((await manager.post('/api/cycles', { ...base, reminderPolicy: { before: ['7 days'], reviewWait: 'P3D' } })).body).toMatchObject({ statusCode: 400, code: 'INVALID_CYCLE' });
    expect((await drafter.post('/api/cycles', base)).status).toBe(403);
    const created = await manager.post('/api/cycles', base);
    expect(created.status).toBe(201);
    expect(created.body.submissionDeadline).toBe('2025-03-31T10:00:00.000Z');
  });

  it('refuses to move a draft to another fiscal year', async () => {
    const { id } = await createDraft();
    const res = await drafter.put(`/api/evaluations/${id}`, { ...newMediaForm({ fiscalYear: 2022 }), expectedVersion: 1 });
    expect(res.body).toMatchObject({ statusCode: 422, code: 'FISCAL_YEAR_FIXED' });
  });

  it("applies an admin's change to a user at once: a disabled account is locked out, a removed role is gone", async () => {
    const created = await admin.post('/api/users', { username: 'temp-user', password: 'temp-pass-1', displayName: '临时用户', roles: ['drafter', 'reviewer'], unitIds: drafter.session!.user.unitIds });
    const temp = await ApiClient.login(api.baseUrl, 'temp-user', 'temp-pass-1');
    expect((await temp.get('/api/evaluations')).status).toBe(200);

    expect((await admin.patch(`/api/users/${created.body.id}`, { roles: ['drafter'] })).body.roles).toEqual(['drafter']);
    const { id } = await createDraft();
    await drafter.post(`/api/evaluations/${id}/submit`, { expectedVersion: 1 });
    expect((await temp.post(`/api/evaluations/${id}/approve`, { expectedVersion: 2 })).status).toBe(403);

    expect((await admin.patch(`/api/users/${created.body.id}`, { active: false })).body.active).toBe(false);
    expect((await temp.get('/api/evaluations')).body).toMatchObject({ statusCode: 401, code: 'ACCOUNT_DISABLED' });
    expect((await request(api.baseUrl).post('/api/auth/login').send({ username: 'temp-user', password: 'temp-pass-1' })).status).toBe(401);
    expect((await admin.patch(`/api/users/${created.body.id}`, { active: true, unknownField: 1 })).status).toBe(400);
    expect((await drafter.patch(`/api/users/${created.body.id}`, { active: true })).status).toBe(403);
    expect((await admin.patch('/api/users/not-a-user', { active: true })).status).toBe(404);
  });

  it('creates and disables users from the admin CLI, as the API does', async () => {
    const created = JSON.parse(api.cli(['create-user', '--username', 'cli-user', '--password', 'cli-pass-12', '--display-name', '命令行用户', '--roles', 'drafter', '--units', '北京市关心下一代工作委员会办公室']));
    expect(created).toMatchObject({ username: 'cli-user', roles: ['drafter'], unitIds: drafter.session!.user.unitIds });
    await ApiClient.login(api.baseUrl, 'cli-user', 'cli-pass-12');
    expect(JSON.parse(api.cli(['update-user', '--username', 'cli-user', '--active', 'false'])).active).toBe(false);
    expect((await request(api.baseUrl).post('/api/auth/login').send({ username: 'cli-user', password: 'cli-pass-12' })).status).toBe(401);
    expect(() => api.cli(['create-user', '--username', 'x', '--password', 'p', '--roles', 'boss'])).toThrow(/未知角色/);
  });

  it('answers 413 for an oversized body', async () => {
    const res = await drafter.post('/api/evaluations', { ...newMediaForm(), goals: { expected: 'x'.repeat(2_000_000), actual: '' } });
    expect(res.status).toBe(413);
    expect(res.body.code).toBe('PAYLOAD_TOO_LARGE');
  });

  it('reports database and Redis health without a token', async () => {
    const res = await request(api.baseUrl).get('/api/health');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ status: 'up', dependencies: { database: { status: 'up' }, redis: { status: 'up' }, worker: { status: 'up', workers: 1 } } });
  });
});
