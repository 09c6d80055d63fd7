/**
 * 新媒体运营服务项目 (2021) as a drafter would type it through the API: the seed's second form,
 * shortened to rows whose weights still add to 100 (budget 10 + 产出 50 + 效益 30 + 满意度 10).
 */
export function newMediaForm(overrides: Record<string, unknown> = {}) {
  return {
    fiscalYear: 2021,
    projectName: '新媒体运营服务项目',
    competentDepartment: '中共北京市委老干部局',
    projectLead: '韩清峰',
    contactPhone: '13501271919',
    evaluationMethod: '单位自评',
    funds: {
      total: { initialBudget: 30, fullYearBudget: '30', executed: '30' },
      currentYear: { initialBudget: '30', fullYearBudget: 30, executed: 30 },
      carryOver: null,
      other: null,
    },
    goals: { expected: '以社会主义核心价值观引领青少年', actual: '“北京市关工委”微信公众号粉丝量为11591人' },
    indicators: [
      { level1: '产出指标', level2: '数量指标', name: '讲题策划、推进会', target: '6次', actual: '6次', weight: 25, score: 25, deviation: '' },
      { level1: '产出指标', level2: '质量指标', name: '公众号运维', target: '安全', actual: '安全', weight: 25, score: 25, deviation: '' },
      { level1: '效益指标', level2: '社会效益指标', name: '传播正能量', target: '扩大影响力', actual: '达成年度指标', weight: 30, score: 27, deviation: '效益数据收集和分析有待加强' },
      { level1: '满意度指标', level2: '服务对象满意度指标', name: '读者满意度', target: '≥90%', actual: '95%', weight: 10, score: 10, deviation: '' },
    ],
    ...overrides,
  };
}
