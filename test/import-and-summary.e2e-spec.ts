import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import ExcelJS from 'exceljs';
import request from 'supertest';
import { ApiProcess } from './support/api-process.js';
import { ApiClient } from './support/api-client.js';

const SAMPLE = readFileSync(path.resolve(import.meta.dirname, '../samples/beijing-gwc-2021-self-evaluations.txt'), 'utf8');

const PAPER_TABLE = [
  // 序号, 项目名称, 项目预算（万元）, 自评得分 — as printed in the seed's 项目绩效评价明细表
  [1, '青少年迷你冬奥会项目', '90.00', 92],
  [2, '新媒体运营服务项目', '30.00', 96],
  [3, '关心下一代工作委员会运行保障经费', '84.61', 82.3],
  [4, '首都关心下一代大讲堂', '35.00', 82.84],
  [5, '市关工委网站运维项目', '30.00', 96],
  [6, '开展北京市家庭教育暨家校社共育服务', '30.00', 80.65],
  [7, '北京市关心下一代工作宣传推广', '35.00', 97],
];

// Computed by hand from DOMAIN.md: total = 10 × min(1, executed ÷ budget) rounded + Σ self-scores.
// Forms 1, 2, 5, 7 give their indicators 100 points (the paper's 总分 leaves the budget score out).
const COMPUTED = [102, 106, 82.25, 82.84, 106, 80.65, 107];

function importText(client: ApiClient, text: string, query = '') {
  return client.postText(`/api/imports/self-evaluations${query}`, text);
}

describe('Import of existing forms, the summary table and the board', () => {
  const api = new ApiProcess();
  let manager: ApiClient;
  let drafter: ApiClient;

  beforeAll(async () => {
    await api.start();
    [manager, drafter] = await Promise.all([ApiClient.login(api.baseUrl, 'manager'), ApiClient.login(api.baseUrl, 'drafter')]);
    await api.settled();
  });

  afterAll(async () => {
    await api.stop();
  });

  it('seeds an empty database with the sample forms, and the summary equals the paper table', async () => {
    const res = await manager.get('/api/summary?fiscalYear=2021');
    expect(res.status).toBe(200);
    expect(res.body.rows.map((r: { seq: number; projectName: string; budget: string; selfScore: number }) => [r.seq, r.projectName, r.budget, r.selfScore])).toEqual(
      PAPER_TABLE,
    );
    expect(res.body.rows.every((r: { evaluationMethod: string }) => r.evaluationMethod === '单位自评')).toBe(true);
    expect(res.body.rows.map((r: { computedScore: number }) => r.computedScore)).toEqual(COMPUTED);
    expect(res.body.total).toEqual({ budget: '334.61' });
    expect(res.body.unitName).toBe('北京市关心下一代工作委员会办公室');
    expect(res.body.rows.map((r: { status: string }) => r.status)).toEqual(Array(7).fill('Published'));
  });

  it('keeps every imported figure and text as written', async () => {
    const summary = (await manager.get('/api/summary?fiscalYear=2021')).body;
    const forms = await Promise.all(summary.rows.map((r: { evaluationId: string }) => manager.get(`/api/evaluations/${r.evaluationId}`)));
    expect(forms.map((f) => f.body.form.indicators.length)).toEqual([13, 13, 6, 17, 13, 14, 13]);
    const operations = forms[2].body;
    expect(operations.form).toMatchObject({
      projectName: '关心下一代工作委员会运行保障经费',
      competentDepartment: '中共北京市委老干部局',
      fiscalYear: 2021,
    });
    expect(operations.form.funds.total).toEqual({ initialBudget: '84.61', fullYearBudget: '84.61', executed: '46.107788' });
    expect(operations.scores).toMatchObject({ executionRate: 54.49, budgetScore: 5.45, total: 82.25, grade: '良' });
    expect(operations.origin).toMatchObject({ fileName: 'beijing-gwc-2021-self-evaluations.txt', position: 2 });
    const history = await manager.get(`/api/evaluations/${operations.id}/history`);
    expect(history.body[0]).toMatchObject({ type: 'EvaluationImported', actor: { username: 'manager' } });
    const family = forms[5].body;
    expect(family.scores).toMatchObject({ executionRate: 16.54, budgetScore: 1.65, total: 80.65 });
    expect(family.findings.map((f: { code: string }) => f.code).sort()).toEqual(
      ['DECLARED_RATE_MISMATCH', 'FUNDING_SOURCES_MISMATCH', 'FUNDING_SOURCES_MISMATCH', 'LEVEL1_WEIGHTS_NONSTANDARD'].sort(),
    );
  });

  it('answers a re-import of the same file with the existing evaluations', async () => {
    const before = (await manager.get('/api/summary?fiscalYear=2021')).body.rows.map((r: { evaluationId: string }) => r.evaluationId);
    const res = await importText(manager, SAMPLE, '?fiscalYear=2021&as=published');
    expect(res.status).toBe(201);
    expect(res.body.duplicate).toBe(true);
    expect(res.body.evaluations.map((e: { id: string }) => e.id)).toEqual(before);
    expect((await manager.get('/api/summary?fiscalYear=2021')).body.rows).toHaveLength(7);
  });

  it('refuses a corrupted copy with 400 naming the form and line, and stores nothing', async () => {
    const events = await api.query<{ n: string }>('SELECT count(*) AS n FROM evaluation_events');
    const lines = SAMPLE.split('\n');
    // Garble the first weight cell of the second form's indicator table ("\t5" → "\t五").
    const start = lines.findIndex((l, i) => i > 300 && l === '\t讲题策划、推进会');
    const weightLine = start + 3;
    expect(lines[weightLine]).toBe('\t5');
    const garbled = [...lines];
    garbled[weightLine] = '\t五';
    const res = await importText(drafter, garbled.join('\n'), '?fiscalYear=2021');
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('IMPORT_PARSE_ERROR');
    expect(res.body.details).toMatchObject({ line: weightLine + 1, form: 2, projectName: '新媒体运营服务项目' });
    expect(res.body.message).toContain(`${weightLine + 1}`);
    expect((await api.query<{ n: string }>('SELECT count(*) AS n FROM evaluation_events'))[0].n).toBe(events[0].n);
  });

  it('lets only who may publish import forms as published', async () => {
    const res = await importText(drafter, SAMPLE.replace('新媒体运营服务项目\n', '新媒体运营服务项目（副本）\n'), '?fiscalYear=2021&as=published');
    expect(res.body).toMatchObject({ statusCode: 403, code: 'FORBIDDEN' });
  });

  it("lets a drafter import their unit's forms as drafts", async () => {
    const edited = SAMPLE.replace('青少年迷你冬奥会项目\n', '青少年迷你冬奥会项目（2022 草稿）\n');
    const res = await importText(drafter, edited, '?fiscalYear=2021&as=draft&fileName=gwc-draft.txt');
    expect(res.status).toBe(201);
    expect(res.body.duplicate).toBe(false);
    expect(res.body.evaluations).toHaveLength(7);
    expect(res.body.evaluations.every((e: { status: string }) => e.status === 'Draft')).toBe(true);
    const first = res.body.evaluations[0];
    expect(first.scores.total).toBe(102);
    expect(first.findings.map((f: { code: string }) => f.code)).toContain('WEIGHT_TOTAL_NOT_100');
  });

  it('shows the board with counts by status, unit and grade, the budget and the forms with errors', async () => {
    await api.settled();
    const res = await manager.get('/api/board?fiscalYear=2021');
    expect(res.status).toBe(200);
    expect(res.body.byStatus).toEqual({ Draft: 7, Submitted: 0, Reviewed: 0, Published: 7 });
    expect(res.body.total).toBe(14);
    expect(res.body.byUnit).toEqual([
      expect.objectContaining({ unitName: '北京市关心下一代工作委员会办公室', total: 14, byStatus: { Draft: 7, Submitted: 0, Reviewed: 0, Published: 7 } }),
    ]);
    // 优: forms 1, 2, 5, 7 (102, 106, 106, 107); 良: 3, 4, 6 — twice (published + drafts).
    expect(res.body.byGrade).toEqual({ 优: 8, 良: 6, 中: 0, 差: 0, 无: 0 });
    expect(res.body.budget.budgeted).toBe('669.22');
    expect(res.body.overdue).toBe(0);
    expect(res.body.withErrors.length).toBe(12); // all but form 6, twice
    expect((await drafter.get('/api/board')).status).toBe(403);
  });

  it('exports the summary and a form as spreadsheets that read back with the seed figures', async () => {
    const binary = (res: request.Response, done: (e: Error | null, body: Buffer) => void) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => done(null, Buffer.concat(chunks)));
    };
    const xlsx = await manager.get('/api/summary.xlsx?fiscalYear=2021').buffer(true).parse(binary);
    expect(xlsx.status).toBe(200);
    expect(xlsx.headers['content-type']).toContain('spreadsheetml');
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(xlsx.body as unknown as ExcelJS.Buffer);
    const cells = book.worksheets[0].getSheetValues().flat().map((v) => (v && typeof v === 'object' && 'result' in v ? (v as { result: unknown }).result : v));
    // By now the year also holds the drafter's 7 imported drafts: 合计 = 2 × 334.61.
    expect(cells).toEqual(expect.arrayContaining(['青少年迷你冬奥会项目', 90, 92, 84.61, 82.3, '合计', 669.22]));

    const csv = await manager.get('/api/summary.csv?fiscalYear=2021');
    expect(csv.headers['content-type']).toContain('text/csv');
    expect(csv.text).toContain('合计');
    expect(csv.text).toContain('669.22');
    expect(csv.text).toContain('84.61');

    const summary = (await manager.get('/api/summary?fiscalYear=2021')).body;
    const operations = summary.rows.find((r: { projectName: string; status: string }) => r.projectName === '关心下一代工作委员会运行保障经费' && r.status === 'Published');
    const form = await manager.get(`/api/evaluations/${operations.evaluationId}/form.xlsx`).buffer(true).parse(binary);
    expect(form.status).toBe(200);
    const formBook = new ExcelJS.Workbook();
    await formBook.xlsx.load(form.body as unknown as ExcelJS.Buffer);
    const formCells = formBook.worksheets[0].getSheetValues().flat();
    expect(formCells).toEqual(expect.arrayContaining(['关心下一代工作委员会运行保障经费', 84.61, 46.107788]));
  });

  it('lists the fiscal years that have forms, newest first', async () => {
    expect((await manager.get('/api/fiscal-years')).body).toEqual([{ fiscalYear: 2021, evaluations: 14 }]);
  });

  it('rebuilds the read models from the events into the same summary', async () => {
    const before = (await manager.get('/api/summary?fiscalYear=2021')).body;
    const output = api.cli(['rebuild-projections']);
    expect(output).toContain('14 张评价表');
    const after = (await manager.get('/api/summary?fiscalYear=2021')).body;
    expect(after).toEqual(before);
  });
});
