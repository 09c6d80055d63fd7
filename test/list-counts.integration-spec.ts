import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { DataSource } from 'typeorm';
import { missingCountSql } from '#perf-eval/persistence';
import { rowsMarkedDown, submissionGaps, type EvaluationForm, type Verification } from '#perf-eval/evaluation';
import { TestDatabase } from './support/test-database.js';
import { newMediaForm } from './support/forms.js';

/** A small deterministic generator (mulberry32), so that a failure names a form that can be made again. */
function random(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Blank and not blank to JavaScript's trim: ideographic and no-break spaces are blank, a zero-width space is text, 0 is filled in. */
const CELLS: unknown[] = [undefined, null, '', ' ', '\u3000', '\u00a0', ' \t\n', '\ufeff', '\u2028', '\u200b', '0', 0, 5, '12.5', '已完成', ' 80% '];

describe('The lists’ counts written by migrations: gaps (missingCountSql) and rows a 核查分 marked down', () => {
  const db = new TestDatabase();
  let dataSource: DataSource;

  beforeAll(async () => {
    dataSource = await db.create();
  });

  afterAll(async () => {
    await db.drop();
  });

  it('agrees with submissionGaps on 3,000 forms with random blanks, whitespace of every kind, 0s, missing cells and rows', async () => {
    const next = random(20261201);
    const pick = () => CELLS[Math.floor(next() * CELLS.length)];
    const forms: EvaluationForm[] = [];
    for (let i = 0; i < 3000; i++) {
      const form = structuredClone(newMediaForm()) as unknown as EvaluationForm & Record<string, unknown>;
      const roll = next();
      if (roll < 0.05) (form.funds as unknown as Record<string, unknown>).total = null;
      else if (roll < 0.1) form.funds = undefined as never;
      else form.funds.total = { ...form.funds.total!, executed: pick() as string };
      if (next() < 0.05) form.goals = undefined as never;
      else form.goals = { ...form.goals, actual: pick() as string };
      const rows = form.indicators;
      form.indicators = next() < 0.03 ? [] : rows.slice(0, 1 + Math.floor(next() * rows.length)).map((row) => {
        const copy: Record<string, unknown> = { ...row };
        for (const field of ['name', 'target', 'actual', 'weight', 'score', 'level1', 'deviation']) {
          if (next() < 0.3) {
            const value = pick();
            if (value === undefined) delete copy[field];
            else copy[field] = value;
          }
        }
        return copy as never;
      });
      forms.push(form);
    }
    const rows = await dataSource.query(
      `SELECT ${missingCountSql('f.form')} AS n FROM jsonb_array_elements($1::jsonb) WITH ORDINALITY AS f(form, i) ORDER BY f.i`,
      [JSON.stringify(forms)],
    );
    const disagreements = forms
      .map((form, i) => ({ i, typescript: submissionGaps(form).length, sql: Number(rows[i].n) }))
      .filter((r) => r.typescript !== r.sql);
    expect(disagreements.slice(0, 5).map((d) => ({ ...d, form: forms[d.i] }))).toEqual([]);
    // The forms are not all alike: the counts range from none to many.
    const counts = new Set(forms.map((form) => submissionGaps(form).length));
    expect(counts.has(0)).toBe(true);
    expect(Math.max(...counts)).toBeGreaterThan(5);
  });

  it('counts the Drafts that exist when it runs, and leaves every other status at 0', async () => {
    const migration = dataSource.migrations.find((m) => m.name === 'MissingCount1765324800000')!;
    const runner = dataSource.createQueryRunner();
    try {
      await migration.down(runner);
      const [unit] = await dataSource.query(`INSERT INTO units (id, name, competent_department, created_at) VALUES (gen_random_uuid(), '迁移测试单位', '', now()) RETURNING id`);
      const copied = structuredClone(newMediaForm()) as unknown as EvaluationForm;
      copied.funds.total = { ...copied.funds.total!, executed: null };
      copied.goals = { ...copied.goals, actual: '\u3000' };
      copied.indicators = copied.indicators.map((row) => ({ ...row, actual: '', score: null }));
      const rows: [string, EvaluationForm][] = [['Draft', copied], ['Draft', newMediaForm() as unknown as EvaluationForm], ['Submitted', copied]];
      const ids: string[] = [];
      for (const [status, form] of rows) {
        const [row] = await dataSource.query(
          `INSERT INTO evaluations (id, version, revision, status, unit_id, fiscal_year, project_name, evaluation_method, scores, findings, state, created_by, created_at, updated_at)
           VALUES (gen_random_uuid(), 1, 1, $1, $2, 2021, '迁移测试', '单位自评', '{}', '[]', jsonb_build_object('status', $1::text, 'form', $3::jsonb), gen_random_uuid(), now(), now()) RETURNING id`,
          [status, unit.id, JSON.stringify(form)],
        );
        ids.push(row.id);
      }
      await migration.up(runner);
      const counts = await dataSource.query(`SELECT id, missing_count FROM evaluations WHERE id = ANY($1::uuid[])`, [ids]);
      const byId = Object.fromEntries(counts.map((r: { id: string; missing_count: number }) => [r.id, r.missing_count]));
      expect(ids.map((id) => byId[id])).toEqual([submissionGaps(copied).length, 0, 0]);
      expect(submissionGaps(copied).length).toBe(copied.indicators.length + 2);
    } finally {
      await runner.release();
    }
  });

  it('counts, for the forms that exist, the rows their last verification marked below the 自评得分', async () => {
    const migration = dataSource.migrations.find((m) => m.name === 'MarkedDownCount1765324800100')!;
    const runner = dataSource.createQueryRunner();
    try {
      await migration.down(runner);
      const [unit] = await dataSource.query(`INSERT INTO units (id, name, competent_department, created_at) VALUES (gen_random_uuid(), '核查迁移测试单位', '', now()) RETURNING id`);
      const verification = (rows: Verification['rows']): Verification => ({ rows, by: 'r', at: '2026-12-01T00:00:00Z', step: 0, stepName: 'unit', formVersion: 1, complete: false, indicatorTotal: null });
      const states = [
        { status: 'Reviewed', verification: verification([{ row: 0, score: 25, selfScore: 27, reason: '数据不全' }, { row: 1, score: 9.5, selfScore: 9.5, reason: '' }, { row: 2, score: 8.25, selfScore: 8.3, reason: '略' }]) },
        { status: 'Submitted', verification: verification([{ row: 0, score: 3, selfScore: null, reason: '未自评' }, { row: 1, score: 10, selfScore: 9, reason: '' }]) },
        { status: 'Draft', verification: null },
        { status: 'Draft' },
      ];
      const ids: string[] = [];
      for (const state of states) {
        const [row] = await dataSource.query(
          `INSERT INTO evaluations (id, version, revision, status, unit_id, fiscal_year, project_name, evaluation_method, scores, findings, state, created_by, created_at, updated_at)
           VALUES (gen_random_uuid(), 1, 1, $1, $2, 2021, '核查迁移测试', '单位自评', '{}', '[]', $3::jsonb, gen_random_uuid(), now(), now()) RETURNING id`,
          [state.status, unit.id, JSON.stringify({ ...state, form: newMediaForm() })],
        );
        ids.push(row.id);
      }
      await migration.up(runner);
      const counts = await dataSource.query(`SELECT id, marked_down_count FROM evaluations WHERE id = ANY($1::uuid[])`, [ids]);
      const byId = Object.fromEntries(counts.map((r: { id: string; marked_down_count: number }) => [r.id, r.marked_down_count]));
      expect(ids.map((id) => byId[id])).toEqual(states.map((state) => rowsMarkedDown(state.verification).length));
      expect(ids.map((id) => byId[id])).toEqual([2, 0, 0, 0]);
    } finally {
      await runner.release();
    }
  });
});
