import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { ApiProcess } from './support/api-process.js';
import { ApiClient } from './support/api-client.js';
import { newMediaForm } from './support/forms.js';

interface SummaryBody {
  rows: { seq: number; evaluationId: string; projectName: string; budget: string | null; status: string; correcting: boolean }[];
  total: { budget: string };
  totalRows: number;
  unitName: string | null;
  page?: number;
  pageSize?: number;
}

/** `GET /api/summary?page=&pageSize=`: one page of the 明细表, with the whole table's count and 合计. */
describe('The summary table, page by page', () => {
  const api = new ApiProcess();
  let drafter: ApiClient;
  let manager: ApiClient;

  beforeAll(async () => {
    await api.start();
    [drafter, manager] = await Promise.all(['drafter', 'manager'].map((u) => ApiClient.login(api.baseUrl, u)));
    await api.settled();
  });

  afterAll(async () => {
    await api.stop();
  });

  async function summary(client: ApiClient, query: string): Promise<SummaryBody> {
    const res = await client.get(`/api/summary?${query}`);
    expect(res.status).toBe(200);
    return res.body;
  }

  async function pagesOf(client: ApiClient, query: string, pageSize: number, pages: number): Promise<SummaryBody[]> {
    return Promise.all(Array.from({ length: pages }, (_, i) => summary(client, `${query}&page=${i + 1}&pageSize=${pageSize}`)));
  }

  it('gives the pages of the sample year that, one after the other, are the whole table, each with its count and 合计', async () => {
    const whole = await summary(manager, 'fiscalYear=2021');
    expect(whole.rows).toHaveLength(7);
    expect(whole).toMatchObject({ totalRows: 7, total: { budget: '334.61' }, unitName: '北京市关心下一代工作委员会办公室' });
    expect(whole.page).toBeUndefined();

    const pages = await pagesOf(manager, 'fiscalYear=2021', 3, 4);
    expect(pages.map((p) => p.rows.length)).toEqual([3, 3, 1, 0]);
    expect(pages.flatMap((p) => p.rows)).toEqual(whole.rows);
    for (const [i, p] of pages.entries()) {
      expect(p).toMatchObject({ page: i + 1, pageSize: 3, totalRows: 7, total: { budget: '334.61' }, unitName: '北京市关心下一代工作委员会办公室', fiscalYear: 2021 });
    }
    // The 序号 runs on across pages.
    expect(pages[1].rows.map((r) => r.seq)).toEqual([4, 5, 6]);
  });

  it('keeps the 合计 of every page equal to the whole table while a correction is under way and with six-decimal budgets', async () => {
    // A new draft of 12.345678 万元 (never published: the table shows it as it stands).
    const created = await drafter.post(
      '/api/evaluations',
      newMediaForm({
        projectName: '六位小数的项目',
        funds: {
          total: { initialBudget: '12.345678', fullYearBudget: '12.345678', executed: '12' },
          currentYear: { initialBudget: '12.345678', fullYearBudget: '12.345678', executed: '12' },
          carryOver: null,
          other: null,
        },
      }),
    );
    expect(created.status).toBe(201);

    // 更正 of a published sample form: reopened and its budget changed to 99 in the new revision; the table keeps
    // showing the published 30.00 until it is published again.
    const whole0 = await summary(manager, 'fiscalYear=2021');
    const target = whole0.rows.find((r) => r.projectName === '新媒体运营服务项目')!;
    const form = (await drafter.get(`/api/evaluations/${target.evaluationId}`)).body;
    const reopened = await drafter.post(`/api/evaluations/${target.evaluationId}/reopen`, { expectedVersion: form.version, reason: '预算数有误' });
    expect(reopened.status).toBe(200);
    const edited = await drafter.put(`/api/evaluations/${target.evaluationId}`, {
      ...newMediaForm({
        funds: {
          total: { initialBudget: '99', fullYearBudget: '99', executed: '90' },
          currentYear: { initialBudget: '99', fullYearBudget: '99', executed: '90' },
          carryOver: null,
          other: null,
        },
      }),
      expectedVersion: reopened.body.version,
    });
    expect(edited.status).toBe(200);

    const whole = await summary(manager, 'fiscalYear=2021');
    // 334.61 + 12.345678 = 346.955678 → 346.96; the corrected form still counts 30, not 99.
    expect(whole.total.budget).toBe('346.96');
    expect(whole.rows.find((r) => r.evaluationId === target.evaluationId)).toMatchObject({ budget: '30.00', correcting: true, status: 'Published' });
    const pages = await pagesOf(manager, 'fiscalYear=2021', 5, 2);
    expect(pages.flatMap((p) => p.rows)).toEqual(whole.rows);
    expect(pages.map((p) => [p.totalRows, p.total.budget])).toEqual([
      [8, '346.96'],
      [8, '346.96'],
    ]);
  });

  it('pages with every filter: a drafter (only their units) and a unit filter answer the manager\'s page', async () => {
    const unitId = drafter.session!.user.unitIds[0];
    const byManager = await summary(manager, 'fiscalYear=2021&page=2&pageSize=4');
    expect(byManager.rows.map((r) => r.seq)).toEqual([5, 6, 7, 8]);
    expect(await summary(drafter, 'fiscalYear=2021&page=2&pageSize=4')).toEqual(byManager);
    expect(await summary(drafter, `fiscalYear=2021&unitId=${unitId}&page=2&pageSize=4`)).toEqual(byManager);
    // No year: every year the reader sees, still one page.
    const allYears = await summary(manager, 'page=1&pageSize=2');
    expect(allYears).toMatchObject({ fiscalYear: null, page: 1, pageSize: 2, totalRows: (await summary(manager, '')).rows.length });
    expect(allYears.rows).toHaveLength(2);
  });

  it('refuses a malformed page with 400 VALIDATION_FAILED and answers nothing else', async () => {
    for (const query of [
      'fiscalYear=2021&page=1',
      'fiscalYear=2021&pageSize=10',
      'fiscalYear=2021&page=0&pageSize=10',
      'fiscalYear=2021&page=1&pageSize=0',
      'fiscalYear=2021&page=1&pageSize=501',
      'fiscalYear=2021&page=1.5&pageSize=10',
      'fiscalYear=2021&page=abc&pageSize=10',
      'fiscalYear=2021&page=100001&pageSize=10',
      'fiscalYear=2021&page=1&pageSize=10&pageSize=20',
      'fiscalYear=2021&page=1&pageSize=10&offset=5',
      'fiscalYear=2021&page[]=1&pageSize=10',
      `fiscalYear=2021&page=${'9'.repeat(400)}&pageSize=10`,
    ]) {
      const res = await manager.get(`/api/summary?${query}`);
      expect({ query, status: res.status, code: res.body.code }).toEqual({ query, status: 400, code: 'VALIDATION_FAILED' });
      expect(res.body.rows).toBeUndefined();
    }
  });
});
