import { describe, expect, it } from '@jest/globals';
import type { EvaluationForm, IndicatorRow } from '../domain/evaluation-form.js';
import { FINDING_CODES } from './finding.js';
import { placeFindings } from './finding-place.js';
import { NATIONAL_2020 } from './rule-set.js';
import { scoreEvaluation } from './score-evaluation.js';
import { verificationFindings, verify } from '../domain/review.js';
import { SEED_FORMS, SEED_FORM_2_NEW_MEDIA } from './seed-forms.fixture.js';

const row = (overrides: Partial<IndicatorRow>): IndicatorRow => ({
  level1: '产出指标',
  level2: '数量指标',
  name: '指标',
  target: '10次',
  actual: '10次',
  weight: 10,
  score: 10,
  deviation: '',
  ...overrides,
});

/** The seed forms, and variants of one of them that make scoring emit every code on every kind of path it uses. */
function forms(): EvaluationForm[] {
  const base = SEED_FORM_2_NEW_MEDIA;
  const over = { initialBudget: '10', fullYearBudget: '10', executed: '12' };
  return [
    ...SEED_FORMS,
    { ...base, projectName: '', competentDepartment: ' ', projectLead: '', contactPhone: '', evaluationMethod: '' as never },
    { ...base, funds: { ...base.funds, total: { initialBudget: null, fullYearBudget: null, executed: null } } },
    { ...base, indicators: [] },
    { ...base, funds: { total: over, currentYear: over, carryOver: over, other: over } },
    {
      ...base,
      declared: { budgetWeight: 10, executionRate: '九成', budgetScore: 3, total: 1, summarySeq: 1, summaryBudget: '1', summarySelfScore: 2 },
    },
    { ...base, declared: { executionRate: '50%' } },
    {
      ...base,
      indicators: [
        row({ score: 12 }),
        row({ score: 5 }),
        row({ target: '扩大影响力', actual: '达成年度指标', score: 2, deviation: '说明' }),
        row({ target: '10次', actual: '20次' }),
        row({ target: '10次', actual: '5次', score: 10, deviation: '说明' }),
        row({ level1: '效益指标', level2: '社会效益指标', weight: 30, score: 30 }),
      ],
    },
  ];
}

describe('finding places', () => {
  const markedDown = verify(SEED_FORM_2_NEW_MEDIA, [{ row: 0, score: 0, reason: '未提供佐证材料' }], {
    by: 'u-reviewer',
    at: '2022-01-10T08:00:00.000Z',
    step: 0,
    stepName: 'unit',
    formVersion: 1,
  });
  const findings = [
    ...forms().flatMap((form) => scoreEvaluation(form, NATIONAL_2020).findings),
    ...verificationFindings(SEED_FORM_2_NEW_MEDIA, markedDown),
  ];

  it('the forms used here make scoring (and a reviewer marking a row down) emit every finding code', () => {
    expect(new Set(findings.map((f) => f.code))).toEqual(new Set(FINDING_CODES));
  });

  it('labels every path scoring emits in Chinese, without ASCII letters', () => {
    const placed = placeFindings(findings);
    const paths = new Set(placed.map((f) => f.path));
    expect(paths.size).toBeGreaterThan(15);
    for (const finding of placed) {
      expect({ path: finding.path, place: finding.place }).toEqual({ path: finding.path, place: expect.not.stringMatching(/[A-Za-z]/) });
      expect(finding.place.trim()).not.toBe('');
    }
  });

  it('names the row and the column of an indicator, and the declared figure', () => {
    const [deviation, selfScore] = placeFindings([
      { code: 'DEVIATION_ANALYSIS_MISSING', severity: 'error', path: 'indicators[3].deviation', message: '' },
      { code: 'DECLARED_TOTAL_MISMATCH', severity: 'warning', path: 'declared.summarySelfScore', message: '' },
    ]);
    expect(deviation.place).toBe('绩效指标第 4 行·偏差原因分析及改进措施');
    expect(selfScore.place).toBe('申报数·明细表自评得分');
  });

  it('keeps a null list null (a form not scored yet)', () => {
    expect(placeFindings(null)).toBeNull();
  });
});
