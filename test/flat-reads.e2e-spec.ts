import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Decimal } from 'decimal.js';
import { ApiProcess } from './support/api-process.js';
import { ApiClient } from './support/api-client.js';
import { eventually } from './support/eventually.js';
import { newMediaForm } from './support/forms.js';

const DAY = 24 * 3600 * 1000;
const YEAR_CYCLES = `(SELECT DISTINCT ON (fiscal_year) * FROM cycles WHERE status = 'open' ORDER BY fiscal_year, created_at DESC, id DESC)`;
const SAMPLE = readFileSync(path.resolve(import.meta.dirname ?? '.', '../samples/beijing-gwc-2021-self-evaluations.txt'), 'utf8');

interface Board {
  fiscalYear: number | null;
  total: number;
  byStatus: Record<string, number>;
  returned: number;
  byUnit: { unitId: string; unitName: string; total: number; byStatus: Record<string, number> }[];
  byGrade: Record<string, number>;
  overdue: number;
  averageComputedScore: number | null;
  budget: { budgeted: string; executed: string; executionRate: number | null };
  withErrors: { id: string }[];
}

/**
 * The board, list totals, queue counts and year picker read pre-aggregated counters (kept by a trigger in
 * each row change's transaction) and indexes in the lists' orders. Here they must answer exactly what
 * the evaluations table itself says — computed in this file by the plain aggregates the reads used to
 * run — after every kind of change: drafts, edits of amounts, returns, approvals, publications,
 * corrections, imports, forms with errors, forms of several units and years, concurrent commands, and
 * a projection rebuild.
 */
describe('Flat reads: counters and indexed pages answer what the table says', () => {
  const api = new ApiProcess();
  let drafter: ApiClient;
  let reviewer: ApiClient;
  let manager: ApiClient;
  let admin: ApiClient;
  let other: ApiClient;
  let both: ApiClient;

  const form = (name: string, fiscalYear: number, executed = '30') =>
    newMediaForm({ projectName: name, fiscalYear, funds: { total: { initialBudget: '30', fullYearBudget: '30', executed }, currentYear: { initialBudget: '30', fullYearBudget: '30', executed }, carryOver: null, other: null } });

  async function create(client: ApiClient, name: string, fiscalYear: number, executed?: string): Promise<{ id: string; version: number }> {
    const res = await client.post('/api/evaluations', form(name, fiscalYear, executed));
    expect(res.status).toBe(201);
    return res.body;
  }
  const ok = async (res: Promise<{ status: number; body: { version: number } }>) => {
    const r = await res;
    expect(r.status).toBe(200);
    return r.body.version;
  };

  beforeAll(async () => {
    await api.start({ COUNTS_FOLD_MS: '300' });
    [drafter, reviewer, manager, admin] = await Promise.all(['drafter', 'reviewer', 'manager', 'admin'].map((u) => ApiClient.login(api.baseUrl, u)));
    const unit = await admin.post('/api/units', { name: '北京市某区财政局', competentDepartment: '北京市财政局' });
    await admin.post('/api/users', { username: 'other', password: 'other-pass-1', displayName: '外单位', roles: ['drafter', 'reviewer'], unitIds: [unit.body.id] });
    await admin.post('/api/users', { username: 'both', password: 'both-pass-1', displayName: '兼任', roles: ['drafter', 'reviewer'], unitIds: drafter.session!.user.unitIds });
    other = await ApiClient.login(api.baseUrl, 'other', 'other-pass-1');
    both = await ApiClient.login(api.baseUrl, 'both', 'both-pass-1');
    const now = Date.now();
    await manager.post('/api/cycles', { fiscalYear: 2030, name: '2030 已过期', submissionDeadline: new Date(now - 2 * DAY).toISOString(), reviewDeadline: new Date(now - DAY).toISOString() });
    await manager.post('/api/cycles', { fiscalYear: 2031, name: '2031 未到期', submissionDeadline: new Date(now + 5 * DAY).toISOString(), reviewDeadline: new Date(now + 9 * DAY).toISOString() });

    // Drafts, one edited to another amount, one with an error (weights add to 105).
    const d1 = await create(drafter, '草稿一', 2030, '12.5');
    await ok(drafter.put(`/api/evaluations/${d1.id}`, { ...form('草稿一（改）', 2030, '29.123456'), expectedVersion: d1.version }));
    const broken = newMediaForm({ projectName: '权重错误', fiscalYear: 2030 });
    broken.indicators[0] = { ...broken.indicators[0], weight: 30, score: 30 };
    expect((await drafter.post('/api/evaluations', broken)).status).toBe(201);
    await create(other, '外单位草稿', 2030, '3');
    await create(other, '外单位明年', 2031, '7');
    // Submitted (one by a drafter-reviewer, which they may not review), returned, approved, published, corrected.
    const s1 = await create(drafter, '已提交', 2030);
    await ok(drafter.post(`/api/evaluations/${s1.id}/submit`, { expectedVersion: s1.version }));
    const own = await create(both, '兼任者提交', 2030);
    await ok(both.post(`/api/evaluations/${own.id}/submit`, { expectedVersion: own.version }));
    const r1 = await create(drafter, '被退回', 2030, '20');
    await ok(drafter.post(`/api/evaluations/${r1.id}/submit`, { expectedVersion: 1 }));
    await ok(reviewer.post(`/api/evaluations/${r1.id}/return`, { expectedVersion: 2, comments: [{ text: '请补充' }] }));
    const a1 = await create(drafter, '已审核', 2031);
    await ok(drafter.post(`/api/evaluations/${a1.id}/submit`, { expectedVersion: 1 }));
    await ok(reviewer.post(`/api/evaluations/${a1.id}/approve`, { expectedVersion: 2 }));
    const p1 = await create(drafter, '已公开后更正', 2030);
    await ok(drafter.post(`/api/evaluations/${p1.id}/submit`, { expectedVersion: 1 }));
    await ok(reviewer.post(`/api/evaluations/${p1.id}/approve`, { expectedVersion: 2 }));
    await ok(manager.post(`/api/evaluations/${p1.id}/publish`, { expectedVersion: 3 }));
    await ok(drafter.post(`/api/evaluations/${p1.id}/reopen`, { expectedVersion: 4, reason: '更正' }));
    await ok(drafter.put(`/api/evaluations/${p1.id}`, { ...form('已公开后更正', 2030, '1'), expectedVersion: 5 }));
    // The sample file once more, as drafts (the demo seed holds it as published forms).
    const imported = await manager.postText('/api/imports/self-evaluations', SAMPLE.replace(/青少年迷你冬奥会项目/g, '青少年迷你冬奥会项目（草稿）'));
    expect(imported.status).toBe(201);
  });

  afterAll(async () => {
    await api.stop();
  });

  /** The board as the plain aggregates over the evaluations table compute it. */
  async function boardFromTable(fiscalYear?: number): Promise<Omit<Board, 'withErrors'> & { withErrors: string[] }> {
    const filter = fiscalYear ? 'WHERE e.fiscal_year = $1' : '';
    const params = fiscalYear ? [fiscalYear] : [];
    const groups = await api.query<{ unit_id: string; unit_name: string; status: string; grade: string | null; n: string }>(
      `SELECT e.unit_id, u.name AS unit_name, e.status, e.grade, count(*) AS n FROM evaluations e JOIN units u ON u.id = e.unit_id ${filter}
       GROUP BY e.unit_id, u.name, e.status, e.grade ORDER BY u.name`,
      params,
    );
    const [t] = await api.query<{ n: string; returned: string; avg: string | null; budgeted: string | null; executed: string | null; overdue: string }>(
      `SELECT count(*) AS n, count(*) FILTER (WHERE e.returned) AS returned, round(avg(e.computed_total), 2) AS avg,
              sum(e.full_year_budget) AS budgeted, sum(e.executed) AS executed,
              count(*) FILTER (WHERE (e.status = 'Draft' AND c.submission_deadline < now()) OR (e.status = 'Submitted' AND c.review_deadline < now())) AS overdue
       FROM evaluations e LEFT JOIN ${YEAR_CYCLES} c ON c.fiscal_year = e.fiscal_year ${filter}`,
      params,
    );
    const errors = await api.query<{ id: string }>(
      `SELECT e.id FROM evaluations e ${filter ? `${filter} AND` : 'WHERE'} e.error_count > 0 ORDER BY e.error_count DESC, e.updated_at DESC, e.id LIMIT 100`,
      params,
    );
    const statuses = () => ({ Draft: 0, Submitted: 0, Reviewed: 0, Published: 0 }) as Record<string, number>;
    const byStatus = statuses();
    const byGrade: Record<string, number> = { 优: 0, 良: 0, 中: 0, 差: 0, 无: 0 };
    const units = new Map<string, Board['byUnit'][number]>();
    for (const g of groups) {
      const n = Number(g.n);
      byStatus[g.status] += n;
      byGrade[g.grade ?? '无'] += n;
      const unit = units.get(g.unit_id) ?? { unitId: g.unit_id, unitName: g.unit_name, total: 0, byStatus: statuses() };
      unit.total += n;
      unit.byStatus[g.status] += n;
      units.set(g.unit_id, unit);
    }
    const budgeted = new Decimal(t.budgeted ?? 0);
    const executed = new Decimal(t.executed ?? 0);
    return {
      fiscalYear: fiscalYear ?? null,
      total: Number(t.n),
      byStatus,
      returned: Number(t.returned),
      byUnit: [...units.values()],
      byGrade,
      overdue: Number(t.overdue),
      averageComputedScore: t.avg === null ? null : Number(t.avg),
      budget: { budgeted: budgeted.toFixed(2), executed: executed.toFixed(2), executionRate: budgeted.isZero() ? null : executed.div(budgeted).times(100).toDecimalPlaces(2, Decimal.ROUND_HALF_UP).toNumber() },
      withErrors: errors.map((e) => e.id),
    };
  }

  async function expectBoardsMatchTable(): Promise<void> {
    for (const year of [2021, 2030, 2031, undefined]) {
      const res = await manager.get(`/api/board${year ? `?fiscalYear=${year}` : ''}`);
      expect(res.status).toBe(200);
      const { withErrors, ...board } = res.body as Board;
      const { withErrors: expectedErrors, ...expected } = await boardFromTable(year);
      expect([year, board]).toEqual([year, expected]);
      expect(withErrors.map((e) => e.id)).toEqual(expectedErrors);
    }
  }

  /** Counters + deltas equal the table: the correction finds no key off. */
  async function expectCountersExact(): Promise<void> {
    const [{ corrected }] = await api.query<{ corrected: string }>('SELECT evaluation_counts_refresh() AS corrected');
    expect(corrected).toBe('0');
  }

  it('answers the board of every year and of all years as the table does, and the counters need no correction', async () => {
    const board = (await manager.get('/api/board?fiscalYear=2030')).body as Board;
    expect(board.total).toBeGreaterThan(5);
    expect(board.overdue).toBeGreaterThan(0);
    expect(board.returned).toBe(1);
    expect(board.withErrors.length).toBeGreaterThan(0);
    await expectBoardsMatchTable();
    await expectCountersExact();
  });

  it('answers list totals and pages as the table does, for every filter and queue', async () => {
    const unitId = drafter.session!.user.unitIds[0];
    const cases: [ApiClient, string, string][] = [
      [manager, 'fiscalYear=2030', `e.fiscal_year = 2030`],
      [manager, 'fiscalYear=2030&status=Draft', `e.fiscal_year = 2030 AND e.status = 'Draft'`],
      [manager, 'status=Submitted', `e.status = 'Submitted'`],
      [manager, `unitId=${unitId}&fiscalYear=2030`, `e.unit_id = '${unitId}' AND e.fiscal_year = 2030`],
      [manager, '', 'true'],
      [manager, 'queue=publish', `e.status = 'Reviewed'`],
      [manager, 'queue=overdue&fiscalYear=2030', `e.fiscal_year = 2030 AND ((e.status = 'Draft' AND c.submission_deadline < now()) OR (e.status = 'Submitted' AND c.review_deadline < now()))`],
      [drafter, 'queue=drafts', `e.status = 'Draft' AND e.unit_id = '${unitId}'`],
      [drafter, 'fiscalYear=2031', `e.fiscal_year = 2031 AND e.unit_id = '${unitId}'`],
      [reviewer, 'queue=review', `e.status = 'Submitted' AND e.unit_id = '${unitId}' AND e.created_by <> '${reviewer.id}'`],
      [both, 'queue=review', `e.status = 'Submitted' AND e.unit_id = '${unitId}' AND e.created_by <> '${both.id}' AND e.state->>'lastEditedBy' <> '${both.id}'`],
      [manager, 'q=草稿', `e.project_name ILIKE '%草稿%'`],
    ];
    for (const [client, query, where] of cases) {
      const [{ n }] = await api.query<{ n: string }>(`SELECT count(*) AS n FROM evaluations e LEFT JOIN ${YEAR_CYCLES} c ON c.fiscal_year = e.fiscal_year WHERE ${where}`);
      const pages: string[] = [];
      for (let page = 1; page <= Math.ceil(Number(n) / 4) + 1; page++) {
        const res = await client.get(`/api/evaluations?${query}${query ? '&' : ''}page=${page}&pageSize=4`);
        expect([query, res.status]).toEqual([query, 200]);
        expect([query, res.body.total]).toEqual([query, Number(n)]);
        pages.push(...res.body.items.map((i: { id: string }) => i.id));
      }
      // Every form once, over the pages, in the list's order (the overdue queue orders by deadline first).
      expect([query, new Set(pages).size, pages.length]).toEqual([query, Number(n), Number(n)]);
      if (!query.includes('queue=')) {
        const ordered = await api.query<{ id: string }>(`SELECT e.id FROM evaluations e WHERE ${where} ORDER BY e.updated_at DESC, e.id`);
        expect([query, pages]).toEqual([query, ordered.map((r) => r.id)]);
      }
    }
  });

  it('answers the queue badges and the year picker as the table does', async () => {
    const unitIds = drafter.session!.user.unitIds;
    const oracle = async (userId: string, scoped: boolean) => {
      const scope = scoped ? `AND e.unit_id = ANY('{${unitIds.join(',')}}'::uuid[])` : '';
      const [row] = await api.query<Record<string, string>>(
        `SELECT count(*) FILTER (WHERE e.status = 'Submitted' AND NOT ('${userId}'::text = ANY (ARRAY[e.created_by::text, e.state->>'lastEditedBy']))) AS review,
                count(*) FILTER (WHERE e.status = 'Reviewed') AS publish,
                count(*) FILTER (WHERE (e.status = 'Draft' AND c.submission_deadline < now()) OR (e.status = 'Submitted' AND c.review_deadline < now())) AS overdue,
                count(*) FILTER (WHERE e.status = 'Draft' AND e.unit_id = ANY('{${unitIds.join(',')}}'::uuid[])) AS drafts,
                count(*) FILTER (WHERE e.status = 'Draft' AND e.returned AND e.unit_id = ANY('{${unitIds.join(',')}}'::uuid[])) AS returned
         FROM evaluations e LEFT JOIN ${YEAR_CYCLES} c ON c.fiscal_year = e.fiscal_year WHERE true ${scope}`,
      );
      return Object.fromEntries(Object.entries(row).map(([k, v]) => [k, Number(v)]));
    };
    const reviewerCounts = (await reviewer.get('/api/me/queues')).body;
    expect(reviewerCounts).toEqual({ ...(await oracle(reviewer.id, true)), publish: 0, overdue: 0, drafts: 0, returned: 0 });
    const bothCounts = (await both.get('/api/me/queues')).body;
    const bothOracle = await oracle(both.id, true);
    expect(bothCounts).toEqual({ ...bothOracle, publish: 0, overdue: 0 });
    expect(bothCounts.review).toBeLessThan(reviewerCounts.review);
    const managerCounts = (await manager.get('/api/me/queues')).body;
    const managerOracle = await oracle(manager.id, false);
    expect(managerCounts).toEqual({ review: 0, publish: managerOracle.publish, overdue: managerOracle.overdue, drafts: 0, returned: 0 });
    const years = await api.query<{ fiscal_year: number; n: string }>('SELECT fiscal_year, count(*) AS n FROM evaluations GROUP BY fiscal_year ORDER BY fiscal_year DESC');
    expect((await manager.get('/api/fiscal-years')).body).toEqual(years.map((y) => ({ fiscalYear: y.fiscal_year, evaluations: Number(y.n) })));
  });

  it('loses no change when commands run concurrently, and folding the deltas changes no answer', async () => {
    const drafts = await Promise.all(Array.from({ length: 12 }, (_, i) => create(i % 2 ? drafter : other, `并发${i}`, 2031, String(i + 1))));
    await Promise.all(
      drafts.map(async (d, i) => {
        const client = i % 2 ? drafter : other;
        let version = await ok(client.put(`/api/evaluations/${d.id}`, { ...form(`并发${i}`, 2031, String(i + 0.5)), expectedVersion: d.version }));
        version = await ok(client.post(`/api/evaluations/${d.id}/submit`, { expectedVersion: version }));
        if (i % 2 && i % 3 === 0) await ok(reviewer.post(`/api/evaluations/${d.id}/approve`, { expectedVersion: version }));
        if (i % 2 && i % 3 === 1) await ok(reviewer.post(`/api/evaluations/${d.id}/return`, { expectedVersion: version, comments: [{ text: '退回' }] }));
      }),
    );
    await expectCountersExact();
    await expectBoardsMatchTable();
    // The worker folds every COUNTS_FOLD_MS: the deltas go, the answers stay.
    await eventually(() => api.query<{ n: string }>('SELECT count(*) AS n FROM evaluation_count_deltas'), ([row]) => row.n === '0');
    await expectBoardsMatchTable();
    await expectCountersExact();
  });

  it('keeps the counters exact through a projection rebuild', async () => {
    const before = (await manager.get('/api/board')).body;
    api.cli(['rebuild-projections']);
    await expectCountersExact();
    expect((await manager.get('/api/board')).body).toEqual(before);
    await expectBoardsMatchTable();
  });
});
