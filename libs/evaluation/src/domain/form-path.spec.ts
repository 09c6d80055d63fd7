import { describe, expect, it } from '@jest/globals';
import type { EvaluationForm, IndicatorRow } from './evaluation-form.js';
import { isCommentTarget as reexportedIsCommentTarget } from './comment-target.js';
import { describeFormPath, isCommentTarget, parseFormPath } from './form-path.js';

function row(name: string): IndicatorRow {
  return { level1: '产出指标', level2: '数量指标', name, target: '10', actual: '10', weight: 10, score: 10, deviation: '' };
}

function formWith(indicatorCount: number): EvaluationForm {
  const amounts = { initialBudget: '10', fullYearBudget: '10', executed: '10' };
  return {
    fiscalYear: 2021,
    unitId: 'u-1',
    projectName: '宣传项目',
    competentDepartment: '某部门',
    projectLead: '张三',
    contactPhone: '010-12345678',
    evaluationMethod: '单位自评',
    funds: { total: amounts, currentYear: amounts, carryOver: null, other: null },
    goals: { expected: '预期', actual: '实际' },
    indicators: Array.from({ length: indicatorCount }, (_, i) => row(`指标${i + 1}`)),
  };
}

describe('parseFormPath', () => {
  it('recognises header fields, including the fiscal year and the evaluation method', () => {
    expect(parseFormPath('projectName')).toEqual({ kind: 'header', field: 'projectName' });
    expect(parseFormPath('fiscalYear')).toEqual({ kind: 'header', field: 'fiscalYear' });
    expect(parseFormPath('evaluationMethod')).toEqual({ kind: 'header', field: 'evaluationMethod' });
  });

  it('recognises the funds block, one of its rows, or one cell of a row', () => {
    expect(parseFormPath('funds')).toEqual({ kind: 'funds', row: null, column: null });
    expect(parseFormPath('funds.carryOver')).toEqual({ kind: 'funds', row: 'carryOver', column: null });
    expect(parseFormPath('funds.total.executed')).toEqual({ kind: 'funds', row: 'total', column: 'executed' });
  });

  it('recognises the goals block and its two fields', () => {
    expect(parseFormPath('goals')).toEqual({ kind: 'goals', field: null });
    expect(parseFormPath('goals.actual')).toEqual({ kind: 'goals', field: 'actual' });
  });

  it('recognises the indicator table, a row by its 0-based index, and one cell of a row', () => {
    expect(parseFormPath('indicators')).toEqual({ kind: 'indicators', index: null, field: null });
    expect(parseFormPath('indicators[3]')).toEqual({ kind: 'indicators', index: 3, field: null });
    expect(parseFormPath('indicators[3].deviation')).toEqual({ kind: 'indicators', index: 3, field: 'deviation' });
  });

  it('recognises the declared figures of an imported paper form', () => {
    expect(parseFormPath('declared.total')).toEqual({ kind: 'declared', field: 'total' });
    expect(parseFormPath('declared.executionRate')).toEqual({ kind: 'declared', field: 'executionRate' });
  });

  it('returns null for paths that name nothing in the form', () => {
    for (const path of [
      '',
      'somethingElse',
      'funds.future',
      'funds.total.spent',
      'funds.total.executed.extra',
      'goals.hoped',
      'indicators[]',
      'indicators[-1]',
      'indicators[1].colour',
      'indicators.1',
      'declared',
      'declared.bonus',
      'toString',
      'constructor',
      'funds.toString',
    ]) {
      expect(parseFormPath(path)).toBeNull();
    }
  });
});

describe('describeFormPath', () => {
  it('calls a missing or blank path the general opinion', () => {
    expect(describeFormPath(null)).toBe('总体意见');
    expect(describeFormPath('   ')).toBe('总体意见');
  });

  it('labels header fields in Chinese', () => {
    expect(describeFormPath('projectName')).toBe('项目名称');
    expect(describeFormPath('fiscalYear')).toBe('年度');
    expect(describeFormPath('evaluationMethod')).toBe('评价方式');
    expect(describeFormPath('contactPhone')).toBe('联系电话');
  });

  it('labels the funds block from the block down to a single cell', () => {
    expect(describeFormPath('funds')).toBe('项目资金');
    expect(describeFormPath('funds.currentYear')).toBe('项目资金·当年财政拨款');
    expect(describeFormPath('funds.total.executed')).toBe('项目资金·年度资金总额·全年执行数');
    expect(describeFormPath('funds.other.initialBudget')).toBe('项目资金·其他资金·年初预算数');
    expect(describeFormPath('funds.carryOver.fullYearBudget')).toBe('项目资金·上年结转资金·全年预算数');
  });

  it('labels the goals', () => {
    expect(describeFormPath('goals')).toBe('年度总体目标');
    expect(describeFormPath('goals.actual')).toBe('年度总体目标·实际完成情况');
    expect(describeFormPath('goals.expected')).toBe('年度总体目标·预期目标');
  });

  it('numbers indicator rows from 1, as people count them', () => {
    expect(describeFormPath('indicators')).toBe('绩效指标');
    expect(describeFormPath('indicators[2]')).toBe('绩效指标第 3 行');
    expect(describeFormPath('indicators[2].score')).toBe('绩效指标第 3 行·得分');
    expect(describeFormPath('indicators[3].deviation')).toBe('绩效指标第 4 行·偏差原因分析及改进措施');
  });

  it('labels declared figures as 申报数', () => {
    expect(describeFormPath('declared.total')).toBe('申报数·总分');
    expect(describeFormPath('declared.executionRate')).toBe('申报数·执行率');
  });

  it('shows an unknown path as written', () => {
    expect(describeFormPath('somethingElse')).toBe('somethingElse');
    expect(describeFormPath('funds.total.spent')).toBe('funds.total.spent');
    expect(describeFormPath('indicators[1].colour')).toBe('indicators[1].colour');
  });
});

describe('isCommentTarget', () => {
  const form = formWith(4);

  it('accepts header fields, blocks, funds rows and cells, goals and existing indicator rows', () => {
    for (const target of [
      'projectName',
      'fiscalYear',
      'evaluationMethod',
      'funds',
      'funds.total',
      'funds.total.executed',
      'goals',
      'goals.actual',
      'indicators',
      'indicators[0]',
      'indicators[3]',
      'indicators[3].score',
    ]) {
      expect(isCommentTarget(form, target)).toBe(true);
    }
  });

  it('rejects an indicator row the form does not have', () => {
    expect(isCommentTarget(form, 'indicators[4]')).toBe(false);
    expect(isCommentTarget(form, 'indicators[4].score')).toBe(false);
    expect(isCommentTarget(formWith(0), 'indicators[0]')).toBe(false);
  });

  it('rejects declared figures, which are not filled in by the drafter', () => {
    expect(isCommentTarget(form, 'declared.total')).toBe(false);
  });

  it('rejects unknown or sloppily written targets', () => {
    for (const target of ['', 'somethingElse', 'funds.future', 'goals.hoped', 'indicators[1].colour', ' projectName', 'unitId']) {
      expect(isCommentTarget(form, target)).toBe(false);
    }
  });

  it('is still importable from comment-target', () => {
    expect(reexportedIsCommentTarget).toBe(isCommentTarget);
  });
});
