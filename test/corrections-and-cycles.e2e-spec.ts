import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { ApiProcess } from './support/api-process.js';
import { ApiClient } from './support/api-client.js';
import { eventually } from './support/eventually.js';
import { newMediaForm } from './support/forms.js';

interface SummaryRowBody {
  evaluationId: string;
  projectName: string;
  budget: string;
  selfScore: number | null;
  computedScore: number | null;
  grade: string | null;
  status: string;
  revision: number;
  correcting: boolean;
  currentRevision: number;
  currentStatus: string;
}

/** The summary during a correction (更正), cycles that cover forms created before them, the board for all years. */
describe('Corrections in the summary, cycle membership and the board for all years', () => {
  const api = new ApiProcess();
  let drafter: ApiClient;
  let reviewer: ApiClient;
  let manager: ApiClient;

  beforeAll(async () => {
    await api.start({ REMINDER_TICK_MS: '300' });
    [drafter, reviewer, manager] = await Promise.all(['drafter', 'reviewer', 'manager'].map((u) => ApiClient.login(api.baseUrl, u)));
  });

  afterAll(async () => {
    await api.stop();
  });

  async function publish(id: string, version: number): Promise<number> {
    expect((await drafter.post(`/api/evaluations/${id}/submit`, { expectedVersion: version })).status).toBe(200);
    expect((await reviewer.post(`/api/evaluations/${id}/approve`, { expectedVersion: version + 1 })).status).toBe(200);
    expect((await manager.post(`/api/evaluations/${id}/publish`, { expectedVersion: version + 2 })).status).toBe(200);
    return version + 3;
  }

  async function summaryRow(fiscalYear: number, id: string): Promise<{ row: SummaryRowBody; total: string }> {
    await api.settled();
    const body = (await drafter.get(`/api/summary?fiscalYear=${fiscalYear}`)).body;
    return { row: body.rows.find((r: SummaryRowBody) => r.evaluationId === id), total: body.total.budget };
  }

  it('keeps showing the published figures while a correction is under way, flagged, until the new revision is published', async () => {
    const fiscalYear = 2024;
    const created = await drafter.post('/api/evaluations', newMediaForm({ fiscalYear, projectName: '更正中的项目' }));
    expect(created.status).toBe(201);
    const id = created.body.id;

    // Never published: the summary shows the form as it stands (as before), revision 1, not correcting.
    expect((await summaryRow(fiscalYear, id)).row).toMatchObject({ budget: '30.00', computedScore: 97, status: 'Draft', revision: 1, correcting: false, currentRevision: 1, currentStatus: 'Draft' });

    let version = await publish(id, 1);
    const published = await summaryRow(fiscalYear, id);
    expect(published.row).toMatchObject({ projectName: '更正中的项目', budget: '30.00', selfScore: 97, computedScore: 97, grade: '优', status: 'Published', revision: 1, correcting: false, currentRevision: 1, currentStatus: 'Published' });

    // 更正: reopen and change the figures of revision 2.
    const reopened = await drafter.post(`/api/evaluations/${id}/reopen`, { expectedVersion: version, reason: '预算数有误' });
    expect(reopened.body).toMatchObject({ status: 'Draft', version: version + 1 });
    version += 1;
    const corrected = newMediaForm({
      fiscalYear,
      projectName: '更正后的项目名称',
      funds: {
        total: { initialBudget: '40', fullYearBudget: '40', executed: '36' },
        currentYear: { initialBudget: '40', fullYearBudget: '40', executed: '36' },
        carryOver: null,
        other: null,
      },
    });
    expect((await drafter.put(`/api/evaluations/${id}`, { ...corrected, expectedVersion: version })).status).toBe(200);
    version += 1;
    const draft = (await drafter.get(`/api/evaluations/${id}`)).body;
    expect(draft).toMatchObject({ revision: 2, status: 'Draft' });

    const during = await summaryRow(fiscalYear, id);
    expect(during.row).toMatchObject({
      projectName: '更正中的项目',
      budget: '30.00',
      selfScore: 97,
      computedScore: 97,
      grade: '优',
      status: 'Published',
      revision: 1,
      correcting: true,
      currentRevision: 2,
      currentStatus: 'Draft',
    });
    expect(during.total).toBe('30.00');
    const csv = await drafter.get(`/api/summary.csv?fiscalYear=${fiscalYear}`);
    expect(csv.text).toContain('更正中的项目');
    expect(csv.text).not.toContain('更正后的项目名称');
    expect(csv.text).toContain('已公开（更正中）');
    expect(csv.text).toContain('30.00');
    expect(csv.text).not.toContain('40.00');

    // Revision 2 published: the summary shows it.
    await publish(id, version);
    const after = await summaryRow(fiscalYear, id);
    expect(after.row).toMatchObject({ projectName: '更正后的项目名称', budget: '40.00', computedScore: 96, status: 'Published', revision: 2, correcting: false, currentRevision: 2, currentStatus: 'Published' });
    expect(after.total).toBe('40.00');
    expect((await drafter.get(`/api/summary.csv?fiscalYear=${fiscalYear}`)).text).not.toContain('更正中');
  });

  it('recomputes and reminds the forms of the year that were created before the cycle', async () => {
    const fiscalYear = 2026;
    const before = await drafter.post('/api/evaluations', newMediaForm({ fiscalYear, projectName: '先于批次的项目' }));
    expect(before.status).toBe(201);
    await api.settled();

    const deadline = new Date(Date.now() + 10 * 60_000);
    const cycle = await manager.post('/api/cycles', {
      fiscalYear,
      name: '后建的批次',
      submissionDeadline: deadline.toISOString(),
      reviewDeadline: new Date(deadline.getTime() + 3_600_000).toISOString(),
      reminderPolicy: { before: ['PT20M'], reviewWait: 'PT5M' },
    });
    expect(cycle.status).toBe(201);

    const started = await manager.post(`/api/cycles/${cycle.body.id}/recompute`);
    expect(started.status).toBe(202);
    expect(started.body.total).toBe(1);
    await eventually(async () => (await manager.get(`/api/jobs/${started.body.jobId}`)).body, (job) => job.status === 'completed');

    const inbox = await eventually(
      async (): Promise<{ evaluationId: string; title: string }[]> =>
        (await drafter.get('/api/me/notifications?limit=500')).body.filter((n: { evaluationId: string }) => n.evaluationId === before.body.id),
      (notes) => notes.length > 0,
    );
    expect(inbox).toEqual([expect.objectContaining({ kind: 'reminder', cycleId: cycle.body.id })]);
    expect(inbox[0].title).toContain('先于批次的项目');
  });

  it('shows the board for all years when no year (or an empty one) is given', async () => {
    await api.settled();
    const years: { fiscalYear: number; evaluations: number }[] = (await manager.get('/api/fiscal-years')).body;
    expect(years.length).toBeGreaterThan(1);
    const perYear = await Promise.all(years.map(async (y) => (await manager.get(`/api/board?fiscalYear=${y.fiscalYear}`)).body));
    for (const query of ['', '?fiscalYear=']) {
      const res = await manager.get(`/api/board${query}`);
      expect(res.status).toBe(200);
      expect(res.body.fiscalYear).toBeNull();
      expect(res.body.total).toBe(years.reduce((n, y) => n + y.evaluations, 0));
      expect(res.body.total).toBe(perYear.reduce((n, b) => n + b.total, 0));
      expect(res.body.overdue).toBe(perYear.reduce((n, b) => n + b.overdue, 0));
      expect(res.body.byUnit.length).toBeGreaterThan(0);
    }
    const summary = await manager.get('/api/summary?fiscalYear=');
    expect(summary.status).toBe(200);
    expect(summary.body.fiscalYear).toBeNull();
  });
});
