import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import http from 'node:http';
import ExcelJS from 'exceljs';
import { Decimal } from 'decimal.js';
import { ApiProcess } from './support/api-process.js';
import { ApiClient } from './support/api-client.js';
import { eventually } from './support/eventually.js';
import { newMediaForm } from './support/forms.js';
import { copyForms } from './support/bulk-forms.js';

const BIG_YEAR = 2033;
const SMALL_YEAR = 2032;
/** More rows than a Word or PDF 明细表 may have (2,000), and enough that the CSV takes a while to write. */
const COPIES = 30_000;

interface SummaryJson {
  rows: { seq: number; projectName: string; budget: string | null; status: string }[];
  total: { budget: string };
  totalRows: number;
}

/**
 * The exports of the whole 明细表 are written as their rows arrive, from one snapshot: a year of tens of
 * thousands of rows as Excel or CSV (held whole, 100,000 rows ran the API out of its heap), Word and PDF
 * refused beyond 2,000 rows before anything is read, and a download the client abandons ends its read.
 */
describe('Summary exports of a whole year', () => {
  const api = new ApiProcess();
  let manager: ApiClient;

  beforeAll(async () => {
    await api.start({ COUNTS_FOLD_MS: '300' });
    manager = await ApiClient.login(api.baseUrl, 'manager');
    const drafter = await ApiClient.login(api.baseUrl, 'drafter');
    const budgets = ['30', '12.345678', '0.004999'];
    for (const [i, budget] of budgets.entries()) {
      const funds = { total: { initialBudget: budget, fullYearBudget: budget, executed: '1' }, currentYear: { initialBudget: budget, fullYearBudget: budget, executed: '1' }, carryOver: null, other: null };
      const res = await drafter.post('/api/evaluations', newMediaForm({ projectName: `导出样表${i + 1}`, fiscalYear: SMALL_YEAR, funds }));
      expect(res.status).toBe(201);
    }
    // A city's year: copies of one form, each with its own id, name and budget.
    await copyForms(api, { fromYear: SMALL_YEAR, fiscalYear: BIG_YEAR, count: COPIES, namePrefix: '市级项目', budget: '(n % 1000) + 0.125' });
  }, 120_000);

  afterAll(async () => {
    await api.stop();
  });

  /**
   * The connections inside a transaction: an export's, idle between chunks or reading one. Awaited to reach 0: an
   * export's COMMIT may follow its last byte, and the worker's own short transactions count too.
   */
  const openTransactions = async () =>
    Number((await api.query<{ n: string }>(`SELECT count(*) AS n FROM pg_stat_activity WHERE datname = $1 AND xact_start IS NOT NULL AND pid <> pg_backend_pid()`, [api.databaseName]))[0].n);

  /** The whole table as the API answers it, page by page (unpaged JSON stops at 10,000 rows). */
  async function wholeTable(fiscalYear: number): Promise<SummaryJson> {
    const first: SummaryJson = (await manager.get(`/api/summary?fiscalYear=${fiscalYear}&page=1&pageSize=500`)).body;
    const rows = [...first.rows];
    for (let page = 2; rows.length < first.totalRows; page++) rows.push(...(await manager.get(`/api/summary?fiscalYear=${fiscalYear}&page=${page}&pageSize=500`)).body.rows);
    return { ...first, rows };
  }

  it('answers a year beyond 10,000 rows in pages only (SUMMARY_TOO_LARGE unpaged), without reading it', async () => {
    const res = await manager.get(`/api/summary?fiscalYear=${BIG_YEAR}`);
    expect(res.status).toBe(422);
    expect(res.body).toMatchObject({ code: 'SUMMARY_TOO_LARGE', details: { rows: COPIES, maxRows: 10_000 } });
    expect(res.body.message).toContain('分页');
    expect((await manager.get(`/api/summary?fiscalYear=${SMALL_YEAR}`)).body.rows).toHaveLength(3);
  });

  it('writes the CSV of 30,000 rows as the table answers them, 合计 exact', async () => {
    const table = await wholeTable(BIG_YEAR);
    expect(table.rows).toHaveLength(COPIES);
    const csv: string = (await manager.getBinary(`/api/summary.csv?fiscalYear=${BIG_YEAR}`)).body.toString('utf8');
    const lines = csv.replace(/^\uFEFF/, '').trimEnd().split('\r\n');
    expect(lines).toHaveLength(COPIES + 2);
    const rows = lines.slice(1, -1).map((line) => line.split(','));
    expect(rows.map((r) => [Number(r[0]), r[1], r[2]])).toEqual(table.rows.map((r) => [r.seq, r.projectName, r.budget]));
    // 合计 is the exact sum of the budgets (each row shows its own rounded to 2 decimals).
    const [{ exact }] = await api.query<{ exact: string }>('SELECT sum(full_year_budget)::text AS exact FROM evaluations WHERE fiscal_year = $1', [BIG_YEAR]);
    expect(table.total.budget).toBe(new Decimal(exact).toFixed(2, Decimal.ROUND_HALF_UP));
    expect(lines.at(-1)).toBe(`合计,,${table.total.budget},,,,,,,,`);
    const shown = rows.reduce((s, r) => s.plus(r[2]), new Decimal(0));
    expect(shown.minus(exact).abs().lte(new Decimal('0.005').times(COPIES))).toBe(true);
    await eventually(openTransactions, (n) => n === 0, 10_000);
  });

  it('writes the workbook of 30,000 rows: every row, then 合计 as a SUM over them with the exact total', async () => {
    const bytes = (await manager.getBinary(`/api/summary.xlsx?fiscalYear=${BIG_YEAR}`)).body;
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(bytes as unknown as ExcelJS.Buffer);
    const sheet = workbook.getWorksheet('项目绩效评价明细表')!;
    expect(sheet.rowCount).toBe(COPIES + 3);
    expect(sheet.getCell('A1').value).toContain(`${BIG_YEAR}年度项目绩效评价明细表`);
    expect(sheet.getRow(3).getCell(1).value).toBe(1);
    expect(sheet.getRow(COPIES + 2).getCell(1).value).toBe(COPIES);
    // The cells hold the exact budgets (shown with 2 decimals): their sum is the exact 合计, not the shown figures'.
    expect(sheet.getRow(3).getCell(3).value).toBe(1.125);
    let cells = new Decimal(0);
    for (let r = 3; r <= COPIES + 2; r++) cells = cells.plus(sheet.getRow(r).getCell(3).value as number);
    const total: SummaryJson = (await manager.get(`/api/summary?fiscalYear=${BIG_YEAR}&page=1&pageSize=1`)).body;
    expect(sheet.getCell(`C${COPIES + 3}`).value).toEqual({ formula: `SUM(C3:C${COPIES + 2})`, result: Number(total.total.budget) });
    expect(cells.toFixed(2)).toBe(total.total.budget);
    await eventually(openTransactions, (n) => n === 0, 10_000);
  });

  it('refuses Word and PDF beyond 2,000 rows with EXPORT_TOO_LARGE, and writes them below', async () => {
    for (const ext of ['docx', 'pdf']) {
      const res = await manager.get(`/api/summary.${ext}?fiscalYear=${BIG_YEAR}`);
      expect(res.status).toBe(422);
      expect(res.body).toMatchObject({ code: 'EXPORT_TOO_LARGE', details: { rows: COPIES, maxRows: 2000 } });
      expect(res.body.message).toContain('Excel / CSV');
      const small = await manager.getBinary(`/api/summary.${ext}?fiscalYear=${SMALL_YEAR}`);
      expect(small.status).toBe(200);
      expect(small.body.length).toBeGreaterThan(1000);
    }
    await eventually(openTransactions, (n) => n === 0, 10_000);
  });

  it('writes the small table with its exact 合计 of 6-decimal budgets', async () => {
    const csv: string = (await manager.getBinary(`/api/summary.csv?fiscalYear=${SMALL_YEAR}`)).body.toString('utf8');
    // 30 + 12.35 + 0.00 as shown, 合计 of the exact amounts 42.350677 → 42.35
    expect(csv.trimEnd().split('\r\n').at(-1)).toBe('合计,,42.35,,,,,,,,');
  });

  it('writes at most 4 whole-table exports at once per API process (429 for the fifth), and takes the next after', async () => {
    // The earlier tests' exports have given their connections back.
    await eventually(openTransactions, (n) => n === 0, 10_000);
    const url = new URL(`/api/summary.csv?fiscalYear=${BIG_YEAR}`, api.baseUrl);
    const downloads: Promise<number>[] = [];
    const started: Promise<void>[] = [];
    for (let i = 0; i < 4; i++) {
      let headers!: () => void;
      started.push(new Promise<void>((resolve) => (headers = resolve)));
      downloads.push(
        new Promise<number>((resolve, reject) => {
          http.get(url, { headers: { authorization: `Bearer ${manager.session!.token}` } }, (res) => {
            headers();
            let bytes = 0;
            res.on('data', (chunk: Buffer) => (bytes += chunk.length));
            res.on('end', () => resolve(bytes));
          }).on('error', reject);
        }),
      );
    }
    await Promise.all(started);
    const fifth = await manager.get(`/api/summary.xlsx?fiscalYear=${BIG_YEAR}`);
    expect({ status: fifth.status, code: fifth.body.code }).toEqual({ status: 429, code: 'TOO_MANY_REQUESTS' });
    expect(fifth.headers['retry-after']).toBe('10');
    const sizes = await Promise.all(downloads);
    expect(new Set(sizes).size).toBe(1); // four whole files, alike
    await eventually(openTransactions, (n) => n === 0, 10_000);
    // Each slot is free once its export's connection is back in the pool (a moment after its last byte).
    const next = await eventually(() => manager.getBinary(`/api/summary.csv?fiscalYear=${SMALL_YEAR}`), (res) => res.status !== 429, 5_000);
    expect(next.status).toBe(200);
  });
  it('ends the read when the client leaves in the middle of a download', async () => {
    const url = new URL(`/api/summary.csv?fiscalYear=${BIG_YEAR}`, api.baseUrl);
    await new Promise<void>((resolve, reject) => {
      const req = http.get(url, { headers: { authorization: `Bearer ${manager.session!.token}` } }, (res) => {
        expect(res.statusCode).toBe(200);
        res.once('data', () => {
          req.destroy(); // gone after the first bytes
          resolve();
        });
      });
      req.on('error', (error) => ((error as NodeJS.ErrnoException).code === 'ECONNRESET' ? undefined : reject(error)));
    });
    await eventually(openTransactions, (n) => n === 0, 10_000);
    // The API goes on: the next export is whole.
    const csv: string = (await manager.getBinary(`/api/summary.csv?fiscalYear=${BIG_YEAR}`)).body.toString('utf8');
    expect(csv.trimEnd().split('\r\n')).toHaveLength(COPIES + 2);
  });

  it('ends the read when the client leaves before the file starts, however often', async () => {
    const url = new URL(`/api/summary.csv?fiscalYear=${BIG_YEAR}`, api.baseUrl);
    for (let i = 0; i < 30; i++) {
      await new Promise<void>((resolve) => {
        const req = http.get(url, { headers: { authorization: `Bearer ${manager.session!.token}` } });
        req.on('error', () => resolve());
        req.on('response', () => {
          req.destroy();
          resolve();
        });
        // Gone while the server reads the table's head: before the answer starts.
        setTimeout(() => req.destroy(), 1 + (i % 5));
      });
    }
    await eventually(openTransactions, (n) => n === 0, 10_000);
    // A request the client left may still be on its way in; once the API has seen them all, every slot is free.
    const csv = await eventually(
      async () => (await manager.getBinary(`/api/summary.csv?fiscalYear=${SMALL_YEAR}`)).body.toString('utf8'),
      (text) => text.includes('合计,,42.35'),
      10_000,
    );
    expect(csv).toContain('合计,,42.35');
  });

});
