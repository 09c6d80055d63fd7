import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { ApiProcess } from './support/api-process.js';
import { ApiClient } from './support/api-client.js';
import { eventually } from './support/eventually.js';
import { newMediaForm } from './support/forms.js';

const SAMPLE_UNIT = '北京市关心下一代工作委员会办公室';
const SAMPLE_DEPARTMENT = '中共北京市委老干部局';
const PASSWORD = '审核流程测试口令一二三';

/**
 * The review chain through HTTP (issue 11): the sample unit reviewed by its unit and then by its 主管部门
 * (中共北京市委老干部局); withdraw, claim and reassign; 核查分 with the approval and in the summary.
 */
describe('Review chain: 单位审核 → 主管部门审核', () => {
  const api = new ApiProcess();
  let drafter: ApiClient;
  let reviewer: ApiClient;
  let reviewer2: ApiClient;
  let manager: ApiClient;
  let admin: ApiClient;
  let deptReviewer: ApiClient;
  let otherDeptReviewer: ApiClient;
  let unitId: string;
  let departmentId: string;

  beforeAll(async () => {
    await api.start();
    [drafter, reviewer, manager, admin] = await Promise.all(['drafter', 'reviewer', 'manager', 'admin'].map((u) => ApiClient.login(api.baseUrl, u)));
    const units = (await admin.get('/api/units')).body as { id: string; name: string; departmentId: string | null }[];
    const sample = units.find((u) => u.name === SAMPLE_UNIT)!;
    unitId = sample.id;
    const departments = (await admin.get('/api/departments')).body as { id: string; name: string }[];
    departmentId = departments.find((d) => d.name === SAMPLE_DEPARTMENT)!.id;
    expect(sample.departmentId).toBe(departmentId);
    const chain = await admin.patch(`/api/units/${unitId}`, { reviewChain: ['unit', 'department'] });
    expect(chain.status).toBe(200);
    expect(chain.body.reviewChain).toEqual(['unit', 'department']);

    const other = await admin.post('/api/departments', { name: '北京市教育委员会（审核流程测试）' });
    expect(other.status).toBe(201);
    const otherUnit = await admin.post('/api/units', { name: '北京市某区教育委员会（审核流程测试）', competentDepartment: '北京市教育委员会（审核流程测试）' });
    expect(otherUnit.status).toBe(201);
    const users = [
      { username: 'chain-dept-reviewer', displayName: '老干部局审核人', roles: ['reviewer'], unitIds: [], departmentIds: [departmentId] },
      { username: 'chain-other-dept', displayName: '教委审核人', roles: ['reviewer'], unitIds: [], departmentIds: [other.body.id] },
      { username: 'chain-reviewer-2', displayName: '单位审核人二', roles: ['reviewer'], unitIds: [unitId] },
    ];
    for (const user of users) expect((await admin.post('/api/users', { ...user, password: PASSWORD })).status).toBe(201);
    [deptReviewer, otherDeptReviewer, reviewer2] = await Promise.all(users.map((u) => ApiClient.login(api.baseUrl, u.username, PASSWORD)));
  });

  afterAll(async () => {
    await api.stop();
  });

  async function submitted(overrides: Record<string, unknown> = {}): Promise<{ id: string; version: number }> {
    const created = await drafter.post('/api/evaluations', newMediaForm(overrides));
    expect(created.status).toBe(201);
    const sent = await drafter.post(`/api/evaluations/${created.body.id}/submit`, { expectedVersion: created.body.version });
    expect(sent.status).toBe(200);
    return { id: created.body.id, version: sent.body.version };
  }

  const kindsFor = async (client: ApiClient, id: string) =>
    (await client.get('/api/me/notifications?limit=500')).body.filter((n: { evaluationId: string }) => n.evaluationId === id).map((n: { kind: string; title: string }) => `${n.kind}:${n.title}`);

  it('takes a form Draft → Submitted → unit approved → department approved → Reviewed → Published, telling each step', async () => {
    const { id, version } = await submitted({ projectName: '审核流程项目' });
    let form = (await drafter.get(`/api/evaluations/${id}`)).body;
    expect(form.status).toBe('Submitted');
    expect(form.review).toMatchObject({ step: 1, of: 2, name: 'unit', chain: ['unit', 'department'], approvals: [] });

    // The department reviewer reads the form, but it is not their step yet; the other department does not see it.
    expect((await deptReviewer.get(`/api/evaluations/${id}`)).status).toBe(200);
    const early = await deptReviewer.post(`/api/evaluations/${id}/approve`, { expectedVersion: version });
    expect(early.status).toBe(403);
    expect(early.body.code).toBe('FORBIDDEN');
    expect((await otherDeptReviewer.get(`/api/evaluations/${id}`)).status).toBe(404);
    expect((await otherDeptReviewer.post(`/api/evaluations/${id}/approve`, { expectedVersion: version })).status).toBe(404);
    const inUnitQueue = (await reviewer.get('/api/evaluations?queue=review&pageSize=100')).body.items.map((i: { id: string }) => i.id);
    expect(inUnitQueue).toContain(id);
    expect((await deptReviewer.get('/api/evaluations?queue=review&pageSize=100')).body.items.map((i: { id: string }) => i.id)).not.toContain(id);

    // Step 1: the unit's reviewer approves, verifying row 3 down; the form stays Submitted, now at the department.
    const step1 = await reviewer.post(`/api/evaluations/${id}/approve`, {
      expectedVersion: version,
      comment: '单位审核通过',
      verifiedScores: [{ row: 2, score: 25, reason: '传播效果数据不完整' }],
    });
    expect(step1.status).toBe(200);
    expect(step1.body).toMatchObject({ status: 'Submitted', version: version + 1 });
    form = (await reviewer.get(`/api/evaluations/${id}`)).body;
    expect(form.review).toMatchObject({ step: 2, of: 2, name: 'department', approvals: [{ step: 0, name: 'unit', by: { id: reviewer.id, name: '审核人（演示）' }, comment: '单位审核通过' }] });
    expect(form.verification).toMatchObject({ stepName: 'unit', complete: false, rows: [{ row: 2, score: 25, selfScore: 27, reason: '传播效果数据不完整' }] });
    expect(form.findings.filter((f: { code: string }) => f.code === 'VERIFIED_BELOW_SELF')).toEqual([
      expect.objectContaining({ severity: 'warning', path: 'indicators[2].score', message: expect.stringContaining('核查分 25 低于自评得分 27') }),
    ]);
    expect(form.allowedActions).not.toContain('approve');
    // The list and the 明细表 count the warnings the form shows, the marked-down row among them.
    const warnings = form.findings.filter((f: { severity: string }) => f.severity === 'warning').length;
    const listed = (await reviewer.get(`/api/evaluations?fiscalYear=${form.form.fiscalYear}&pageSize=100`)).body.items.find((i: { id: string }) => i.id === id);
    expect(listed.findings).toEqual({ errors: 0, warnings, missing: 0 });
    const table = (await reviewer.get(`/api/summary?fiscalYear=${form.form.fiscalYear}&unitId=${form.form.unitId}`)).body;
    expect(table.rows.find((r: { evaluationId: string }) => r.evaluationId === id).findings).toEqual({ errors: 0, warnings });

    // Nobody approves two steps: the unit reviewer is not a department reviewer, and is refused.
    expect((await reviewer.post(`/api/evaluations/${id}/approve`, { expectedVersion: version + 1 })).status).toBe(403);
    expect((await reviewer.get('/api/evaluations?queue=review&pageSize=100')).body.items.map((i: { id: string }) => i.id)).not.toContain(id);
    const deptQueue = (await deptReviewer.get('/api/evaluations?queue=review&pageSize=100')).body.items.map((i: { id: string }) => i.id);
    expect(deptQueue).toContain(id);
    expect((await deptReviewer.get('/api/me/queues')).body.review).toBeGreaterThanOrEqual(1);
    expect((await deptReviewer.get(`/api/evaluations/${id}`)).body.allowedActions).toEqual(expect.arrayContaining(['approve', 'return', 'claim']));

    // Step 2: the department approves with every row verified; the form is Reviewed.
    const step2 = await deptReviewer.post(`/api/evaluations/${id}/approve`, {
      expectedVersion: version + 1,
      verifiedScores: [
        { row: 0, score: 25, reason: null },
        { row: 1, score: 25 },
        { row: 2, score: 24.5, reason: '传播效果数据不完整' },
        { row: 3, score: 10, reason: null },
      ],
    });
    expect(step2.status).toBe(200);
    expect(step2.body).toMatchObject({ status: 'Reviewed', version: version + 2 });
    form = (await manager.get(`/api/evaluations/${id}`)).body;
    expect(form.review.approvals.map((a: { name: string; by: { name: string } }) => [a.name, a.by.name])).toEqual([
      ['unit', '审核人（演示）'],
      ['department', '老干部局审核人'],
    ]);
    // 核查得分 = budget execution score 10 + 25 + 25 + 24.5 + 10.
    expect(form.verification).toMatchObject({ stepName: 'department', complete: true, indicatorTotal: 84.5, total: 94.5, by: { name: '老干部局审核人' } });

    const published = await manager.post(`/api/evaluations/${id}/publish`, { expectedVersion: version + 2 });
    expect(published.body).toMatchObject({ status: 'Published' });
    const summary = (await manager.get(`/api/summary?fiscalYear=2021&unitId=${unitId}`)).body;
    expect(summary.rows.find((r: { evaluationId: string }) => r.evaluationId === id)).toMatchObject({ selfScore: 97, verifiedScore: 94.5 });
    const csv = await manager.get(`/api/summary.csv?fiscalYear=2021&unitId=${unitId}`);
    expect(csv.text.split('\r\n')[0]).toContain('自评得分,核查得分,系统计算得分');
    expect(csv.text).toContain('94.50');

    const history = (await drafter.get(`/api/evaluations/${id}/history`)).body.map((e: { type: string }) => e.type);
    expect(history).toEqual(['EvaluationDrafted', 'EvaluationSubmitted', 'EvaluationStepApproved', 'EvaluationApproved', 'EvaluationPublished']);

    // Each step's reviewers were told when it reached them; the drafter heard of each step.
    await api.settled();
    expect(await eventually(() => kindsFor(reviewer, id), (k) => k.length >= 1)).toEqual([expect.stringMatching(/^review_requested:【待审核】.*已提交，请审核$/)]);
    expect(await eventually(() => kindsFor(deptReviewer, id), (k) => k.length >= 1)).toEqual([expect.stringMatching(/^review_requested:【待审核】.*已转主管部门审核，请审核$/)]);
    expect(await kindsFor(otherDeptReviewer, id)).toEqual([]);
    const drafterKinds = await eventually(() => kindsFor(drafter, id), (k) => k.length >= 3);
    expect(drafterKinds.map((k: string) => k.split(':')[0]).sort()).toEqual(['approved', 'published', 'step_approved']);
  });

  it('returns at step 2 to Draft, and starts the chain again on resubmission', async () => {
    const { id, version } = await submitted({ projectName: '退回重审项目' });
    await reviewer.post(`/api/evaluations/${id}/approve`, { expectedVersion: version });
    const back = await deptReviewer.post(`/api/evaluations/${id}/return`, { expectedVersion: version + 1, comments: [{ target: 'indicators[2]', text: '请补充传播效果数据' }] });
    expect(back.status).toBe(200);
    expect(back.body).toMatchObject({ status: 'Draft' });
    let form = (await drafter.get(`/api/evaluations/${id}`)).body;
    expect(form).toMatchObject({ status: 'Draft', returned: true, review: null });
    await drafter.post(`/api/evaluations/${id}/submit`, { expectedVersion: version + 2 });
    form = (await reviewer.get(`/api/evaluations/${id}`)).body;
    expect(form.review).toMatchObject({ step: 1, name: 'unit', approvals: [] });
    expect(form.allowedActions).toContain('approve');
  });

  it('lets the drafter withdraw before any approval, and not after; reviewers are told', async () => {
    const { id, version } = await submitted({ projectName: '撤回项目' });
    const other = await reviewer.post(`/api/evaluations/${id}/withdraw`, { expectedVersion: version });
    expect(other.status).toBe(403);
    const bad = await drafter.post(`/api/evaluations/${id}/withdraw`, { expectedVersion: version, reason: 7, extra: true });
    expect(bad.status).toBe(400);
    const withdrawn = await drafter.post(`/api/evaluations/${id}/withdraw`, { expectedVersion: version, reason: '发现执行数有误' });
    expect(withdrawn.status).toBe(200);
    expect(withdrawn.body).toMatchObject({ status: 'Draft', version: version + 1 });
    expect((await drafter.get(`/api/evaluations/${id}`)).body).toMatchObject({ status: 'Draft', returned: false, review: null });
    await api.settled();
    expect(await eventually(() => kindsFor(reviewer, id), (k) => k.length >= 2)).toEqual(
      expect.arrayContaining([expect.stringMatching(/^withdrawn:【已撤回】/)]),
    );

    await drafter.post(`/api/evaluations/${id}/submit`, { expectedVersion: version + 1 });
    await reviewer.post(`/api/evaluations/${id}/approve`, { expectedVersion: version + 2 });
    const late = await drafter.post(`/api/evaluations/${id}/withdraw`, { expectedVersion: version + 3 });
    expect(late.status).toBe(409);
    expect(late.body.code).toBe('ILLEGAL_TRANSITION');
    expect((await drafter.get(`/api/evaluations/${id}`)).body.status).toBe('Submitted');
  });

  it('lets a reviewer claim the step, refuses a second claimant, and lets a manager reassign', async () => {
    const { id, version } = await submitted({ projectName: '认领项目' });
    const claimed = await reviewer.post(`/api/evaluations/${id}/claim`, { expectedVersion: version });
    expect(claimed.status).toBe(200);
    let form = (await reviewer2.get(`/api/evaluations/${id}`)).body;
    expect(form.review.claimedBy).toEqual({ id: reviewer.id, name: '审核人（演示）' });
    expect(form.allowedActions).not.toContain('claim');
    const second = await reviewer2.post(`/api/evaluations/${id}/claim`, { expectedVersion: version + 1 });
    expect(second.status).toBe(409);
    expect(second.body.code).toBe('REVIEW_ALREADY_CLAIMED');
    expect((await drafter.post(`/api/evaluations/${id}/claim`, { expectedVersion: version + 1 })).status).toBe(403);

    // Whom a manager may reassign to: the unit step's reviewers (not the department's, not the author).
    const candidates = await manager.get(`/api/evaluations/${id}/reviewers`);
    expect(candidates.status).toBe(200);
    expect(candidates.body.map((r: { displayName: string; claimed: boolean }) => [r.displayName, r.claimed]).sort()).toEqual([
      ['单位审核人二', false],
      ['审核人（演示）', true],
    ]);
    expect((await reviewer.get(`/api/evaluations/${id}/reviewers`)).status).toBe(403);
    expect((await otherDeptReviewer.get(`/api/evaluations/${id}/reviewers`)).status).toBe(404);

    // A manager reassigns, only to a reviewer of the step.
    const toDrafter = await manager.post(`/api/evaluations/${id}/reassign`, { expectedVersion: version + 1, userId: drafter.id });
    expect([toDrafter.status, toDrafter.body.code]).toEqual([403, 'SELF_REVIEW_FORBIDDEN']);
    const toAdmin = await manager.post(`/api/evaluations/${id}/reassign`, { expectedVersion: version + 1, userId: admin.id });
    expect([toAdmin.status, toAdmin.body.code]).toEqual([400, 'NOT_A_STEP_REVIEWER']);
    const toDept = await manager.post(`/api/evaluations/${id}/reassign`, { expectedVersion: version + 1, userId: deptReviewer.id });
    expect(toDept.body.code).toBe('NOT_A_STEP_REVIEWER');
    expect((await manager.post(`/api/evaluations/${id}/reassign`, { expectedVersion: version + 1, userId: 'not-a-uuid' })).status).toBe(400);
    expect((await reviewer.post(`/api/evaluations/${id}/reassign`, { expectedVersion: version + 1, userId: reviewer2.id })).status).toBe(403);
    const reassigned = await manager.post(`/api/evaluations/${id}/reassign`, { expectedVersion: version + 1, userId: reviewer2.id });
    expect(reassigned.status).toBe(200);
    form = (await reviewer.get(`/api/evaluations/${id}`)).body;
    expect(form.review).toMatchObject({ claimedBy: { id: reviewer2.id, name: '单位审核人二' }, assignedBy: { id: manager.id } });
    expect((await reviewer2.post(`/api/evaluations/${id}/approve`, { expectedVersion: version + 2 })).body).toMatchObject({ status: 'Submitted' });
    expect((await manager.get(`/api/evaluations/${id}`)).body.review).toMatchObject({ name: 'department', claimedBy: null });
  });

  it('offers for 改派 exactly whom reassign accepts, a reviewer who sees every unit among them', async () => {
    const allSeeing = { username: 'chain-all-seeing', displayName: '全局审核人', roles: ['reviewer', 'manager'], unitIds: [] };
    expect((await admin.post('/api/users', { ...allSeeing, password: PASSWORD })).status).toBe(201);
    const allSeeingId = (await ApiClient.login(api.baseUrl, allSeeing.username, PASSWORD)).id;
    const everyone = [drafter, reviewer, reviewer2, manager, admin, deptReviewer, otherDeptReviewer].map((c) => c.id).concat(allSeeingId);
    const { id, version } = await submitted({ projectName: '改派候选项目' });
    let at = version;

    /** Reassigns to every listed candidate (each accepted) and to everyone else (each refused), at the form's current step. */
    const reassignAround = async (step: string): Promise<string[]> => {
      const listed = await manager.get(`/api/evaluations/${id}/reviewers`);
      expect(listed.status).toBe(200);
      const candidates: string[] = listed.body.map((r: { id: string }) => r.id);
      for (const userId of candidates) {
        const res = await manager.post(`/api/evaluations/${id}/reassign`, { expectedVersion: at, userId });
        expect({ step, userId, status: res.status }).toEqual({ step, userId, status: 200 });
        at = res.body.version;
        expect((await manager.get(`/api/evaluations/${id}`)).body.review).toMatchObject({ name: step, claimedBy: { id: userId } });
      }
      for (const userId of everyone.filter((u) => !candidates.includes(u))) {
        const res = await manager.post(`/api/evaluations/${id}/reassign`, { expectedVersion: at, userId });
        expect({ step, userId, status: res.status, code: res.body.code }).toEqual({ step, userId, status: expect.any(Number), code: expect.stringMatching(/^(NOT_A_STEP_REVIEWER|SELF_REVIEW_FORBIDDEN|SECOND_STEP_SAME_REVIEWER)$/) });
      }
      return candidates;
    };

    // The unit step: the unit's reviewers and the reviewer who sees every unit (whom the access table lets review any unit's step).
    expect((await reassignAround('unit')).sort()).toEqual([reviewer.id, reviewer2.id, allSeeingId].sort());
    const step1 = await reviewer.post(`/api/evaluations/${id}/approve`, { expectedVersion: at });
    expect(step1.status).toBe(200);
    at = step1.body.version;
    // The department step is its 主管部门's alone: seeing every unit does not make one its reviewer.
    const department = await reassignAround('department');
    expect(department).toContain(deptReviewer.id);
    expect(department).not.toContain(allSeeingId);
    expect(department).not.toContain(otherDeptReviewer.id);
  });

  it('refuses bad 核查分 with a clear error and changes nothing', async () => {
    const { id, version } = await submitted({ projectName: '核查分校验项目' });
    const cases: [object, number, string][] = [
      [{ verifiedScores: [{ row: 2, score: 31, reason: '过高' }] }, 400, 'INVALID_VERIFIED_SCORE'],
      [{ verifiedScores: [{ row: 2, score: 20 }] }, 400, 'INVALID_VERIFIED_SCORE'],
      [{ verifiedScores: [{ row: 9, score: 1, reason: 'x' }] }, 400, 'INVALID_VERIFIED_SCORE'],
      [{ verifiedScores: [{ row: 2, score: 20.123, reason: 'x' }] }, 400, 'VALIDATION_FAILED'],
      [{ verifiedScores: [{ row: -1, score: 1, reason: 'x' }] }, 400, 'VALIDATION_FAILED'],
      [{ verifiedScores: [{ row: 2, score: '20', reason: 'x' }] }, 400, 'VALIDATION_FAILED'],
      [{ verifiedScores: [{ row: 2, score: 20, reason: 'x', by: 'me' }] }, 400, 'VALIDATION_FAILED'],
      [{ verifiedScores: { row: 2 } }, 400, 'VALIDATION_FAILED'],
    ];
    for (const [body, status, code] of cases) {
      const res = await reviewer.post(`/api/evaluations/${id}/approve`, { expectedVersion: version, ...body });
      expect([JSON.stringify(body), res.status, res.body.code]).toEqual([JSON.stringify(body), status, code]);
    }
    const form = (await reviewer.get(`/api/evaluations/${id}`)).body;
    expect(form).toMatchObject({ status: 'Submitted', version, verification: null, review: { step: 1, approvals: [] } });
    expect((await reviewer.get(`/api/evaluations/${id}/history`)).body).toHaveLength(2);
  });
});
