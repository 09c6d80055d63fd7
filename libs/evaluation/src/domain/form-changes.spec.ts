import { describe, expect, it } from '@jest/globals';
import type { EvaluationForm, IndicatorRow } from './evaluation-form.js';
import { formChanges, targetChanged } from './form-changes.js';
import { completeForm } from './evaluation-form.fixture.js';

function row(level1: string, level2: string, name: string, overrides: Partial<IndicatorRow> = {}): IndicatorRow {
  return { level1, level2, name, target: '6次', actual: '6次', weight: 10, score: 10, deviation: '', ...overrides };
}

function form(overrides: Partial<EvaluationForm> = {}): EvaluationForm {
  return completeForm({
    indicators: [
      // The paper's merged cells: a blank 一级/二级 continues the group above.
      row('产出指标', '数量指标', '讲题策划、推进会'),
      row('', '', '专题活动'),
      row('', '质量指标', '公众号运维'),
      row('效益指标', '社会效益指标', '传播正能量', { weight: 30, score: 27, deviation: '效益数据收集和分析有待加强' }),
      row('满意度指标', '服务对象满意度指标', '读者满意度'),
    ],
    ...overrides,
  });
}

const rowsOf = (f: EvaluationForm) => f.indicators.map((r) => ({ ...r }));

describe('formChanges', () => {
  it('finds nothing between a form and itself, amounts and figures compared as decimals', () => {
    const same = form({
      funds: { ...form().funds, total: { initialBudget: '30.000000', fullYearBudget: '30.0', executed: '30' } },
      indicators: form().indicators.map((r, i) => (i === 3 ? { ...r, weight: 30.0, score: 27.0 } : r)),
    });
    expect(formChanges(form(), same)).toEqual({ fields: [], rows: [] });
  });

  it('names every changed header field, funds cell and goal by its path and its Chinese place', () => {
    const after = form({
      projectName: '新媒体运营服务项目（二期）',
      contactPhone: '010-12345678',
      funds: { ...form().funds, total: { initialBudget: '30', fullYearBudget: '30', executed: '28.5' }, carryOver: { initialBudget: null, fullYearBudget: '2', executed: null } },
      goals: { expected: '引领青少年', actual: '粉丝量 12000 人' },
    });
    expect(formChanges(form(), after).fields).toEqual([
      { path: 'projectName', label: '项目名称', before: '新媒体运营服务项目', after: '新媒体运营服务项目（二期）' },
      { path: 'contactPhone', label: '联系电话', before: '13501271919', after: '010-12345678' },
      { path: 'funds.total.executed', label: '项目资金·年度资金总额·全年执行数', before: '30', after: '28.5' },
      { path: 'funds.carryOver.fullYearBudget', label: '项目资金·上年结转资金·全年预算数', before: null, after: '2' },
      { path: 'goals.actual', label: '年度总体目标·实际完成情况', before: '粉丝量 11591 人', after: '粉丝量 12000 人' },
    ]);
  });

  it('tells a blank amount from zero', () => {
    const after = form({ funds: { ...form().funds, carryOver: { initialBudget: '0', fullYearBudget: null, executed: null } } });
    expect(formChanges(form(), after).fields.map((f) => [f.path, f.before, f.after])).toEqual([['funds.carryOver.initialBudget', null, '0']]);
  });

  it('shows a changed cell of a row with only that field, under the row index of the newer form', () => {
    const indicators = rowsOf(form());
    indicators[3].score = 28;
    expect(formChanges(form(), form({ indicators })).rows).toEqual([
      { index: 3, previousIndex: 3, change: 'changed', fields: [{ path: 'indicators[3].score', label: '绩效指标第 4 行·得分', before: 27, after: 28 }] },
    ]);
  });

  it('shows a row inserted in the middle as one added row, the rows after it unchanged', () => {
    const indicators = rowsOf(form());
    indicators.splice(2, 0, row('', '', '线下座谈会', { target: '2次', actual: '3次', weight: 5, score: 5 }));
    indicators[5].weight = 5; // keeps the sum; the moved row is still compared
    const changes = formChanges(form(), form({ indicators }));
    expect(changes.rows.map((r) => [r.change, r.index, r.previousIndex])).toEqual([
      ['added', 2, null],
      ['changed', 5, 4],
    ]);
    expect(changes.rows[0].fields.map((f) => [f.path, f.before, f.after])).toEqual([
      ['indicators[2].level1', null, '产出指标'],
      ['indicators[2].level2', null, '数量指标'],
      ['indicators[2].name', null, '线下座谈会'],
      ['indicators[2].target', null, '2次'],
      ['indicators[2].actual', null, '3次'],
      ['indicators[2].weight', null, 5],
      ['indicators[2].score', null, 5],
    ]);
    expect(changes.rows[1].fields.map((f) => [f.path, f.before, f.after])).toEqual([['indicators[5].weight', 10, 5]]);
  });

  it('shows a removed row under its index in the older form', () => {
    const indicators = rowsOf(form()).filter((_, i) => i !== 1);
    const changes = formChanges(form(), form({ indicators }));
    expect(changes.rows).toHaveLength(1);
    expect(changes.rows[0]).toMatchObject({ index: 1, previousIndex: 1, change: 'removed' });
    expect(changes.rows[0].fields.find((f) => f.path === 'indicators[1].name')).toEqual({ path: 'indicators[1].name', label: '绩效指标第 2 行·三级指标', before: '专题活动', after: null });
  });

  it('shows a renamed row as a changed row, not as one removed and one added', () => {
    const indicators = rowsOf(form());
    indicators[2].name = '公众号运营维护';
    expect(formChanges(form(), form({ indicators })).rows).toEqual([
      { index: 2, previousIndex: 2, change: 'changed', fields: [{ path: 'indicators[2].name', label: '绩效指标第 3 行·三级指标', before: '公众号运维', after: '公众号运营维护' }] },
    ]);
  });

  it('reads 一级/二级 as their groups: a merged label moved onto a row inserted above changes nothing below', () => {
    const indicators = rowsOf(form());
    // Inserted at the top of the group: it takes the merged label, the former first row now reads blank.
    indicators.splice(0, 1, row('产出指标', '数量指标', '启动会'), { ...indicators[0], level1: '', level2: '' });
    const changes = formChanges(form(), form({ indicators }));
    expect(changes.rows.map((r) => [r.change, r.index])).toEqual([['added', 0]]);
  });

  it('compares a row that moved to another group by its group', () => {
    const indicators = rowsOf(form());
    indicators[1] = { ...indicators[1], level2: '时效指标' };
    const changes = formChanges(form(), form({ indicators }));
    expect(changes.rows.map((r) => [r.change, r.index, r.fields.map((f) => f.path)])).toEqual([['changed', 1, ['indicators[1].level2']]]);
    expect(changes.rows[0].fields[0]).toMatchObject({ before: '数量指标', after: '时效指标' });
  });
});

describe('targetChanged', () => {
  const indicators = rowsOf(form());
  indicators.splice(1, 0, row('', '', '新增指标'));
  indicators[4].deviation = '已补充数据来源'; // the older form's row 3 (传播正能量), now at 4
  const after = form({ projectName: '新名称', indicators, funds: { ...form().funds, currentYear: { initialBudget: '30', fullYearBudget: '30', executed: '29' } } });
  const changes = formChanges(form(), after);

  it('follows a field, a block and one of its cells', () => {
    expect(targetChanged(changes, 'projectName')).toBe(true);
    expect(targetChanged(changes, 'contactPhone')).toBe(false);
    expect(targetChanged(changes, 'funds')).toBe(true);
    expect(targetChanged(changes, 'funds.currentYear')).toBe(true);
    expect(targetChanged(changes, 'funds.currentYear.executed')).toBe(true);
    expect(targetChanged(changes, 'funds.total')).toBe(false);
    expect(targetChanged(changes, 'goals')).toBe(false);
    expect(targetChanged(changes, 'goals.actual')).toBe(false);
  });

  it('follows a row of the older form to where it is now, and does not count a row that only moved', () => {
    expect(targetChanged(changes, 'indicators[3]')).toBe(true);
    expect(targetChanged(changes, 'indicators[3].deviation')).toBe(true);
    expect(targetChanged(changes, 'indicators[3].score')).toBe(false);
    expect(targetChanged(changes, 'indicators[2]')).toBe(false);
    expect(targetChanged(changes, 'indicators')).toBe(true);
  });

  it('counts a removed row as changed, also for any of its cells', () => {
    const removed = formChanges(form(), form({ indicators: rowsOf(form()).slice(0, 4) }));
    expect(targetChanged(removed, 'indicators[4]')).toBe(true);
    expect(targetChanged(removed, 'indicators[4].score')).toBe(true);
    expect(targetChanged(removed, 'indicators[0]')).toBe(false);
  });

  it('takes a general comment as about the whole form, and declared figures and unknown paths as never changed', () => {
    expect(targetChanged(changes, null)).toBe(true);
    expect(targetChanged(formChanges(form(), form()), null)).toBe(false);
    expect(targetChanged(changes, 'declared.total')).toBe(false);
    expect(targetChanged(changes, 'nonsense')).toBe(false);
  });
});
