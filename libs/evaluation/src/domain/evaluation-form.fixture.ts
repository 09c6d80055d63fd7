import type { EvaluationForm } from './evaluation-form.js';

/** A complete form without error findings (weights 10 + 50 + 30 + 10), as the domain specs start from it. */
export function completeForm(overrides: Partial<EvaluationForm> = {}): EvaluationForm {
  return {
    fiscalYear: 2021,
    unitId: 'unit-1',
    projectName: '新媒体运营服务项目',
    competentDepartment: '中共北京市委老干部局',
    projectLead: '韩清峰',
    contactPhone: '13501271919',
    evaluationMethod: '单位自评',
    funds: { total: { initialBudget: '30', fullYearBudget: '30', executed: '30' }, currentYear: { initialBudget: '30', fullYearBudget: '30', executed: '30' }, carryOver: null, other: null },
    goals: { expected: '引领青少年', actual: '粉丝量 11591 人' },
    indicators: [
      { level1: '产出指标', level2: '数量指标', name: '推进会', target: '6次', actual: '6次', weight: 50, score: 50, deviation: '' },
      { level1: '效益指标', level2: '社会效益指标', name: '影响力', target: '扩大影响力', actual: '达成年度指标', weight: 30, score: 27, deviation: '数据收集有待加强' },
      { level1: '满意度指标', level2: '服务对象满意度指标', name: '满意度', target: '≥90%', actual: '95%', weight: 10, score: 10, deviation: '' },
    ],
    ...overrides,
  };
}
