import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { TestDatabase } from './support/test-database.js';
import { loadConfig } from '#perf-eval/config';
import { Directory } from '#perf-eval/identity';
import { CyclesStore } from '#perf-eval/cycles';
import { ReminderScan, NotificationCenter } from '#perf-eval/notifications';
import { EvaluationRepository, EvaluationStateProjector, Evaluation, SnapshotCache, submissionGaps } from '#perf-eval/evaluation';
import { SEED_FORM_6_FAMILY_EDUCATION } from '../libs/evaluation/src/scoring/seed-forms.fixture.js';

/** The reminder scan against real PostgreSQL, with the clock moved by the test instead of waiting days. */
describe('Reminders on a moved clock', () => {
  const db = new TestDatabase();
  let dataSource: DataSource;
  let cycles: CyclesStore;
  let scan: ReminderScan;
  let repository: EvaluationRepository;
  let unitId: string;
  let drafterIds: string[];
  let managerId: string;
  const deadline = new Date('2026-12-01T10:00:00Z');
  const minus = (days: number) => new Date(deadline.getTime() - days * 86_400_000);

  beforeAll(async () => {
    dataSource = await db.create();
    const config = loadConfig({});
    const directory = new Directory(dataSource, config);
    const unit = await directory.createUnit('测试单位', '测试主管部门');
    unitId = unit.id;
    const d1 = await directory.createUser({ username: 'd1', password: 'reminder-pass-1', displayName: '填报一', roles: ['drafter'], unitIds: [unitId] });
    const d2 = await directory.createUser({ username: 'd2', password: 'reminder-pass-1', displayName: '填报二', roles: ['drafter'], unitIds: [unitId] });
    const m = await directory.createUser({ username: 'm1', password: 'reminder-pass-1', displayName: '管理员', roles: ['manager'], unitIds: [unitId] });
    await directory.createUser({ username: 'r1', password: 'reminder-pass-1', displayName: '审核人', roles: ['reviewer'], unitIds: [unitId] });
    drafterIds = [d1.id, d2.id];
    managerId = m.id;
    cycles = new CyclesStore(dataSource);
    scan = new ReminderScan(dataSource, cycles, new NotificationCenter(dataSource, config, directory));
    repository = new EvaluationRepository(dataSource, new EvaluationStateProjector(), new SnapshotCache(config));
  });

  afterAll(async () => {
    await db.drop();
  });

  beforeEach(async () => {
    await dataSource.query(`UPDATE cycles SET status = 'closed'`);
    await dataSource.query('DELETE FROM notifications');
  });

  // A cycle covers every form of its fiscal year: each test works in a year of its own.
  let nextYear = 2030;
  function cycleIn(name: string, fiscalYear = nextYear++) {
    return cycles.create({ fiscalYear, name, submissionDeadline: deadline, reviewDeadline: new Date('2026-12-10T10:00:00Z') }, managerId);
  }

  async function draft(fiscalYear: number, at: Date, cycleId: string | null = null): Promise<Evaluation> {
    const evaluation = Evaluation.draft(randomUUID(), { ...SEED_FORM_6_FAMILY_EDUCATION, fiscalYear, unitId, cycleId }, 'national-2020', { actor: { userId: drafterIds[0] }, at });
    await repository.save(evaluation);
    return evaluation;
  }

  function draftIn(cycle: { id: string; fiscalYear: number }, at: Date): Promise<Evaluation> {
    return draft(cycle.fiscalYear, at, cycle.id);
  }

  async function notices(): Promise<{ kind: string; recipient_id: string; evaluation_id: string }[]> {
    return dataSource.query('SELECT kind, recipient_id, evaluation_id FROM notifications ORDER BY kind, recipient_id');
  }

  it("scans every other cycle when one cannot be scanned, and fails the run afterwards", async () => {
    const broken = await cycleIn('策略损坏的批次');
    const sound = await cycleIn('正常的批次');
    await draftIn(broken, minus(20));
    const evaluation = await draftIn(sound, minus(20));
    // Written before the API refused such policies: a wait no date can be computed from.
    await dataSource.query(`UPDATE cycles SET reminder_policy = $2 WHERE id = $1`, [broken.id, JSON.stringify({ before: ['P7D'], reviewWait: 'P99999999999999999999999999W' })]);
    await expect(scan.run(minus(6.5))).rejects.toThrow();
    expect((await notices()).map((n) => [n.kind, n.evaluation_id])).toEqual([
      ['reminder', evaluation.state.id],
      ['reminder', evaluation.state.id],
    ]);
  });

  it('reminds each drafter once per moment, then sends the overdue notice and the escalation once', async () => {
    const cycle = await cycleIn('年度项目支出绩效自评');
    const evaluation = await draftIn(cycle, minus(20));

    await scan.run(minus(8));
    expect(await notices()).toEqual([]);

    await scan.run(minus(7));
    await scan.run(minus(6.5));
    expect((await notices()).map((n) => n.kind)).toEqual(['reminder', 'reminder']);
    await scan.run(minus(3));
    await scan.run(minus(1));
    await scan.run(minus(1));
    expect((await notices()).length).toBe(6); // 3 moments × 2 drafters

    await scan.run(deadline);
    await scan.run(new Date(deadline.getTime() + 60_000));
    const all = await notices();
    expect(all.filter((n) => n.kind === 'overdue').map((n) => n.recipient_id).sort()).toEqual([...drafterIds].sort());
    expect(all.filter((n) => n.kind === 'escalation').map((n) => n.recipient_id)).toEqual([managerId]);
    expect(all.every((n) => n.evaluation_id === evaluation.state.id)).toBe(true);
    const [{ title }] = await dataSource.query(`SELECT title FROM notifications WHERE kind = 'overdue' LIMIT 1`);
    expect(title).toContain('家庭教育');
  });

  it('tells the drafter of a form still half empty how many cells are left, and nothing of the sort for a complete one', async () => {
    const cycle = await cycleIn('待填写提醒批次');
    const complete = await draftIn(cycle, minus(20));
    const halfEmpty = {
      ...SEED_FORM_6_FAMILY_EDUCATION,
      fiscalYear: cycle.fiscalYear,
      unitId,
      cycleId: cycle.id,
      goals: { ...SEED_FORM_6_FAMILY_EDUCATION.goals, actual: '' },
      indicators: SEED_FORM_6_FAMILY_EDUCATION.indicators.map((row, i) => (i < 3 ? { ...row, actual: '', score: null } : row)),
    };
    const copied = Evaluation.draft(randomUUID(), halfEmpty, 'national-2020', { actor: { userId: drafterIds[0] }, at: minus(20) });
    await repository.save(copied);
    expect(submissionGaps(halfEmpty).length).toBe(4);
    await scan.run(minus(6.5));
    const bodies = await dataSource.query(`SELECT evaluation_id, body FROM notifications WHERE kind = 'reminder' AND recipient_id = $1`, [drafterIds[0]]);
    const bodyOf = (id: string) => bodies.find((n: { evaluation_id: string }) => n.evaluation_id === id).body as string;
    expect(bodyOf(copied.state.id)).toContain('表中目前还有 4 处未填写');
    expect(bodyOf(complete.state.id)).not.toContain('未填写');
  });

  it('stops reminding once the form is submitted', async () => {
    const cycle = await cycleIn('提交即停');
    const evaluation = await draftIn(cycle, minus(20));
    await scan.run(minus(7));
    expect((await notices()).length).toBe(2);
    const loaded = await repository.load(evaluation.state.id);
    loaded.submit({ actor: { userId: drafterIds[0] }, at: minus(5) });
    await repository.save(loaded, 1);
    await scan.run(minus(3));
    await scan.run(minus(1));
    await scan.run(deadline);
    // The drafters hear nothing more; the form has now waited 5 days for review, so the reviewer is reminded.
    expect((await notices()).map((n) => n.kind)).toEqual(['reminder', 'reminder', 'review_overdue']);
  });

  it("reminds the reviewers of the step the form waits at: after the unit step, the 主管部门's", async () => {
    const directory = new Directory(dataSource, loadConfig({}));
    const unit = (await directory.findUnit(unitId))!;
    const deptReviewer = await directory.createUser({ username: `dr-${randomUUID().slice(0, 8)}`, password: 'reminder-pass-1', displayName: '主管部门审核人', roles: ['reviewer'], unitIds: [], departmentIds: [unit.departmentId!] });
    const [{ id: unitReviewer }] = await dataSource.query(`SELECT id FROM users WHERE username = 'r1'`);
    const cycle = await cycleIn('两级审核催办');
    const evaluation = await draftIn(cycle, minus(20));
    const loaded = await repository.load(evaluation.state.id);
    loaded.submit({ actor: { userId: drafterIds[0] }, at: minus(6) }, ['unit', 'department']);
    loaded.approve(null, randomUUID(), { actor: { userId: unitReviewer }, at: minus(5.5) });
    await repository.save(loaded, 1);
    expect(loaded.state).toMatchObject({ status: 'Submitted', review: { step: 1 } });
    await scan.run(deadline);
    const overdue = (await notices()).filter((n) => n.kind === 'review_overdue');
    expect(overdue.map((n) => n.recipient_id)).toEqual([deptReviewer.id]);
  });

  it('reschedules when the deadline moves', async () => {
    const cycle = await cycleIn('截止日调整');
    await draftIn(cycle, minus(20));
    await scan.run(minus(1));
    expect((await notices()).length).toBe(2); // the 1-day reminder
    const later = new Date(deadline.getTime() + 7 * 86_400_000);
    await cycles.update(cycle.id, { submissionDeadline: later, reviewDeadline: new Date(later.getTime() + 86_400_000) });
    await scan.run(deadline); // was the deadline; now 7 days ahead of the new one
    const kinds = (await notices()).map((n) => n.kind);
    expect(kinds.filter((k) => k === 'overdue')).toEqual([]);
    expect(kinds.filter((k) => k === 'reminder')).toHaveLength(4); // the old 1-day one and the new 7-day one
  });

  it('stores each notice once when two scans run at the same moment', async () => {
    const cycle = await cycleIn('并发');
    for (let i = 0; i < 20; i++) await draftIn(cycle, minus(20));
    await Promise.all([scan.run(deadline), scan.run(deadline), scan.run(deadline)]);
    const all = await notices();
    expect(all.filter((n) => n.kind === 'overdue')).toHaveLength(40);
    expect(all.filter((n) => n.kind === 'escalation')).toHaveLength(20);
  });

  it('reminds about the forms of the year created before the cycle existed', async () => {
    const fiscalYear = nextYear++;
    const early = await draft(fiscalYear, minus(40)); // no cycle yet: nothing recorded on the form
    const otherYear = await draft(fiscalYear + 100, minus(40));
    await scan.run(minus(7));
    expect(await notices()).toEqual([]);

    const cycle = await cycleIn('先有表后建批次', fiscalYear);
    await scan.run(minus(7));
    const stored = await notices();
    expect(stored.map((n) => [n.kind, n.evaluation_id, n.recipient_id])).toEqual(
      [...drafterIds].sort().map((id) => ['reminder', early.state.id, id]),
    );
    expect(stored.some((n) => n.evaluation_id === otherYear.state.id)).toBe(false);
    const [{ cycle_id }] = await dataSource.query('SELECT DISTINCT cycle_id FROM notifications');
    expect(cycle_id).toBe(cycle.id);
  });

  it("lets the year's newest open cycle govern its forms, and a closed cycle remind nobody", async () => {
    const fiscalYear = nextYear++;
    const older = await cycleIn('较早批次', fiscalYear);
    const form = await draftIn(older, minus(20));
    const later = new Date(deadline.getTime() + 30 * 86_400_000);
    const newer = await cycles.create({ fiscalYear, name: '较新批次', submissionDeadline: later, reviewDeadline: new Date(later.getTime() + 86_400_000) }, managerId);
    await scan.run(minus(7)); // 7 days before the older deadline, 37 before the newer one
    expect(await notices()).toEqual([]);
    await scan.run(new Date(later.getTime() - 7 * 86_400_000));
    expect((await dataSource.query('SELECT DISTINCT cycle_id, evaluation_id FROM notifications'))).toEqual([{ cycle_id: newer.id, evaluation_id: form.state.id }]);

    await dataSource.query('DELETE FROM notifications');
    await cycles.update(newer.id, { status: 'closed' }); // the older one governs again
    await scan.run(minus(3));
    expect((await dataSource.query('SELECT DISTINCT cycle_id FROM notifications'))).toEqual([{ cycle_id: older.id }]);
    await dataSource.query('DELETE FROM notifications');
    await cycles.update(older.id, { status: 'closed' });
    await scan.run(minus(1));
    expect(await notices()).toEqual([]);
  });

  it('reads on a later tick only the forms that can have become due since the last complete scan', async () => {
    const cycle = await cycleIn('增量检查');
    for (let i = 0; i < 20; i++) await draftIn(cycle, minus(20));
    expect((await scan.run(minus(7))).notices).toBe(20); // the 7-day reminder of each form
    expect((await scan.run(minus(6.5))).notices).toBe(0); // the same moment: nothing read, nothing to say
    expect((await notices()).length).toBe(40);

    const late = await draftIn(cycle, minus(6.4)); // a draft created after the moment
    expect((await scan.run(minus(6.3))).notices).toBe(1);
    expect((await notices()).filter((n) => n.evaluation_id === late.state.id).map((n) => n.kind)).toEqual(['reminder', 'reminder']);

    // A form submitted at −6.2 days has waited the 3-day review wait at −3.2 days: its notice is due in between.
    const waiting = await repository.load(late.state.id);
    waiting.submit({ actor: { userId: drafterIds[0] }, at: minus(6.2) });
    await repository.save(waiting, 1);
    expect((await scan.run(minus(3.5))).notices).toBe(0);
    expect((await scan.run(minus(3.1))).notices).toBe(1);
    expect((await notices()).filter((n) => n.kind === 'review_overdue').map((n) => n.evaluation_id)).toEqual([late.state.id]);

    // A new moment reads every draft again, once.
    expect((await scan.run(minus(3))).notices).toBe(20);
    expect((await scan.run(minus(2.9))).notices).toBe(0);
    expect((await notices()).filter((n) => n.kind === 'reminder')).toHaveLength(82); // 2 moments × 20 forms × 2 drafters + the late one's
  });

  it('records nothing for a scan that fails: the next one reads everything again and stores each notice once', async () => {
    const config = loadConfig({});
    const directory = new Directory(dataSource, config);
    let failures = 1;
    class FailingOnce extends NotificationCenter {
      override async notifyMany(...args: Parameters<NotificationCenter['notifyMany']>): Promise<number> {
        const stored = await super.notifyMany(...args); // stored, then the process "dies" before the scan completes
        if (failures-- > 0) throw new Error('worker lost');
        return stored;
      }
    }
    const failing = new ReminderScan(dataSource, cycles, new FailingOnce(dataSource, config, directory));
    const cycle = await cycleIn('中断后重查');
    for (let i = 0; i < 3; i++) await draftIn(cycle, minus(20));
    await expect(failing.run(minus(7))).rejects.toThrow('worker lost');
    expect(await dataSource.query('SELECT 1 FROM reminder_watermarks WHERE cycle_id = $1', [cycle.id])).toEqual([]);
    expect((await failing.run(minus(6.9))).notices).toBe(3);
    expect((await notices()).length).toBe(6);
    expect((await failing.run(minus(6.8))).notices).toBe(0);
  });

  it('reads everything again when the deadlines or the policy change', async () => {
    const cycle = await cycleIn('截止日调整后重查');
    for (let i = 0; i < 5; i++) await draftIn(cycle, minus(20));
    expect((await scan.run(minus(2))).notices).toBe(5);
    expect((await scan.run(minus(1.9))).notices).toBe(0);
    // Under the new policy the last scan was in the same moment (after the 2-day one): only the changed
    // policy says that the 2-day reminder, never sent, is due.
    await cycles.update(cycle.id, { reminderPolicy: { before: ['P2D'], reviewWait: 'P3D' } });
    expect((await scan.run(minus(1.8))).notices).toBe(5);
    expect((await notices()).filter((n) => n.kind === 'reminder')).toHaveLength(20);
    await cycles.update(cycle.id, { submissionDeadline: minus(1.75) });
    expect((await scan.run(minus(1.7))).notices).toBe(10); // now overdue: the notice to the drafters and the escalation, per form
  });

  it('reads everything again when the cycle is moved to another year', async () => {
    const cycle = await cycleIn('移至其他年度');
    const otherYear = nextYear++;
    for (let i = 0; i < 3; i++) await draft(otherYear, minus(20));
    expect((await scan.run(minus(6))).notices).toBe(0); // the cycle's own year has no forms
    await cycles.update(cycle.id, { fiscalYear: otherYear });
    expect((await scan.run(minus(5.9))).notices).toBe(3); // the same moment, another year's drafts: each reminded
  });
});
