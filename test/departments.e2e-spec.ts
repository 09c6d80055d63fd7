import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import request from 'supertest';
import type { DataSource } from 'typeorm';
import { loadConfig } from '#perf-eval/config';
import { Directory } from '#perf-eval/identity';
import { ApiProcess } from './support/api-process.js';
import { ApiClient } from './support/api-client.js';
import { eventually } from './support/eventually.js';
import { newMediaForm } from './support/forms.js';
import { SseStream } from './support/sse.js';
import { TestDatabase } from './support/test-database.js';

const SAMPLE_UNIT = '北京市关心下一代工作委员会办公室';
const SAMPLE_DEPARTMENT = '中共北京市委老干部局';

interface UnitBody {
  id: string;
  name: string;
  competentDepartment: string;
  departmentId: string | null;
  reviewChain: string[];
}

/**
 * 主管部门 (competent departments) as organisations, each unit's review chain, and what a reviewer of a
 * department sees: every form of the department's units, and nothing of another department's.
 */
describe('Departments, review chains and department reviewers', () => {
  const api = new ApiProcess();
  let second: string;
  let admin: ApiClient;
  let drafter: ApiClient;
  let manager: ApiClient;
  let deptReviewer: ApiClient;
  let sampleUnit: UnitBody;
  let sampleDepartmentId: string;

  const units = async (): Promise<UnitBody[]> => (await admin.get('/api/units')).body;
  const unitNamed = async (name: string) => (await units()).find((u) => u.name === name)!;

  beforeAll(async () => {
    await api.start();
    second = await api.startAnotherApi();
    [admin, drafter, manager, deptReviewer] = await Promise.all(['admin', 'drafter', 'manager', 'dept-reviewer'].map((u) => ApiClient.login(api.baseUrl, u)));
    sampleUnit = await unitNamed(SAMPLE_UNIT);
    sampleDepartmentId = sampleUnit.departmentId!;
  }, 120_000);

  afterAll(async () => {
    await api.stop();
  });

  describe('the seeded demo', () => {
    it('links the sample unit to its 主管部门 with the one-step chain, and seeds dept-reviewer as that department’s reviewer', async () => {
      expect(sampleUnit).toMatchObject({ competentDepartment: SAMPLE_DEPARTMENT, departmentId: expect.any(String), reviewChain: ['unit'] });
      const departments = (await drafter.get('/api/departments')).body;
      expect(departments).toEqual([{ id: sampleDepartmentId, name: SAMPLE_DEPARTMENT, createdAt: expect.any(String), unitIds: [sampleUnit.id] }]);
      expect(deptReviewer.session!.user).toMatchObject({ roles: ['reviewer'], unitIds: [], departmentIds: [sampleDepartmentId], departmentUnitIds: [sampleUnit.id] });
      const me = (await deptReviewer.get('/api/auth/me')).body;
      expect(me).toMatchObject({ username: 'dept-reviewer', departmentIds: [sampleDepartmentId], departmentUnitIds: [sampleUnit.id] });
      expect((await request(api.baseUrl).get('/api/auth/demo-accounts')).body.accounts).toContainEqual({ username: 'dept-reviewer', roles: ['reviewer'], department: true });
    });
  });

  describe('POST and GET /api/departments', () => {
    it('creates a department (admin, 201) and lists it with its units to everyone signed in', async () => {
      const created = await admin.post('/api/departments', { name: '  北京市民政局 ' });
      expect(created.status).toBe(201);
      expect(created.body).toEqual({ id: expect.any(String), name: '北京市民政局', createdAt: expect.any(String) });
      const listed = await drafter.get('/api/departments');
      expect(listed.status).toBe(200);
      expect(listed.body).toContainEqual({ ...created.body, unitIds: [] });
    });

    it('refuses a name already taken with 409 DEPARTMENT_EXISTS, also written with spaces around it', async () => {
      for (const name of [SAMPLE_DEPARTMENT, ` ${SAMPLE_DEPARTMENT} `]) {
        const res = await admin.post('/api/departments', { name });
        expect({ status: res.status, code: res.body.code }).toEqual({ status: 409, code: 'DEPARTMENT_EXISTS' });
        expect(res.body.message).toContain('主管部门已存在');
      }
      expect((await drafter.get('/api/departments')).body.filter((d: { name: string }) => d.name === SAMPLE_DEPARTMENT)).toHaveLength(1);
    });

    it('refuses hostile bodies with 400 VALIDATION_FAILED and other roles with 403, writing nothing', async () => {
      const before = (await drafter.get('/api/departments')).body.length;
      for (const body of [{}, { name: 42 }, { name: '' }, { name: '   ' }, { name: ['x'] }, { name: 'x'.repeat(201) }, { name: '北京市水务局', kind: 'bureau' }, { name: '北京市\u0000水务局' }]) {
        const res = await admin.post('/api/departments', body);
        expect({ body, status: res.status, code: res.body.code }).toEqual({ body, status: 400, code: 'VALIDATION_FAILED' });
      }
      for (const client of [drafter, manager, deptReviewer]) {
        const res = await client.post('/api/departments', { name: '北京市水务局' });
        expect({ user: client.session!.user.username, status: res.status, code: res.body.code }).toEqual({ user: client.session!.user.username, status: 403, code: 'FORBIDDEN' });
      }
      expect((await request(api.baseUrl).get('/api/departments')).status).toBe(401);
      expect((await request(api.baseUrl).post('/api/departments').send({ name: '北京市水务局' })).status).toBe(401);
      expect((await drafter.get('/api/departments')).body.length).toBe(before);
    });
  });

  describe('units and their departments', () => {
    it('links a new unit to the department of its competentDepartment, creating the department when there is none', async () => {
      const joined = await admin.post('/api/units', { name: '北京市老干部活动中心', competentDepartment: SAMPLE_DEPARTMENT });
      expect(joined.status).toBe(201);
      expect(joined.body).toMatchObject({ competentDepartment: SAMPLE_DEPARTMENT, departmentId: sampleDepartmentId, reviewChain: ['unit'] });
      const fresh = await admin.post('/api/units', { name: '北京市某区卫生健康委员会', competentDepartment: '北京市卫生健康委员会' });
      const departments: { id: string; name: string; unitIds: string[] }[] = (await admin.get('/api/departments')).body;
      const health = departments.find((d) => d.name === '北京市卫生健康委员会')!;
      expect(fresh.body.departmentId).toBe(health.id);
      expect(health.unitIds).toEqual([fresh.body.id]);
      expect(departments.find((d) => d.id === sampleDepartmentId)!.unitIds.sort()).toEqual([sampleUnit.id, joined.body.id].sort());
      // A unit refused (its name is taken) leaves no department behind.
      expect((await admin.post('/api/units', { name: SAMPLE_UNIT, competentDepartment: '北京市不存在的局' })).status).toBe(409);
      expect((await admin.get('/api/departments')).body.map((d: { name: string }) => d.name)).not.toContain('北京市不存在的局');
    });

    it('lists every unit with its departmentId and reviewChain', async () => {
      for (const unit of await units()) expect(unit).toEqual({ id: expect.any(String), name: expect.any(String), competentDepartment: expect.any(String), departmentId: expect.any(String), reviewChain: ['unit'], createdAt: expect.any(String) });
    });
  });

  describe('PATCH /api/units/:id', () => {
    let unit: UnitBody;
    let otherDepartmentId: string;

    beforeAll(async () => {
      unit = (await admin.post('/api/units', { name: '北京市某街道办事处', competentDepartment: '北京市某区人民政府' })).body;
      otherDepartmentId = (await admin.post('/api/departments', { name: '北京市某区民政局' })).body.id;
    });

    it('switches a unit to the two-step chain 单位审核 → 主管部门审核 and back', async () => {
      const two = await admin.patch(`/api/units/${unit.id}`, { reviewChain: ['unit', 'department'] });
      expect(two.status).toBe(200);
      expect(two.body).toMatchObject({ id: unit.id, reviewChain: ['unit', 'department'], departmentId: unit.departmentId });
      expect((await unitNamed(unit.name)).reviewChain).toEqual(['unit', 'department']);
      expect((await admin.patch(`/api/units/${unit.id}`, { reviewChain: ['unit'] })).body.reviewChain).toEqual(['unit']);
    });

    it('moves a unit to another department, which then names its competentDepartment', async () => {
      const moved = await admin.patch(`/api/units/${unit.id}`, { departmentId: otherDepartmentId });
      expect(moved.status).toBe(200);
      expect(moved.body).toMatchObject({ departmentId: otherDepartmentId, competentDepartment: '北京市某区民政局' });
      const back = await admin.patch(`/api/units/${unit.id}`, { departmentId: unit.departmentId, reviewChain: ['unit', 'department'] });
      expect(back.body).toMatchObject({ departmentId: unit.departmentId, competentDepartment: '北京市某区人民政府', reviewChain: ['unit', 'department'] });
    });

    it('refuses a chain that is no chain with 400 INVALID_REVIEW_CHAIN saying why in Chinese, and unknown steps and fields with VALIDATION_FAILED', async () => {
      const before = await unitNamed(unit.name);
      const chains: [unknown[], string, RegExp][] = [
        [[], 'EMPTY', /至少/],
        [['unit', 'unit'], 'DUPLICATE_STEP', /不能重复/],
        [['unit', 'department', 'unit'], 'DUPLICATE_STEP', /不能重复/],
        [['department'], 'MUST_START_WITH_UNIT', /必须以单位审核开始/],
        [['department', 'unit'], 'MUST_START_WITH_UNIT', /必须以单位审核开始/],
      ];
      for (const [reviewChain, reason, message] of chains) {
        const res = await admin.patch(`/api/units/${unit.id}`, { reviewChain });
        expect({ reviewChain, status: res.status, code: res.body.code, reason: res.body.details?.reason }).toEqual({ reviewChain, status: 400, code: 'INVALID_REVIEW_CHAIN', reason });
        expect(res.body.message).toMatch(message);
      }
      const hostile: Record<string, unknown>[] = [
        { reviewChain: ['unit', 'auditor'] },
        { reviewChain: ['UNIT'] },
        { reviewChain: 'unit' },
        { reviewChain: [1] },
        { reviewChain: [['unit']] },
        { reviewChain: { 0: 'unit' } },
        { reviewChain: Array.from({ length: 11 }, () => 'unit') },
        { reviewChain: ['unit'], color: 'red' },
        { name: '改名' },
        { competentDepartment: '别的部门' },
        { departmentId: 'not-a-uuid' },
        { departmentId: 7 },
        { reviewChain: ['unit'], constructor: 'x' },
      ];
      for (const body of hostile) {
        const res = await admin.patch(`/api/units/${unit.id}`, body);
        expect({ body, status: res.status, code: res.body.code }).toEqual({ body, status: 400, code: 'VALIDATION_FAILED' });
      }
      const unknownStep = await admin.patch(`/api/units/${unit.id}`, { reviewChain: ['unit', 'auditor'] });
      expect(unknownStep.body.details.fields[0].messages.join()).toContain('单位审核');
      const nowhere = await admin.patch(`/api/units/${unit.id}`, { departmentId: randomUUID() });
      expect({ status: nowhere.status, code: nowhere.body.code }).toEqual({ status: 400, code: 'UNKNOWN_DEPARTMENT' });
      expect(await unitNamed(unit.name)).toEqual(before);
    });

    it('allows the department step only while the unit has a department', async () => {
      // The chain has a department step: the unit cannot be unlinked under it.
      const unlink = await admin.patch(`/api/units/${unit.id}`, { departmentId: null });
      expect({ status: unlink.status, code: unlink.body.code, reason: unlink.body.details.reason }).toEqual({ status: 400, code: 'INVALID_REVIEW_CHAIN', reason: 'NO_DEPARTMENT' });
      expect(unlink.body.message).toContain('不能取消关联主管部门');
      const both = await admin.patch(`/api/units/${unit.id}`, { departmentId: null, reviewChain: ['unit'] });
      expect(both.body).toMatchObject({ departmentId: null, reviewChain: ['unit'], competentDepartment: '北京市某区人民政府' });
      const orphan = await admin.patch(`/api/units/${unit.id}`, { reviewChain: ['unit', 'department'] });
      expect({ status: orphan.status, code: orphan.body.code, reason: orphan.body.details.reason }).toEqual({ status: 400, code: 'INVALID_REVIEW_CHAIN', reason: 'NO_DEPARTMENT' });
      expect((await unitNamed(unit.name)).reviewChain).toEqual(['unit']);
      // Even the database refuses a chain that does not start with the unit's own review.
      await expect(api.query(`UPDATE units SET review_chain = '{department}' WHERE id = $1`, [unit.id])).rejects.toThrow(/units_review_chain_valid/);
    });

    it('answers 404 for an unknown unit and 403 to everyone but admins', async () => {
      for (const id of [randomUUID(), 'not-a-uuid', '..%2F..']) {
        const res = await admin.patch(`/api/units/${id}`, { reviewChain: ['unit'] });
        expect({ id, status: res.status, code: res.body.code }).toEqual({ id, status: 404, code: 'NOT_FOUND' });
      }
      for (const client of [drafter, manager, deptReviewer]) {
        const res = await client.patch(`/api/units/${unit.id}`, { reviewChain: ['unit'] });
        expect({ user: client.session!.user.username, status: res.status, code: res.body.code }).toEqual({ user: client.session!.user.username, status: 403, code: 'FORBIDDEN' });
      }
      expect((await request(api.baseUrl).patch(`/api/units/${unit.id}`).send({ reviewChain: ['unit'] })).status).toBe(401);
    });
  });

  describe('unlinking a unit whose forms are on their way to 主管部门审核', () => {
    const PASSWORD = '主管部门待审测试口令';
    let unit: UnitBody;
    let departmentA: string;
    let departmentB: string;
    let unitDrafter: ApiClient;
    let unitReviewer: ApiClient;
    let reviewerA: ApiClient;
    let reviewerB: ApiClient;

    beforeAll(async () => {
      unit = (await admin.post('/api/units', { name: '北京市某区文化馆', competentDepartment: '北京市某区文化和旅游局' })).body;
      departmentA = unit.departmentId!;
      departmentB = (await admin.post('/api/departments', { name: '北京市某区宣传部' })).body.id;
      expect((await admin.patch(`/api/units/${unit.id}`, { reviewChain: ['unit', 'department'] })).status).toBe(200);
      const users = [
        { username: 'culture-drafter', displayName: '文化馆填报人', roles: ['drafter'], unitIds: [unit.id] },
        { username: 'culture-reviewer', displayName: '文化馆审核人', roles: ['reviewer'], unitIds: [unit.id] },
        { username: 'culture-dept-a', displayName: '文旅局审核人', roles: ['reviewer'], unitIds: [], departmentIds: [departmentA] },
        { username: 'culture-dept-b', displayName: '宣传部审核人', roles: ['reviewer'], unitIds: [], departmentIds: [departmentB] },
      ];
      for (const user of users) expect((await admin.post('/api/users', { ...user, password: PASSWORD })).status).toBe(201);
      [unitDrafter, unitReviewer, reviewerA, reviewerB] = await Promise.all(users.map((u) => ApiClient.login(api.baseUrl, u.username, PASSWORD)));
    });

    const draft = async (projectName: string): Promise<string> => {
      const created = await unitDrafter.post('/api/evaluations', newMediaForm({ projectName }));
      expect(created.status).toBe(201);
      return created.body.id;
    };
    const submit = async (projectName: string): Promise<{ id: string; version: number }> => {
      const id = await draft(projectName);
      const sent = await unitDrafter.post(`/api/evaluations/${id}/submit`, { expectedVersion: 1 });
      expect(sent.status).toBe(200);
      return { id, version: sent.body.version };
    };
    const review = async (id: string) => (await manager.get(`/api/evaluations/${id}`)).body.review;

    it('refuses it with 409 DEPARTMENT_STEP_PENDING naming the forms, over HTTP and in the CLI, and changes nothing', async () => {
      const waiting = await submit('文化馆：非遗展演项目');
      expect((await unitReviewer.post(`/api/evaluations/${waiting.id}/approve`, { expectedVersion: waiting.version })).status).toBe(200);
      expect(await review(waiting.id)).toMatchObject({ name: 'department' });
      // Still at the unit step, but its chain leads to the department: unlinked, it would reach a step nobody reviews.
      const coming = await submit('文化馆：公益讲座项目');
      const before = await unitNamed(unit.name);

      const refused = await admin.patch(`/api/units/${unit.id}`, { departmentId: null, reviewChain: ['unit'] });
      expect({ status: refused.status, code: refused.body.code, details: refused.body.details }).toEqual({
        status: 409,
        code: 'DEPARTMENT_STEP_PENDING',
        details: { unitId: unit.id, pending: 2, projectNames: ['文化馆：非遗展演项目', '文化馆：公益讲座项目'] },
      });
      expect(refused.body.message).toMatch(/^该单位有 2 份自评表正在或即将进行主管部门审核（「文化馆：非遗展演项目」、「文化馆：公益讲座项目」）/);
      expect(refused.body.message).toContain('请改为将该单位移至其他主管部门，或待这些审核完成后再取消关联');
      // Without the chain change the chain's own rule answers first (400), as before.
      expect((await admin.patch(`/api/units/${unit.id}`, { departmentId: null })).body.code).toBe('INVALID_REVIEW_CHAIN');
      // Hostile bodies are still refused by validation before anything is looked at.
      for (const body of [{ departmentId: null, reviewChain: ['unit'], color: 'red' }, { departmentId: 'null' }, { departmentId: 0 }, { departmentId: [null] }, { departmentId: null, reviewChain: 'unit' }]) {
        const res = await admin.patch(`/api/units/${unit.id}`, body);
        expect({ body, status: res.status, code: res.body.code }).toEqual({ body, status: 400, code: 'VALIDATION_FAILED' });
      }
      expect(() => api.cli(['update-unit', '--unit', unit.name, '--department', 'none', '--review-chain', 'unit'])).toThrow(/DEPARTMENT_STEP_PENDING[\s\S]*2 份自评表/);

      expect(await unitNamed(unit.name)).toEqual(before);
      expect(before).toMatchObject({ departmentId: departmentA, reviewChain: ['unit', 'department'] });
      expect(await review(waiting.id)).toMatchObject({ name: 'department', chain: ['unit', 'department'] });
      expect(await review(coming.id)).toMatchObject({ name: 'unit', chain: ['unit', 'department'] });
      expect((await reviewerA.get('/api/evaluations?queue=review&pageSize=100')).body.items.map((e: { id: string }) => e.id)).toContain(waiting.id);

      // Once those reviews are done (here: one approved by the department, the other withdrawn), unlinking is allowed.
      expect((await reviewerA.post(`/api/evaluations/${waiting.id}/approve`, { expectedVersion: waiting.version + 1 })).body.status).toBe('Reviewed');
      expect((await unitDrafter.post(`/api/evaluations/${coming.id}/withdraw`, { expectedVersion: coming.version })).status).toBe(200);
      const unlinked = await admin.patch(`/api/units/${unit.id}`, { departmentId: null, reviewChain: ['unit'] });
      expect(unlinked.body).toMatchObject({ departmentId: null, reviewChain: ['unit'] });
      expect((await admin.patch(`/api/units/${unit.id}`, { departmentId: departmentA, reviewChain: ['unit', 'department'] })).status).toBe(200);
    });

    it('moves the unit to another department instead: its waiting forms go to that department’s reviewers', async () => {
      const { id, version } = await submit('文化馆：文艺汇演项目');
      expect((await unitReviewer.post(`/api/evaluations/${id}/approve`, { expectedVersion: version })).status).toBe(200);
      expect((await manager.get(`/api/evaluations/${id}/reviewers`)).body.map((r: { id: string }) => r.id)).toEqual([reviewerA.id]);

      const moved = await admin.patch(`/api/units/${unit.id}`, { departmentId: departmentB });
      expect(moved.body).toMatchObject({ departmentId: departmentB, reviewChain: ['unit', 'department'], competentDepartment: '北京市某区宣传部' });
      expect(await review(id)).toMatchObject({ name: 'department' });
      expect((await manager.get(`/api/evaluations/${id}/reviewers`)).body.map((r: { id: string }) => r.id)).toEqual([reviewerB.id]);
      expect((await reviewerB.get('/api/evaluations?queue=review&pageSize=100')).body.items.map((e: { id: string }) => e.id)).toContain(id);
      // The old department's reviewer no longer sees the unit's forms at all (404), so cannot approve; the new one can.
      expect((await reviewerA.get(`/api/evaluations/${id}`)).status).toBe(404);
      const stale = await reviewerA.post(`/api/evaluations/${id}/approve`, { expectedVersion: version + 1 });
      expect({ status: stale.status, code: stale.body.code }).toEqual({ status: 404, code: 'NOT_FOUND' });
      const approved = await reviewerB.post(`/api/evaluations/${id}/approve`, { expectedVersion: version + 1 });
      expect(approved.body).toMatchObject({ status: 'Reviewed' });
      expect((await manager.get(`/api/evaluations/${id}`)).body.review.approvals.map((a: { name: string; by: { id: string } }) => [a.name, a.by.id])).toEqual([
        ['unit', unitReviewer.id],
        ['department', reviewerB.id],
      ]);
      expect((await admin.patch(`/api/units/${unit.id}`, { departmentId: departmentA })).status).toBe(200);
    });

    it('lets a submission that meets an unlink under way copy the chain the unlink leaves (the unit row is locked by the one that came first)', async () => {
      const id = await draft('文化馆：并发提交项目');
      const unlinking = new pg.Client({ connectionString: api.databaseUrl });
      await unlinking.connect();
      let submitted: Promise<{ status: number; body: { version: number } }>;
      try {
        // As Directory.updateUnit does: the unit's row locked, then changed; the submission must wait for the commit.
        await unlinking.query('BEGIN');
        await unlinking.query('SELECT id FROM units WHERE id = $1 FOR UPDATE', [unit.id]);
        await unlinking.query(`UPDATE units SET department_id = NULL, review_chain = '{unit}' WHERE id = $1`, [unit.id]);
        submitted = unitDrafter.post(`/api/evaluations/${id}/submit`, { expectedVersion: 1 }).then((r) => r);
        const early = await Promise.race([submitted.then(() => 'answered'), new Promise((resolve) => setTimeout(() => resolve('waiting'), 500))]);
        expect(early).toBe('waiting');
        await unlinking.query('COMMIT');
      } finally {
        await unlinking.end();
      }
      expect((await submitted!).status).toBe(200);
      expect(await review(id)).toMatchObject({ name: 'unit', chain: ['unit'] });
      expect((await admin.patch(`/api/units/${unit.id}`, { departmentId: departmentA, reviewChain: ['unit', 'department'] })).status).toBe(200);
    });

    it('lets exactly one of a submission and an unlink sent together win: never a form whose chain leads to no department', async () => {
      for (let round = 0; round < 4; round++) {
        const id = await draft(`文化馆：并发第 ${round + 1} 轮`);
        const [sent, unlink] = await Promise.all([
          unitDrafter.post(`/api/evaluations/${id}/submit`, { expectedVersion: 1 }).then((r) => r),
          admin.patch(`/api/units/${unit.id}`, { departmentId: null, reviewChain: ['unit'] }).then((r) => r),
        ]);
        expect(sent.status).toBe(200);
        const chain = (await review(id)).chain;
        const outcome = { unlink: unlink.status, code: unlink.body.code ?? null, chain };
        expect([
          { unlink: 200, code: null, chain: ['unit'] },
          { unlink: 409, code: 'DEPARTMENT_STEP_PENDING', chain: ['unit', 'department'] },
        ]).toContainEqual(outcome);
        expect((await unitDrafter.post(`/api/evaluations/${id}/withdraw`, { expectedVersion: sent.body.version })).status).toBe(200);
        expect((await admin.patch(`/api/units/${unit.id}`, { departmentId: departmentA, reviewChain: ['unit', 'department'] })).status).toBe(200);
      }
    });
  });

  describe('users with departments', () => {
    it('takes departmentIds at POST and PATCH /api/users, refusing unknown ones with 400 UNKNOWN_DEPARTMENT', async () => {
      const unknown = randomUUID();
      const refused = await admin.post('/api/users', { username: 'dept-x', password: 'quiet-harbour-lamp', displayName: '某部门审核人', roles: ['reviewer'], unitIds: [], departmentIds: [unknown] });
      expect({ status: refused.status, code: refused.body.code, details: refused.body.details }).toEqual({ status: 400, code: 'UNKNOWN_DEPARTMENT', details: { departmentIds: [unknown] } });
      for (const departmentIds of [['x'], 'not-a-list', [1], [null]]) {
        const res = await admin.post('/api/users', { username: 'dept-y', password: 'quiet-harbour-lamp', displayName: '某部门审核人', roles: ['reviewer'], unitIds: [], departmentIds });
        expect({ departmentIds, status: res.status, code: res.body.code }).toEqual({ departmentIds, status: 400, code: 'VALIDATION_FAILED' });
      }
      expect((await admin.get('/api/users')).body.map((u: { username: string }) => u.username)).not.toEqual(expect.arrayContaining(['dept-x']));
      const created = await admin.post('/api/users', { username: 'dept-z', password: 'quiet-harbour-lamp', displayName: '某部门审核人', roles: ['reviewer'], unitIds: [], departmentIds: [sampleDepartmentId, sampleDepartmentId] });
      expect(created.status).toBe(201);
      expect(created.body).toMatchObject({ departmentIds: [sampleDepartmentId], unitIds: [] });
      expect((await admin.patch(`/api/users/${created.body.id}`, { departmentIds: [unknown] })).body.code).toBe('UNKNOWN_DEPARTMENT');
      expect((await admin.patch(`/api/users/${created.body.id}`, { departmentIds: [] })).body.departmentIds).toEqual([]);
      const listed = (await admin.get('/api/users')).body.find((u: { username: string }) => u.username === 'dept-reviewer');
      expect(listed.departmentIds).toEqual([sampleDepartmentId]);
    });

    it('takes departments by name or id in the CLI’s create-user and update-user', async () => {
      api.cli(['create-user', '--username', 'cli-dept', '--password', 'quiet-harbour-lamp', '--roles', 'reviewer', '--departments', SAMPLE_DEPARTMENT]);
      const ids = async () => (await api.query<{ department_ids: string[] }>(`SELECT department_ids FROM users WHERE username = 'cli-dept'`))[0].department_ids;
      expect(await ids()).toEqual([sampleDepartmentId]);
      api.cli(['update-user', '--username', 'cli-dept', '--departments', '']);
      expect(await ids()).toEqual([]);
      api.cli(['update-user', '--username', 'cli-dept', '--departments', sampleDepartmentId]);
      expect(await ids()).toEqual([sampleDepartmentId]);
      expect(() => api.cli(['update-user', '--username', 'cli-dept', '--departments', '没有这个部门'])).toThrow(/没有这个部门/);
      expect(() => api.cli(['update-user', '--username', 'cli-dept', '--departments', randomUUID()])).toThrow(/UNKNOWN_DEPARTMENT/);
      expect(await ids()).toEqual([sampleDepartmentId]);
    });
  });

  describe('what a department reviewer sees', () => {
    let eduUnit: UnitBody;
    let eduDrafter: ApiClient;
    let eduReviewer: ApiClient;
    let ours: string;
    let theirs: string;

    beforeAll(async () => {
      eduUnit = (await admin.post('/api/units', { name: '北京市某区教育委员会', competentDepartment: '北京市教育委员会' })).body;
      await admin.post('/api/users', { username: 'edu-drafter', password: 'paper-lantern-river', displayName: '教委填报人', roles: ['drafter'], unitIds: [eduUnit.id] });
      await admin.post('/api/users', { username: 'edu-reviewer', password: 'copper-kettle-mist', displayName: '教委审核人', roles: ['reviewer'], unitIds: [], departmentIds: [eduUnit.departmentId] });
      eduDrafter = await ApiClient.login(api.baseUrl, 'edu-drafter', 'paper-lantern-river');
      eduReviewer = await ApiClient.login(api.baseUrl, 'edu-reviewer', 'copper-kettle-mist');
      ours = (await drafter.post('/api/evaluations', newMediaForm({ projectName: '老干部局系统：新媒体宣传项目' }))).body.id;
      theirs = (await eduDrafter.post('/api/evaluations', newMediaForm({ projectName: '教委系统：校园宣传项目' }))).body.id;
      expect((await drafter.post(`/api/evaluations/${ours}/submit`, { expectedVersion: 1 })).status).toBe(200);
      expect((await eduDrafter.post(`/api/evaluations/${theirs}/submit`, { expectedVersion: 1 })).status).toBe(200);
    });

    it('reads every form of the department’s units, its history and exports', async () => {
      const form = await deptReviewer.get(`/api/evaluations/${ours}`);
      expect(form.status).toBe(200);
      expect(form.body.form.unitId).toBe(sampleUnit.id);
      expect((await deptReviewer.get(`/api/evaluations/${ours}/history`)).status).toBe(200);
      expect((await deptReviewer.getBinary(`/api/evaluations/${ours}/form.xlsx`)).status).toBe(200);
    });

    it('gets 404 for a form of another department, its history and exports', async () => {
      for (const path of [`/api/evaluations/${theirs}`, `/api/evaluations/${theirs}/history`, `/api/evaluations/${theirs}/form.xlsx`, `/api/evaluations/${theirs}/form.pdf`]) {
        const res = await deptReviewer.get(path);
        expect({ path, status: res.status }).toEqual({ path, status: 404 });
      }
      expect((await eduReviewer.get(`/api/evaluations/${ours}`)).status).toBe(404);
      expect((await eduReviewer.get(`/api/evaluations/${theirs}`)).status).toBe(200);
    });

    it('finds only the department’s forms in lists, queues, search, the summary and the year picker; the board is not theirs', async () => {
      const all = await deptReviewer.get('/api/evaluations?pageSize=100');
      expect(all.status).toBe(200);
      expect(all.body.items.map((e: { id: string }) => e.id)).toContain(ours);
      expect(new Set(all.body.items.map((e: { unitId: string }) => e.unitId))).toEqual(new Set([sampleUnit.id]));
      expect(all.body.total).toBe(all.body.items.length);
      for (const query of ['queue=review', 'queue=overdue', 'status=Submitted', `unitId=${eduUnit.id}`, `q=${encodeURIComponent('校园宣传')}`]) {
        const res = await deptReviewer.get(`/api/evaluations?${query}&pageSize=100`);
        expect({ query, status: res.status, ids: res.body.items.map((e: { id: string }) => e.id) }).toEqual({ query, status: 200, ids: expect.not.arrayContaining([theirs]) });
        expect({ query, units: res.body.items.filter((e: { unitId: string }) => e.unitId !== sampleUnit.id) }).toEqual({ query, units: [] });
      }
      const summary = await deptReviewer.get('/api/summary');
      expect(summary.status).toBe(200);
      expect(summary.body.rows.length).toBeGreaterThan(7);
      expect(new Set(summary.body.rows.map((r: { unitId: string }) => r.unitId))).toEqual(new Set([sampleUnit.id]));
      expect((await deptReviewer.get(`/api/summary?unitId=${eduUnit.id}`)).body.rows).toEqual([]);
      const csv = await deptReviewer.getBinary('/api/summary.csv');
      expect(csv.status).toBe(200);
      expect(csv.body.toString('utf8')).not.toContain('校园宣传');
      const eduYears = (await eduReviewer.get('/api/fiscal-years')).body;
      expect(eduYears).toEqual([{ fiscalYear: expect.any(Number), evaluations: 1 }]);
      expect((await deptReviewer.get('/api/board')).status).toBe(403);
      const eduList = (await eduReviewer.get('/api/evaluations?pageSize=100')).body;
      expect(eduList.items.map((e: { id: string }) => e.id)).toEqual([theirs]);
    });

    it('shows them only the notices about forms they may see', async () => {
      const notice = (evaluationId: string, title: string) =>
        api.query(`INSERT INTO notifications (id, dedupe_key, recipient_id, kind, evaluation_id, title, body) VALUES ($1, $2, $3, 'review_requested', $4, $5, '')`, [
          randomUUID(),
          `test:${randomUUID()}`,
          deptReviewer.id,
          evaluationId,
          title,
        ]);
      await notice(ours, '本部门的表');
      await notice(theirs, '别的部门的表');
      const inbox = await deptReviewer.get('/api/me/notifications');
      expect(inbox.body.map((n: { title: string }) => n.title)).toContain('本部门的表');
      expect(inbox.body.map((n: { title: string }) => n.title)).not.toContain('别的部门的表');
    });

    it('streams them the changes of their department’s forms and no other', async () => {
      const ticket = (await deptReviewer.post('/api/me/stream-ticket')).body.ticket;
      const stream = await SseStream.open(api.baseUrl, ticket);
      try {
        await stream.next('queues');
        const theirsNow = (await eduDrafter.post('/api/evaluations', newMediaForm({ projectName: '教委系统：另一个项目' }))).body.id;
        const oursNow = (await drafter.post('/api/evaluations', newMediaForm({ projectName: '老干部局系统：另一个项目' }))).body.id;
        await stream.next('evaluation', (e: { id: string }) => e.id === oursNow);
        expect(stream.data<{ id: string }>('evaluation').map((e) => e.id)).not.toContain(theirsNow);
      } finally {
        stream.close();
      }
    });

    it('learns at once, in every API process, that a unit joined or left the department, or that the reviewer’s departments changed', async () => {
      const statusOn = async (baseUrl: string, client: ApiClient, id: string) =>
        (await request(baseUrl).get(`/api/evaluations/${id}`).set('Authorization', `Bearer ${client.session!.token}`)).status;
      // Both processes have the sessions cached.
      for (const baseUrl of [api.baseUrl, second]) {
        expect(await statusOn(baseUrl, deptReviewer, theirs)).toBe(404);
        expect(await statusOn(baseUrl, eduReviewer, theirs)).toBe(200);
      }
      expect((await admin.patch(`/api/units/${eduUnit.id}`, { departmentId: sampleDepartmentId })).status).toBe(200);
      expect(await statusOn(api.baseUrl, deptReviewer, theirs)).toBe(200);
      expect(await statusOn(api.baseUrl, eduReviewer, theirs)).toBe(404);
      expect(await eventually(() => statusOn(second, deptReviewer, theirs), (s) => s === 200)).toBe(200);
      expect(await eventually(() => statusOn(second, eduReviewer, theirs), (s) => s === 404)).toBe(404);

      expect((await admin.patch(`/api/units/${eduUnit.id}`, { departmentId: eduUnit.departmentId })).status).toBe(200);
      expect(await statusOn(api.baseUrl, deptReviewer, theirs)).toBe(404);
      expect(await statusOn(api.baseUrl, eduReviewer, theirs)).toBe(200);

      // A unit created under the department (POST /units, or an import naming a new unit) is seen at once too.
      const joined = (await admin.post('/api/units', { name: '北京市老年大学', competentDepartment: SAMPLE_DEPARTMENT })).body;
      expect((await deptReviewer.get('/api/auth/me')).body.departmentUnitIds).toContain(joined.id);

      const id = deptReviewer.id;
      expect((await admin.patch(`/api/users/${id}`, { departmentIds: [] })).status).toBe(200);
      expect(await statusOn(api.baseUrl, deptReviewer, ours)).toBe(404);
      expect(await eventually(() => statusOn(second, deptReviewer, ours), (s) => s === 404)).toBe(404);
      expect((await admin.patch(`/api/users/${id}`, { departmentIds: [sampleDepartmentId] })).status).toBe(200);
      expect(await statusOn(api.baseUrl, deptReviewer, ours)).toBe(200);
    });
  });
});

describe('The departments migration, and the directory on it', () => {
  const db = new TestDatabase();
  let dataSource: DataSource;

  beforeAll(async () => {
    dataSource = await db.create();
  });

  afterAll(async () => {
    await db.drop();
  });

  it('links the units that exist by name: one department per distinct non-empty competent_department', async () => {
    const migration = dataSource.migrations.find((m) => m.name === 'Departments1764892800200')!;
    const runner = dataSource.createQueryRunner();
    try {
      await migration.down(runner);
      const unit = (name: string, department: string) => dataSource.query('INSERT INTO units (id, name, competent_department) VALUES ($1, $2, $3) RETURNING id', [randomUUID(), name, department]);
      await unit('北京市关心下一代工作委员会办公室', SAMPLE_DEPARTMENT);
      await unit('北京市老干部活动中心', ` ${SAMPLE_DEPARTMENT} `);
      await unit('北京市某区教育委员会', '北京市教育委员会');
      await unit('某未填写主管部门的单位', '  ');
      await dataSource.query(`INSERT INTO users (id, username, password_hash, display_name, roles) VALUES ($1, 'old', 'x', '旧用户', '{reviewer}')`, [randomUUID()]);
      await migration.up(runner);
    } finally {
      await runner.release();
    }
    const departments: { id: string; name: string }[] = await dataSource.query('SELECT id, name FROM departments ORDER BY name');
    expect(departments.map((d) => d.name).sort()).toEqual([SAMPLE_DEPARTMENT, '北京市教育委员会'].sort());
    const units: { name: string; department: string | null; review_chain: string[] }[] = await dataSource.query(
      'SELECT u.name, d.name AS department, u.review_chain FROM units u LEFT JOIN departments d ON d.id = u.department_id ORDER BY u.name',
    );
    expect(Object.fromEntries(units.map((u) => [u.name, [u.department, u.review_chain]]))).toEqual({
      北京市关心下一代工作委员会办公室: [SAMPLE_DEPARTMENT, ['unit']],
      北京市老干部活动中心: [SAMPLE_DEPARTMENT, ['unit']],
      北京市某区教育委员会: ['北京市教育委员会', ['unit']],
      某未填写主管部门的单位: [null, ['unit']],
    });
    expect(await dataSource.query(`SELECT department_ids FROM users WHERE username = 'old'`)).toEqual([{ department_ids: [] }]);
  });

  it('names the active reviewers of each step of a unit’s forms (whom notices ask, whom a manager may reassign to), and finds units by id', async () => {
    const directory = new Directory(dataSource, loadConfig({ BCRYPT_ROUNDS: '4' }));
    const sample = await directory.unitNamed('北京市关心下一代工作委员会办公室', '不会用到的名字');
    expect(sample.created).toBe(false);
    const created = await directory.unitNamed('北京市老年大学', SAMPLE_DEPARTMENT);
    expect(created).toMatchObject({ created: true, departmentId: sample.departmentId, reviewChain: ['unit'] });
    const orphan = (await dataSource.query(`SELECT id FROM units WHERE name = '某未填写主管部门的单位'`))[0].id;
    const education = (await dataSource.query(`SELECT id FROM departments WHERE name = '北京市教育委员会'`))[0].id;
    const user = (username: string, roles: ('reviewer' | 'drafter')[], departmentIds: string[]) =>
      directory.createUser({ username, password: 'long-enough-phrase', displayName: username, roles, unitIds: [], departmentIds });
    await user('dept-a', ['reviewer'], [sample.departmentId!]);
    await user('dept-both', ['reviewer'], [education, sample.departmentId!]);
    await user('dept-edu', ['reviewer'], [education]);
    await user('dept-drafter', ['drafter'], [sample.departmentId!]);
    const gone = await user('dept-gone', ['reviewer'], [sample.departmentId!]);
    await directory.updateUser(gone.id, { active: false });
    const departmentStep = async (unitId: string) => (await directory.stepReviewers(unitId, 'department')).map((u) => u.username);
    expect(await departmentStep(sample.id)).toEqual(['dept-a', 'dept-both']);
    expect(await departmentStep(created.id)).toEqual(['dept-a', 'dept-both']);
    expect(await departmentStep(orphan)).toEqual([]);
    // A department's reviewers are theirs whatever the reach; the unit step is the unit's own reviewers, and
    // those who see every unit only when everyone allowed is asked for (whom a manager may reassign to).
    expect((await directory.stepReviewers(sample.id, 'department', { reach: 'everyone allowed' })).map((u) => u.username)).toEqual(['dept-a', 'dept-both']);
    await directory.createUser({ username: 'unit-own', password: 'long-enough-phrase', displayName: 'unit-own', roles: ['reviewer'], unitIds: [sample.id] });
    await directory.createUser({ username: 'unit-all', password: 'long-enough-phrase', displayName: 'unit-all', roles: ['reviewer', 'manager'], unitIds: [] });
    await directory.createUser({ username: 'unit-boss', password: 'long-enough-phrase', displayName: 'unit-boss', roles: ['manager'], unitIds: [sample.id] });
    expect((await directory.stepReviewers(sample.id, 'unit')).map((u) => u.username)).toEqual(['unit-own']);
    expect((await directory.stepReviewers(sample.id, 'unit', { reach: 'everyone allowed' })).map((u) => u.username)).toEqual(['unit-all', 'unit-own']);
    expect((await directory.stepReviewers(orphan, 'unit', { reach: 'everyone allowed' })).map((u) => u.username)).toEqual(['unit-all']);
    expect((await directory.stepReviewers(sample.id, 'department')).find((u) => u.username === 'dept-a')!.departmentUnitIds).toContain(sample.id);
    expect(await directory.findUnit(sample.id)).toEqual({ ...sample, created: undefined, createdAt: expect.any(String) });
    expect(await directory.findUnit(randomUUID())).toBeNull();
    const centre = (await dataSource.query(`SELECT id FROM units WHERE name = '北京市老干部活动中心'`))[0].id;
    const session = await directory.findSession((await directory.listUsers()).find((u) => u.username === 'dept-a')!.id);
    expect(session!.user.departmentUnitIds!.sort()).toEqual([sample.id, created.id, centre].sort());
  });
});
