import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { ApiProcess } from './support/api-process.js';
import { ApiClient } from './support/api-client.js';
import { newMediaForm } from './support/forms.js';

const PASSWORD = 'last-reviewer-1';

interface UserBody {
  id: string;
  roles: string[];
  unitIds: string[];
  departmentIds: string[];
  active: boolean;
}

/**
 * A step at which forms wait keeps someone who may review it: taking a reviewer's role, units or 主管部门 away
 * is refused (409 LAST_STEP_REVIEWER, nothing changed) while they are the last one, through the API and the
 * CLI; it passes once another reviewer is there, for a step nobody waits at, and always for disabling.
 */
describe('The last reviewer of a step', () => {
  const api = new ApiProcess();
  let admin: ApiClient;
  let drafter: ApiClient;
  let unitReviewer: ApiClient;
  let unitId: string;
  let departmentId: string;
  const users: Record<string, UserBody> = {};

  const user = async (id: string): Promise<UserBody> => (await admin.get('/api/users')).body.find((u: UserBody) => u.id === id);
  const refused = async (id: string, patch: object, projects: string[]) => {
    const before = await user(id);
    const res = await admin.patch(`/api/users/${id}`, patch);
    expect({ status: res.status, code: res.body.code }).toEqual({ status: 409, code: 'LAST_STEP_REVIEWER' });
    expect(res.body.details).toEqual({ userId: id, pending: projects.length, projectNames: projects.slice(0, 3) });
    expect(res.body.message).toContain('最后一位审核人');
    expect(await user(id)).toEqual(before);
  };

  beforeAll(async () => {
    await api.start();
    admin = await ApiClient.login(api.baseUrl, 'admin');
    const unit = await admin.post('/api/units', { name: '北京市某街道办事处（审核人测试）', competentDepartment: '北京市某区民政局（审核人测试）' });
    expect(unit.status).toBe(201);
    unitId = unit.body.id;
    departmentId = unit.body.departmentId;
    expect((await admin.patch(`/api/units/${unitId}`, { reviewChain: ['unit', 'department'] })).status).toBe(200);
    const people = [
      { username: 'lr-drafter', displayName: '街道填报人', roles: ['drafter'], unitIds: [unitId] },
      { username: 'lr-reviewer', displayName: '街道审核人', roles: ['reviewer'], unitIds: [unitId] },
      { username: 'lr-dept', displayName: '民政局审核人', roles: ['reviewer'], unitIds: [], departmentIds: [departmentId] },
    ];
    for (const p of people) {
      const res = await admin.post('/api/users', { ...p, password: PASSWORD });
      expect(res.status).toBe(201);
      users[p.username] = res.body;
    }
    [drafter, unitReviewer] = await Promise.all(['lr-drafter', 'lr-reviewer'].map((u) => ApiClient.login(api.baseUrl, u, PASSWORD)));
  }, 120_000);

  afterAll(async () => {
    await api.stop();
  });

  async function submitted(projectName: string): Promise<{ id: string; version: number }> {
    const created = await drafter.post('/api/evaluations', newMediaForm({ projectName, unitId }));
    expect(created.status).toBe(201);
    const sent = await drafter.post(`/api/evaluations/${created.body.id}/submit`, { expectedVersion: created.body.version });
    expect(sent.status).toBe(200);
    return { id: created.body.id, version: sent.body.version };
  }

  it('lets a reviewer go while nothing waits for them', async () => {
    const spare = await admin.post('/api/users', { username: 'lr-spare', displayName: '备用审核人', roles: ['reviewer'], unitIds: [unitId], password: PASSWORD });
    expect((await admin.patch(`/api/users/${spare.body.id}`, { roles: ['drafter'] })).status).toBe(200);
  });

  it('keeps the unit step with its last reviewer: role, units, by the API and the CLI; another reviewer lets them go', async () => {
    await submitted('街道养老服务项目');
    await submitted('街道社区治理项目');
    const id = users['lr-reviewer'].id;
    await refused(id, { roles: ['drafter'] }, ['街道养老服务项目', '街道社区治理项目']);
    await refused(id, { unitIds: [] }, ['街道养老服务项目', '街道社区治理项目']);
    await refused(id, { roles: ['drafter'], unitIds: [] }, ['街道养老服务项目', '街道社区治理项目']);
    expect(() => api.cli(['update-user', '--username', 'lr-reviewer', '--roles', 'drafter'])).toThrow(/LAST_STEP_REVIEWER|最后一位审核人/);
    expect((await user(id)).roles).toEqual(['reviewer']);
    // A change that keeps the step reviewed passes.
    expect((await admin.patch(`/api/users/${id}`, { displayName: '街道审核人（改名）' })).status).toBe(200);

    const second = await admin.post('/api/users', { username: 'lr-reviewer-2', displayName: '街道审核人二', roles: ['reviewer'], unitIds: [unitId], password: PASSWORD });
    expect(second.status).toBe(201);
    const moved = await admin.patch(`/api/users/${id}`, { roles: ['drafter'], unitIds: [unitId] });
    expect(moved.status).toBe(200);
    expect(moved.body.roles).toEqual(['drafter']);
    // Now the second is the last one.
    await refused(second.body.id, { roles: ['drafter'] }, ['街道养老服务项目', '街道社区治理项目']);
    expect((await admin.patch(`/api/users/${id}`, { roles: ['reviewer'] })).status).toBe(200);
  });

  it('keeps the department step with its last department reviewer, and lets the account be disabled', async () => {
    const form = await submitted('街道助残服务项目');
    const step1 = await unitReviewer.post(`/api/evaluations/${form.id}/approve`, { expectedVersion: form.version });
    expect(step1.status).toBe(200);
    expect(await api.query('SELECT status, review_step FROM evaluations WHERE id = $1', [form.id])).toEqual([{ status: 'Submitted', review_step: 'department' }]);
    const id = users['lr-dept'].id;
    await refused(id, { departmentIds: [] }, ['街道助残服务项目']);
    await refused(id, { roles: ['drafter'], departmentIds: [departmentId] }, ['街道助残服务项目']);
    // The unit's reviewers may not take the department step: they do not count.
    expect((await user(users['lr-reviewer'].id)).roles).toEqual(['reviewer']);

    // Disabling is never refused (a departed or compromised account must go at once).
    const disabled = await admin.patch(`/api/users/${id}`, { active: false });
    expect(disabled.status).toBe(200);
    expect(disabled.body.active).toBe(false);
    // A disabled reviewer reviews nothing: re-enabling them is the way back, and is allowed.
    expect((await admin.patch(`/api/users/${id}`, { active: true })).status).toBe(200);
  });

  it('refuses hostile patches with VALIDATION_FAILED before looking at reviews', async () => {
    const id = users['lr-dept'].id;
    for (const body of [{ roles: 'reviewer' }, { departmentIds: ['not-a-uuid'] }, { unitIds: [1] }, { roles: ['reviewer'], extra: true }]) {
      const res = await admin.patch(`/api/users/${id}`, body);
      expect({ body, status: res.status, code: res.body.code }).toEqual({ body, status: 400, code: 'VALIDATION_FAILED' });
    }
  });

  it('does not count a reviewer who may not review the form: its own author', async () => {
    const unit = await admin.post('/api/units', { name: '北京市某社区服务中心（审核人测试）', competentDepartment: '北京市某区民政局（审核人测试）' });
    const both = await admin.post('/api/users', { username: 'lr-both', displayName: '兼任填报审核', roles: ['drafter', 'reviewer'], unitIds: [unit.body.id], password: PASSWORD });
    const other = await admin.post('/api/users', { username: 'lr-other', displayName: '中心审核人', roles: ['reviewer'], unitIds: [unit.body.id], password: PASSWORD });
    expect([both.status, other.status]).toEqual([201, 201]);
    const author = await ApiClient.login(api.baseUrl, 'lr-both', PASSWORD);
    const created = await author.post('/api/evaluations', newMediaForm({ projectName: '自己填报的项目', unitId: unit.body.id }));
    expect((await author.post(`/api/evaluations/${created.body.id}/submit`, { expectedVersion: created.body.version })).status).toBe(200);
    // lr-both is a reviewer of the unit too, but may not review what they wrote: lr-other is the last one.
    await refused(other.body.id, { roles: ['drafter'] }, ['自己填报的项目']);
  });
});
