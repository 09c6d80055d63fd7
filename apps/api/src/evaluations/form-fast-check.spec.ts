import 'reflect-metadata';
import { describe, expect, it } from '@jest/globals';
import { ValidationPipe, type ArgumentMetadata } from '@nestjs/common';
import { EvaluationFormDto, UpdateEvaluationDto, toForm } from './evaluation-form.dto.js';
import { isCertainlyValidForm } from './form-fast-check.js';
import { VALIDATION_OPTIONS, validationPipe } from '../validation.pipe.js';
import { ValidationFailedError } from '../api.errors.js';

/** class-validator alone: what the API ran on every body before the plain check. */
const classValidator = new ValidationPipe(VALIDATION_OPTIONS);

function base(): Record<string, unknown> {
  return {
    fiscalYear: 2021,
    projectName: '新媒体运营服务项目',
    competentDepartment: '中共北京市委老干部局',
    projectLead: '韩清峰',
    contactPhone: '13501271919',
    evaluationMethod: '单位自评',
    funds: {
      total: { initialBudget: 30, fullYearBudget: '30', executed: '29.123456' },
      currentYear: { initialBudget: '30', fullYearBudget: 30, executed: 30 },
      carryOver: null,
      other: { initialBudget: null, fullYearBudget: null },
    },
    goals: { expected: '以社会主义核心价值观引领青少年', actual: '粉丝量为11591人' },
    indicators: [
      { level1: '产出指标', level2: '数量指标', name: '讲题策划、推进会', target: '6次', actual: '6次', weight: 25, score: 25, deviation: '' },
      { level1: '效益指标', level2: '社会效益指标', name: '传播正能量', target: '扩大影响力', actual: '达成年度指标', weight: 30, score: 27.5, deviation: '有待加强' },
      { level1: '满意度指标', level2: '服务对象满意度指标', name: '读者满意度', target: '≥90%', actual: '95%', weight: 10, score: null },
    ],
  };
}

/** A small deterministic generator (mulberry32), so that a failure names a case that can be replayed. */
function random(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const VALUES: unknown[] = [
  undefined, null, '', 'x', 'x'.repeat(199), 'x'.repeat(200), 'x'.repeat(201), '字'.repeat(200), '😀'.repeat(150), '😀'.repeat(201), 'x'.repeat(4000), 'x'.repeat(4001),
  0, -0, 1, 2.5, 1.25, 1.234, 0.1 + 0.2, -1000, -1000.01, 1000, 1000.5, 1999, 2000, 2100, 2101, 2021.5, 1e21, -5, Number.MAX_SAFE_INTEGER, 2 ** 60,
  true, false, [], [1], ['a'], {}, { a: 1 }, { initialBudget: '1' },
  '30', '30.123456', '30.1234567', ' 30 ', '1e3', '-1', '１２', 'abc', '单位自评', '部门评价', '自评',
  '123e4567-e89b-12d3-a456-426614174000', 'not-a-uuid',
];
const TOP = ['fiscalYear', 'unitId', 'projectName', 'competentDepartment', 'projectLead', 'contactPhone', 'evaluationMethod', 'funds', 'goals', 'indicators', 'expectedVersion', 'extra'];
const FUNDS = ['total', 'currentYear', 'carryOver', 'other', 'extra'];
const ROW = ['initialBudget', 'fullYearBudget', 'executed', 'extra'];
const GOALS = ['expected', 'actual', 'extra'];
const INDICATOR = ['level1', 'level2', 'name', 'target', 'actual', 'weight', 'score', 'deviation', 'extra'];

function mutate(body: Record<string, unknown>, next: () => number): void {
  const pick = <T>(list: readonly T[]) => list[Math.floor(next() * list.length)];
  const value = () => structuredClone(pick(VALUES));
  const set = (target: Record<string, unknown>, key: string) => {
    const v = value();
    if (v === undefined && next() < 0.5) delete target[key];
    else target[key] = v;
  };
  const funds = body.funds as Record<string, Record<string, unknown> | null> | undefined;
  const indicators = body.indicators as Record<string, unknown>[] | undefined;
  switch (Math.floor(next() * 6)) {
    case 0:
      return set(body, pick(TOP));
    case 1:
      if (funds && typeof funds === 'object') {
        const row = pick(FUNDS);
        if (funds[row] && typeof funds[row] === 'object' && next() < 0.7) return set(funds[row] as Record<string, unknown>, pick(ROW));
        return set(funds as Record<string, unknown>, row);
      }
      return set(body, 'funds');
    case 2:
      if (body.goals && typeof body.goals === 'object') return set(body.goals as Record<string, unknown>, pick(GOALS));
      return set(body, 'goals');
    case 3:
    case 4:
      if (Array.isArray(indicators) && indicators.length > 0) {
        const row = indicators[Math.floor(next() * indicators.length)];
        if (row && typeof row === 'object' && next() < 0.85) return set(row as Record<string, unknown>, pick(INDICATOR));
        indicators[Math.floor(next() * indicators.length)] = value() as Record<string, unknown>;
        return;
      }
      return set(body, 'indicators');
    default:
      if (Array.isArray(indicators) && next() < 0.5) {
        if (next() < 0.5) indicators.push(structuredClone(indicators[0] ?? {}));
        else indicators.splice(0, 1);
        return;
      }
      body.indicators = next() < 0.5 ? Array.from({ length: 301 }, () => structuredClone((base().indicators as unknown[])[0])) : [];
  }
}

const meta = (metatype: typeof EvaluationFormDto): ArgumentMetadata => ({ type: 'body', metatype, data: undefined });

async function classValidatorAccepts(body: unknown, metatype: typeof EvaluationFormDto): Promise<{ ok: true; dto: EvaluationFormDto } | { ok: false }> {
  try {
    return { ok: true, dto: await classValidator.transform(JSON.parse(JSON.stringify(body)), meta(metatype)) };
  } catch {
    return { ok: false };
  }
}

describe('The plain check of form bodies is never more permissive than class-validator', () => {
  it('accepts a well-formed create and edit body, and the pipe passes it on unchanged', async () => {
    expect(isCertainlyValidForm(base(), false)).toBe(true);
    expect(isCertainlyValidForm({ ...base(), expectedVersion: 3 }, true)).toBe(true);
    expect(isCertainlyValidForm({ ...base(), expectedVersion: 3 }, false)).toBe(false);
    expect(isCertainlyValidForm(base(), true)).toBe(false);
    const body = { ...base(), expectedVersion: 3 };
    expect(await validationPipe().transform(body, meta(UpdateEvaluationDto))).toBe(body);
  });

  it('leaves what it is unsure of to class-validator, which still answers VALIDATION_FAILED field by field', async () => {
    const body = { ...base(), expectedVersion: 0, projectName: 'x'.repeat(201), extra: 1 };
    expect(isCertainlyValidForm(body, true)).toBe(false);
    const refusal = await validationPipe().transform(body, meta(UpdateEvaluationDto)).then(
      () => null,
      (error: unknown) => error,
    );
    expect(refusal).toBeInstanceOf(ValidationFailedError);
    expect((refusal as ValidationFailedError).details.fields.map((f) => f.field).sort()).toEqual(['expectedVersion', 'extra', 'projectName']);
    // A prototype key in the JSON is an unknown field, never an accepted one.
    expect(isCertainlyValidForm(JSON.parse(`{"fiscalYear":2021,"__proto__":{"admin":true}}`), false)).toBe(false);
  });

  it('on 4,000 mutated bodies: whatever it accepts, class-validator accepts too, and the domain form is the same', async () => {
    let accepted = 0;
    let refused = 0;
    for (let seed = 1; seed <= 4000; seed++) {
      const next = random(seed);
      const update = seed % 2 === 0;
      const body: Record<string, unknown> = { ...base(), ...(update ? { expectedVersion: 1 + (seed % 5) } : {}) };
      const mutations = 1 + Math.floor(next() * 3);
      for (let m = 0; m < mutations; m++) mutate(body, next);
      const metatype = update ? UpdateEvaluationDto : EvaluationFormDto;
      // What reaches the pipe is parsed JSON (no undefined, no -0), as body-parser makes it.
      const json = JSON.parse(JSON.stringify(body)) as Record<string, unknown>;
      const fast = isCertainlyValidForm(json, update);
      const slow = await classValidatorAccepts(json, metatype);
      if (fast) {
        expect([seed, slow.ok]).toEqual([seed, true]);
        if (slow.ok) expect([seed, toForm(json as unknown as EvaluationFormDto)]).toEqual([seed, toForm(slow.dto)]);
        accepted++;
      } else if (!slow.ok) refused++;
    }
    // Both kinds occur often enough for the comparison to mean something.
    expect(accepted).toBeGreaterThan(500);
    expect(refused).toBeGreaterThan(1000);
  });
});
