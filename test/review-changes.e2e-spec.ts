import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { ApiProcess } from './support/api-process.js';
import { ApiClient } from './support/api-client.js';
import { newMediaForm } from './support/forms.js';
import { checkInvariants } from './support/invariants.js';

interface Comment {
  id: string;
  target: string | null;
  text: string;
  targetChanged: boolean;
  resolved: boolean;
  resolvedBy: string | null;
}

describe('What changed since the reviewer last looked, and resolving their comments, through the HTTP API', () => {
  const api = new ApiProcess();
  let drafter: ApiClient;
  let reviewer: ApiClient;
  let outsider: ApiClient;
  let author: ApiClient;
  let id: string;
  let version: number;
  let comments: Comment[];

  beforeAll(async () => {
    await api.start();
    const admin = await ApiClient.login(api.baseUrl, 'admin');
    [drafter, reviewer] = await Promise.all(['drafter', 'reviewer'].map((u) => ApiClient.login(api.baseUrl, u)));
    const unit = await admin.post('/api/units', { name: '北京市某区教育委员会', competentDepartment: '北京市教育委员会' });
    expect(unit.status).toBe(201);
    const users = [
      { username: 'other-reviewer', displayName: '外单位审核人', roles: ['drafter', 'reviewer'], unitIds: [unit.body.id] },
      { username: 'author-reviewer', displayName: '本单位填报兼审核', roles: ['drafter', 'reviewer'], unitIds: drafter.session!.user.unitIds },
    ];
    for (const user of users) expect((await admin.post('/api/users', { ...user, password: 'changes-pass-1' })).status).toBe(201);
    outsider = await ApiClient.login(api.baseUrl, 'other-reviewer', 'changes-pass-1');
    author = await ApiClient.login(api.baseUrl, 'author-reviewer', 'changes-pass-1');

    // Drafted, submitted, returned with comments on the name, on row 1 and on row 3, then fixed and resubmitted.
    const created = await drafter.post('/api/evaluations', newMediaForm());
    expect(created.status).toBe(201);
    id = created.body.id;
    expect((await drafter.post(`/api/evaluations/${id}/submit`, { expectedVersion: 1 })).body).toMatchObject({ status: 'Submitted', version: 2 });
    const returned = await reviewer.post(`/api/evaluations/${id}/return`, {
      expectedVersion: 2,
      comments: [
        { target: 'projectName', text: '项目名称应与预算批复一致' },
        { target: 'indicators[1]', text: '公众号运维的分值偏高' },
        { target: 'indicators[3]', text: '满意度调查的样本量请说明' },
      ],
    });
    expect(returned.body).toMatchObject({ status: 'Draft', version: 3 });

    const form = newMediaForm();
    const indicators = [...form.indicators];
    indicators[1] = { ...indicators[1], weight: 20, score: 20 };
    indicators.splice(2, 0, { level1: '', level2: '', name: '专题座谈会', target: '2次', actual: '2次', weight: 5, score: 5, deviation: '' });
    const fixed = await drafter.put(`/api/evaluations/${id}`, {
      ...form,
      projectName: '新媒体运营服务项目（2021年度）',
      // The same amounts written otherwise are no change; one cell does change.
      funds: { ...form.funds, total: { initialBudget: '30.000000', fullYearBudget: 30, executed: '28.5' } },
      indicators,
      expectedVersion: 3,
    });
    expect(fixed.status).toBe(200);
    const resubmitted = await drafter.post(`/api/evaluations/${id}/submit`, { expectedVersion: 4 });
    expect(resubmitted.body).toMatchObject({ status: 'Submitted', version: 5 });
    version = 5;
  });

  afterAll(async () => {
    await api.stop();
  });

  it("names exactly the fields and rows changed since the reviewer's return, and which comments were followed up", async () => {
    const res = await reviewer.get(`/api/evaluations/${id}/changes?sinceMyLastReview=true`);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ fromVersion: 3, toVersion: 5, attachments: [] });
    expect(res.body.fields).toEqual([
      { path: 'projectName', label: '项目名称', before: '新媒体运营服务项目', after: '新媒体运营服务项目（2021年度）' },
      { path: 'funds.total.executed', label: '项目资金·年度资金总额·全年执行数', before: '30', after: '28.5' },
    ]);
    expect(res.body.rows).toEqual([
      {
        index: 1,
        previousIndex: 1,
        change: 'changed',
        fields: [
          { path: 'indicators[1].weight', label: '绩效指标第 2 行·分值', before: 25, after: 20 },
          { path: 'indicators[1].score', label: '绩效指标第 2 行·得分', before: 25, after: 20 },
        ],
      },
      { index: 2, previousIndex: null, change: 'added', fields: expect.arrayContaining([{ path: 'indicators[2].name', label: '绩效指标第 3 行·三级指标', before: null, after: '专题座谈会' }]) },
    ]);
    comments = res.body.comments;
    expect(comments.map((c) => [c.target, c.targetChanged, c.resolved])).toEqual([
      ['projectName', true, false],
      ['indicators[1]', true, false],
      // Row 4 of the returned form (indicators[3]) is row 5 now, untouched: the comment followed it.
      ['indicators[4]', false, false],
    ]);
    expect(res.body.comments[0]).toMatchObject({ place: '项目名称', text: '项目名称应与预算批复一致', returnedAtVersion: 3, authorId: reviewer.id });
  });

  it('compares from any version up to the current one: the same from the return, nothing from now', async () => {
    const fromReturn = await reviewer.get(`/api/evaluations/${id}/changes?since=3`);
    expect(fromReturn.status).toBe(200);
    const mine = await reviewer.get(`/api/evaluations/${id}/changes?sinceMyLastReview=true`);
    expect(fromReturn.body).toEqual(mine.body);
    // Everyone who reads the form may ask, the drafter too.
    const now = await drafter.get(`/api/evaluations/${id}/changes?since=${version}&sinceMyLastReview=false`);
    expect(now.status).toBe(200);
    expect(now.body).toMatchObject({ fromVersion: 5, toVersion: 5, fields: [], rows: [], attachments: [] });
    expect(now.body.comments).toHaveLength(3);
  });

  it('refuses a bad since, both or neither, and sinceMyLastReview from someone who never reviewed the form', async () => {
    for (const query of ['since=0', 'since=-1', 'since=abc', 'since=1.5', 'since=', 'since=6', 'since=99999999999', 'sinceMyLastReview=yes', 'since=1&sinceMyLastReview=true', '', 'sinceMyLastReview=false']) {
      const res = await reviewer.get(`/api/evaluations/${id}/changes?${query}`);
      expect([query, res.status, res.body.code]).toEqual([query, 400, 'VALIDATION_FAILED']);
      const fields = res.body.details.fields.map((f: { field: string }) => f.field);
      expect([query, fields]).toEqual([query, expect.arrayContaining([query.startsWith('sinceMyLastReview') ? 'sinceMyLastReview' : 'since'])]);
    }
    const unknown = await reviewer.get(`/api/evaluations/${id}/changes?since=1&until=5`);
    expect([unknown.status, unknown.body.code]).toEqual([400, 'VALIDATION_FAILED']);
    const never = await drafter.get(`/api/evaluations/${id}/changes?sinceMyLastReview=true`);
    expect([never.status, never.body.code]).toEqual([404, 'NO_PREVIOUS_REVIEW']);
    expect(never.body.message).toContain('尚未审核');
  });

  it("answers another unit's form, and a form that does not exist, as not found", async () => {
    for (const [who, path] of [
      [outsider, `/api/evaluations/${id}/changes?since=1`],
      [outsider, `/api/evaluations/${id}/changes?sinceMyLastReview=true`],
      [reviewer, '/api/evaluations/00000000-0000-4000-8000-000000000000/changes?since=1'],
      [reviewer, '/api/evaluations/not-a-uuid/changes?since=1'],
    ] as const) {
      const res = await who.get(path);
      expect([path, res.status, res.body.code]).toEqual([path, 404, 'NOT_FOUND']);
    }
  });

  it('refuses resolving to a drafter, another unit, an unknown comment, a stale version and a bad body, writing nothing', async () => {
    const comment = comments[0].id;
    const resolve = (who: ApiClient, body: object, commentId = comment) => who.post(`/api/evaluations/${id}/comments/${commentId}/resolve`, body);
    const refusals: [string, Promise<{ status: number; body: { code: string } }>, number, string][] = [
      ['drafter', resolve(drafter, { expectedVersion: version }), 403, 'FORBIDDEN'],
      ['other unit', resolve(outsider, { expectedVersion: version }), 404, 'NOT_FOUND'],
      ['unknown comment', resolve(reviewer, { expectedVersion: version }, '6f1c1d0e-0000-4000-8000-000000000000'), 404, 'COMMENT_NOT_FOUND'],
      ['stale version', resolve(reviewer, { expectedVersion: version - 1 }), 409, 'VERSION_CONFLICT'],
      ['no version', resolve(reviewer, {}), 400, 'VALIDATION_FAILED'],
      ['version as text', resolve(reviewer, { expectedVersion: 'five' }), 400, 'VALIDATION_FAILED'],
      ['unknown field', resolve(reviewer, { expectedVersion: version, resolved: true }), 400, 'VALIDATION_FAILED'],
    ];
    for (const [what, sent, status, code] of refusals) {
      const res = await sent;
      expect([what, res.status, res.body.code]).toEqual([what, status, code]);
    }
    const after = await reviewer.get(`/api/evaluations/${id}`);
    expect(after.body.version).toBe(version);
    expect(after.body.comments.every((c: { resolvedBy?: string }) => c.resolvedBy === undefined)).toBe(true);
  });

  it('refuses resolving to an author of the revision under review, though a reviewer', async () => {
    const own = await author.post('/api/evaluations', newMediaForm({ projectName: '自己填报的表' }));
    const ownId = own.body.id;
    expect((await author.post(`/api/evaluations/${ownId}/submit`, { expectedVersion: 1 })).status).toBe(200);
    const returned = await reviewer.post(`/api/evaluations/${ownId}/return`, { expectedVersion: 2, comments: [{ target: 'contactPhone', text: '请核对电话' }] });
    expect(returned.status).toBe(200);
    expect((await author.post(`/api/evaluations/${ownId}/submit`, { expectedVersion: 3 })).status).toBe(200);
    const view = await author.get(`/api/evaluations/${ownId}`);
    expect(view.body.allowedActions).not.toContain('resolveComment');
    const res = await author.post(`/api/evaluations/${ownId}/comments/${view.body.comments[0].id}/resolve`, { expectedVersion: 4 });
    expect([res.status, res.body.code]).toEqual([403, 'SELF_REVIEW_FORBIDDEN']);
  });

  it('refuses resolving on a Draft', async () => {
    const draft = await drafter.post('/api/evaluations', newMediaForm({ projectName: '未提交的表' }));
    const res = await reviewer.post(`/api/evaluations/${draft.body.id}/comments/${comments[0].id}/resolve`, { expectedVersion: 1 });
    expect([res.status, res.body.code]).toEqual([409, 'ILLEGAL_TRANSITION']);
  });

  it('lets the reviewer resolve a comment: recorded in the history, shown on the form and in the changes; again changes nothing', async () => {
    const before = await reviewer.get(`/api/evaluations/${id}`);
    expect(before.body.allowedActions).toEqual(expect.arrayContaining(['approve', 'return', 'resolveComment']));
    const res = await reviewer.post(`/api/evaluations/${id}/comments/${comments[0].id}/resolve`, { expectedVersion: version });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ id, status: 'Submitted', version: version + 1, scores: expect.objectContaining({ total: expect.any(Number) }) });
    version = res.body.version;

    const view = await reviewer.get(`/api/evaluations/${id}`);
    const resolved = view.body.comments.find((c: { id: string }) => c.id === comments[0].id);
    expect(resolved).toMatchObject({ target: 'projectName', resolvedBy: reviewer.id, resolvedAt: expect.any(String) });
    expect(view.body.comments.filter((c: { resolvedBy?: string }) => c.resolvedBy).length).toBe(1);

    const history = await drafter.get(`/api/evaluations/${id}/history`);
    expect(history.body.at(-1)).toMatchObject({ version, type: 'EvaluationCommentResolved', payload: { commentId: comments[0].id }, actor: { username: 'reviewer' } });

    const changes = await reviewer.get(`/api/evaluations/${id}/changes?sinceMyLastReview=true`);
    expect(changes.body).toMatchObject({ fromVersion: 3, toVersion: version });
    expect(changes.body.comments.map((c: Comment) => [c.target, c.resolved, c.resolvedBy])).toEqual([
      ['projectName', true, reviewer.id],
      ['indicators[1]', false, null],
      ['indicators[4]', false, null],
    ]);

    // Idempotent: the same comment again records nothing and answers the form as it is.
    const again = await reviewer.post(`/api/evaluations/${id}/comments/${comments[0].id}/resolve`, { expectedVersion: version });
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ status: 'Submitted', version, scores: expect.objectContaining({ total: expect.any(Number) }) });
    expect((await drafter.get(`/api/evaluations/${id}/history`)).body).toHaveLength(version);
  });

  it('keeps the form reviewable by whoever resolved, and offers no resolving once every comment is resolved', async () => {
    for (const c of comments.slice(1)) {
      const res = await reviewer.post(`/api/evaluations/${id}/comments/${c.id}/resolve`, { expectedVersion: version });
      expect(res.status).toBe(200);
      version = res.body.version;
    }
    const view = await reviewer.get(`/api/evaluations/${id}`);
    expect(view.body.allowedActions).toEqual(expect.arrayContaining(['approve', 'return']));
    expect(view.body.allowedActions).not.toContain('resolveComment');
    const approved = await reviewer.post(`/api/evaluations/${id}/approve`, { expectedVersion: version });
    expect(approved.body).toMatchObject({ status: 'Reviewed' });
    // The approval is now the reviewer's last review: nothing changed since.
    const since = await reviewer.get(`/api/evaluations/${id}/changes?sinceMyLastReview=true`);
    expect(since.body).toMatchObject({ fromVersion: approved.body.version, toVersion: approved.body.version, fields: [], rows: [] });
  });

  it('leaves a history whose replay equals the stored rows', async () => {
    await api.settled();
    const report = await checkInvariants((sql, params) => api.query(sql, params));
    expect(report.violations).toEqual([]);
  });
});
