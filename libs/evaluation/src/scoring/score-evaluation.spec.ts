import { describe, it, expect } from '@jest/globals';
import type { EvaluationForm, IndicatorRow } from '../domain/evaluation-form.js';
import { FINDING_CODES, FINDING_SEVERITIES, hasBlockingFindings, type Finding, type FindingCode } from './finding.js';
import { NATIONAL_2020, UnknownRuleSetError, ruleSetById, ruleSets, type RuleSet } from './rule-set.js';
import { scoreEvaluation } from './score-evaluation.js';
import {
  SEED_FORMS,
  SEED_FORM_1_WINTER_OLYMPICS,
  SEED_FORM_2_NEW_MEDIA,
  SEED_FORM_3_OPERATIONS,
  SEED_FORM_4_LECTURE_HALL,
  SEED_FORM_5_WEBSITE,
  SEED_FORM_6_FAMILY_EDUCATION,
  SEED_FORM_7_PUBLICITY,
} from './seed-forms.fixture.js';

function indicator(overrides: Partial<IndicatorRow>): IndicatorRow {
  return { level1: '', level2: '', name: '指标', target: '达成年度指标', actual: '达成年度指标', weight: 10, score: 10, deviation: '', ...overrides };
}

/** Standard 50 / 30 / 10 split, every rule satisfied: scores 100 with no findings. */
function standardForm(): EvaluationForm {
  return {
    fiscalYear: 2021,
    unitId: 'unit-test',
    projectName: '测试项目',
    competentDepartment: '测试主管部门',
    projectLead: '张三',
    contactPhone: '010-12345678',
    evaluationMethod: '单位自评',
    funds: {
      total: { initialBudget: '100', fullYearBudget: '100', executed: '100' },
      currentYear: { initialBudget: '100', fullYearBudget: '100', executed: '100' },
      carryOver: null,
      other: null,
    },
    goals: { expected: '完成培训', actual: '完成培训' },
    indicators: [
      indicator({ level1: '产出指标', level2: '数量指标', name: '培训场次', target: '≥10次', actual: '11次', weight: 20, score: 20 }),
      indicator({ level2: '质量指标', name: '合格率', target: '≥95%', actual: '98%', weight: 10, score: 10 }),
      indicator({ level2: '时效指标', name: '完成时间', target: '全年', actual: '全年', weight: 10, score: 10 }),
      indicator({ level2: '成本指标', name: '培训成本', target: '≤100万元', actual: '90万元', weight: 10, score: 10 }),
      indicator({ level1: '效益指标', level2: '社会效益指标', name: '社会影响', target: '影响广泛', actual: '达成年度指标', weight: 30, score: 30 }),
      indicator({ level1: '满意度指标', level2: '服务对象满意度指标', name: '学员满意度', target: '≥90%', actual: '95%', weight: 10, score: 10 }),
    ],
    declared: null,
  };
}

function withIndicator(form: EvaluationForm, index: number, overrides: Partial<IndicatorRow>): EvaluationForm {
  return { ...form, indicators: form.indicators.map((row, at) => (at === index ? { ...row, ...overrides } : row)) };
}

function codesOf(findings: readonly Finding[]): string[] {
  return findings.map((finding) => `${finding.code} ${finding.path}`).sort();
}

function only(findings: readonly Finding[], code: FindingCode): Finding[] {
  return findings.filter((finding) => finding.code === code);
}

describe('scoreEvaluation', () => {
  it('scores a complete standard form 100 (优) with no findings', () => {
    const { scores, findings } = scoreEvaluation(standardForm());
    expect(scores).toEqual({ executionRate: 100, budgetScore: 10, indicatorScore: 90, total: 100, grade: '优' });
    expect(findings).toEqual([]);
  });

  it('uses the national 2020 rule set by default', () => {
    expect(scoreEvaluation(standardForm())).toEqual(scoreEvaluation(standardForm(), NATIONAL_2020));
  });

  describe('execution rate and budget score', () => {
    it('divides 全年执行数 by 全年预算数 of the total row and shows percent at 2 decimals', () => {
      const form = { ...standardForm(), funds: { ...standardForm().funds, total: { initialBudget: '30', fullYearBudget: '30', executed: '4.961698' } } };
      // 4.961698 / 30 = 0.16538993… → 16.54 %; 10 × 0.16538993 = 1.6538993 → 1.65
      expect(scoreEvaluation(form).scores).toMatchObject({ executionRate: 16.54, budgetScore: 1.65 });
    });

    it('is exact with six-decimal amounts', () => {
      const form = { ...standardForm(), funds: { ...standardForm().funds, total: { initialBudget: '84.61', fullYearBudget: '84.61', executed: '46.107788' } } };
      // 46.107788 / 84.61 = 0.5449449… → 54.49 %; 5.449449… → 5.45
      expect(scoreEvaluation(form).scores).toMatchObject({ executionRate: 54.49, budgetScore: 5.45 });
    });

    it('rounds half-up, not half-even', () => {
      const form = { ...standardForm(), funds: { ...standardForm().funds, total: { initialBudget: '1', fullYearBudget: '1', executed: '0.12345' } } };
      // 12.345 % → 12.35; 10 × 0.12345 = 1.2345 → 1.23
      expect(scoreEvaluation(form).scores).toMatchObject({ executionRate: 12.35, budgetScore: 1.23 });
      const exactHalf = { ...standardForm(), funds: { ...standardForm().funds, total: { initialBudget: '10', fullYearBudget: '10', executed: '8.125' } } };
      // 10 × 0.8125 = 8.125 → 8.13
      expect(scoreEvaluation(exactHalf).scores.budgetScore).toBe(8.13);
    });

    it('caps the rate at 100 % for the budget score', () => {
      const form = { ...standardForm(), funds: { ...standardForm().funds, total: { initialBudget: '100', fullYearBudget: '100', executed: '120' } } };
      expect(scoreEvaluation(form).scores).toMatchObject({ executionRate: 120, budgetScore: 10, total: 100 });
    });

    it('weighs the rate with the rule set budget weight', () => {
      const ruleSet: RuleSet = { ...NATIONAL_2020, id: 'test-budget-20', budgetWeight: 20 };
      const form = { ...standardForm(), funds: { ...standardForm().funds, total: { initialBudget: '100', fullYearBudget: '100', executed: '80' } } };
      expect(scoreEvaluation(form, ruleSet).scores.budgetScore).toBe(16);
    });

    it.each([
      ['the full-year budget is blank', { initialBudget: '100', fullYearBudget: null, executed: '100' }],
      ['the full-year budget is zero', { initialBudget: '0', fullYearBudget: '0', executed: '0' }],
      ['the executed figure is blank', { initialBudget: '100', fullYearBudget: '100', executed: null }],
    ])('has no rate, budget score, total or grade when %s', (_case, total) => {
      const form = { ...standardForm(), funds: { ...standardForm().funds, total } };
      expect(scoreEvaluation(form).scores).toEqual({ executionRate: null, budgetScore: null, indicatorScore: 90, total: null, grade: null });
    });
  });

  describe('total and grade', () => {
    it('adds the budget score and the indicator self-scores at 2 decimals', () => {
      const form = withIndicator(
        { ...standardForm(), funds: { ...standardForm().funds, total: { initialBudget: '35', fullYearBudget: '35', executed: '32' } } },
        0,
        { score: 17.2, deviation: '疫情影响' },
      );
      // 9.14 + (17.2 + 10 + 10 + 10 + 30 + 10 = 87.2) = 96.34
      expect(scoreEvaluation(form).scores).toMatchObject({ budgetScore: 9.14, indicatorScore: 87.2, total: 96.34 });
    });

    it('treats a blank self-score as 0 in the sum', () => {
      const form = withIndicator(standardForm(), 2, { score: null });
      expect(scoreEvaluation(form).scores).toMatchObject({ indicatorScore: 80, total: 90 });
    });

    it.each([
      [100, '优'],
      [90, '优'],
      [89.99, '良'],
      [80, '良'],
      [79.99, '中'],
      [60, '中'],
      [59.99, '差'],
      [10, '差'],
      [-5, '差'],
    ])('grades a total of %d as %s', (total, grade) => {
      const form = {
        ...standardForm(),
        indicators: standardForm().indicators.map((row, index) => ({ ...row, score: index === 0 ? total - 10 : 0 })),
      };
      expect(scoreEvaluation(form).scores).toMatchObject({ total, grade });
    });
  });

  describe('indicator rules', () => {
    it('gives a positive row its full weight when the actual reaches the target', () => {
      const { indicators } = scoreEvaluation(standardForm());
      expect(indicators[0]).toMatchObject({ index: 0, kind: 'positive', ruleScore: 20, ratio: 1.1 });
    });

    it('gives a positive row weight × actual ÷ target below target', () => {
      const form = withIndicator(standardForm(), 0, { target: '5次', actual: '4次', weight: 9, score: 7.2, deviation: '疫情' });
      expect(scoreEvaluation(form).indicators[0]).toMatchObject({ kind: 'positive', ruleScore: 7.2, ratio: 0.8 });
    });

    it('rounds the rule score half-up to 2 decimals and the ratio to 4', () => {
      const form = withIndicator(standardForm(), 0, { target: '3次', actual: '2次', weight: 10, score: 6, deviation: '疫情' });
      // 10 × 2 / 3 = 6.666… → 6.67; 2 / 3 → 0.6667
      expect(scoreEvaluation(form).indicators[0]).toMatchObject({ ruleScore: 6.67, ratio: 0.6667 });
    });

    it('gives a reverse (成本指标) row its full weight when the actual stays within the target', () => {
      expect(scoreEvaluation(standardForm()).indicators[3]).toMatchObject({ kind: 'reverse', ruleScore: 10, ratio: 0.9 });
    });

    it('gives a reverse row weight × target ÷ actual above target', () => {
      const form = withIndicator(standardForm(), 3, { target: '100万元', actual: '125万元', score: 8, deviation: '超支' });
      expect(scoreEvaluation(form).indicators[3]).toMatchObject({ kind: 'reverse', ruleScore: 8, ratio: 1.25 });
    });

    it('lets a blank level-2 continue the group above (merged cells)', () => {
      const form: EvaluationForm = {
        ...standardForm(),
        indicators: [
          indicator({ level1: '产出指标', level2: '成本指标', name: '场地', target: '10万元', actual: '8万', weight: 25 }),
          indicator({ level2: '', name: '主持', target: '1万元', actual: '0．5', weight: 25 }),
          indicator({ level1: '效益指标', level2: '社会效益指标', name: '宣讲', target: '5次', actual: '5次', weight: 30 }),
          indicator({ level1: '满意度指标', level2: '', name: '满意度', target: '90%', actual: '95%', weight: 10 }),
        ],
      };
      const { indicators } = scoreEvaluation(form);
      expect(indicators.map((row) => [row.kind, row.level1, row.level2])).toEqual([
        ['reverse', '产出指标', '成本指标'],
        ['reverse', '产出指标', '成本指标'],
        ['positive', '效益指标', '社会效益指标'],
        // a new level-1 does not inherit the previous group's level-2
        ['positive', '满意度指标', ''],
      ]);
    });

    it('takes a blank level-1 from the rule set when its level-2 opens a new group', () => {
      const form: EvaluationForm = {
        ...standardForm(),
        indicators: [
          indicator({ level1: '产出指标', level2: '数量指标', weight: 50 }),
          indicator({ level1: '', level2: '社会效益\n指标', weight: 30 }),
          indicator({ level1: '', level2: '', weight: 0, score: 0 }),
          indicator({ level1: '满意度\n指标', level2: '服务对象满意度标', weight: 10 }),
        ],
      };
      expect(scoreEvaluation(form).indicators.map((row) => row.level1)).toEqual(['产出指标', '效益指标', '效益指标', '满意度指标']);
    });

    it('lets a comparison word in the target decide the direction', () => {
      const form: EvaluationForm = {
        ...standardForm(),
        indicators: [
          indicator({ level1: '产出指标', level2: '时效指标', target: '≤5天', actual: '4天' }),
          indicator({ level2: '成本指标', target: '≥10万元', actual: '12万元' }),
          indicator({ level2: '数量指标', target: '不超过3次', actual: '6次', weight: 10, score: 5, deviation: '超出' }),
        ],
      };
      const { indicators } = scoreEvaluation(form);
      expect(indicators.map((row) => [row.kind, row.ruleScore])).toEqual([
        ['reverse', 10],
        ['positive', 10],
        ['reverse', 5],
      ]);
    });

    it('treats rows without two comparable numbers as qualitative', () => {
      const form: EvaluationForm = {
        ...standardForm(),
        indicators: [
          indicator({ level1: '产出指标', level2: '成本指标', target: '30万', actual: '16.47%' }),
          indicator({ target: '各1次', actual: '线下绘画展览活动1次' }),
          indicator({ target: '1次', actual: '学术论坛筹备中，工作进度约60%' }),
          indicator({ target: '10万元', actual: '80000元' }),
        ],
      };
      expect(scoreEvaluation(form).indicators.map((row) => [row.kind, row.ruleScore, row.ratio])).toEqual([
        ['qualitative', null, null],
        ['qualitative', null, null],
        ['qualitative', null, null],
        ['qualitative', null, null],
      ]);
    });

    it('has no rule score without a weight and no ratio for a zero target', () => {
      const form = withIndicator(standardForm(), 0, { target: '0次', actual: '0次', weight: null });
      expect(scoreEvaluation(form).indicators[0]).toMatchObject({ kind: 'positive', ruleScore: null, ratio: null });
    });
  });

  describe('findings', () => {
    it('gives every code its severity from the contract', () => {
      expect(FINDING_CODES).toHaveLength(14);
      expect(FINDING_SEVERITIES).toEqual({
        REQUIRED_FIELD_MISSING: 'error',
        WEIGHT_TOTAL_NOT_100: 'error',
        SCORE_OUT_OF_RANGE: 'error',
        DEVIATION_ANALYSIS_MISSING: 'error',
        QUALITATIVE_SCORE_OUTSIDE_BAND: 'error',
        DECLARED_TOTAL_MISMATCH: 'warning',
        DECLARED_RATE_MISMATCH: 'warning',
        DECLARED_BUDGET_SCORE_MISMATCH: 'warning',
        FUNDING_SOURCES_MISMATCH: 'warning',
        OVER_EXECUTION: 'warning',
        OVER_ACHIEVEMENT: 'warning',
        SCORE_ABOVE_RULE: 'warning',
        VERIFIED_BELOW_SELF: 'warning',
        LEVEL1_WEIGHTS_NONSTANDARD: 'info',
      });
    });

    describe('REQUIRED_FIELD_MISSING', () => {
      it.each(['projectName', 'competentDepartment', 'projectLead', 'contactPhone', 'evaluationMethod'] as const)(
        'reports a blank %s',
        (field) => {
          const form = { ...standardForm(), [field]: '  ' } as EvaluationForm;
          const { findings } = scoreEvaluation(form);
          expect(findings).toEqual([expect.objectContaining({ code: 'REQUIRED_FIELD_MISSING', severity: 'error', path: field })]);
        },
      );

      it('reports every blank header field separately', () => {
        const form = { ...standardForm(), projectName: '', projectLead: '' };
        expect(codesOf(scoreEvaluation(form).findings)).toEqual(['REQUIRED_FIELD_MISSING projectLead', 'REQUIRED_FIELD_MISSING projectName']);
      });

      it('reports a missing full-year budget of the total row', () => {
        const form = { ...standardForm(), funds: { ...standardForm().funds, total: { initialBudget: '100', fullYearBudget: null, executed: '100' } } };
        const [finding] = only(scoreEvaluation(form).findings, 'REQUIRED_FIELD_MISSING');
        expect(finding).toEqual({
          code: 'REQUIRED_FIELD_MISSING',
          severity: 'error',
          path: 'funds.total.fullYearBudget',
          message: '未填写年度资金总额的全年预算数',
        });
      });

      it('reports a missing total row as a missing full-year budget', () => {
        const form = { ...standardForm(), funds: { ...standardForm().funds, total: null } };
        expect(codesOf(only(scoreEvaluation(form).findings, 'REQUIRED_FIELD_MISSING'))).toEqual(['REQUIRED_FIELD_MISSING funds.total.fullYearBudget']);
      });

      it('reports a form without indicators once, without weight findings on top', () => {
        const form = { ...standardForm(), indicators: [] };
        expect(codesOf(scoreEvaluation(form).findings)).toEqual(['REQUIRED_FIELD_MISSING indicators']);
      });

      it('does not report a complete form', () => {
        expect(only(scoreEvaluation(standardForm()).findings, 'REQUIRED_FIELD_MISSING')).toEqual([]);
      });
    });

    describe('WEIGHT_TOTAL_NOT_100', () => {
      it('reports budget weight + indicator weights other than 100', () => {
        const form = withIndicator(standardForm(), 2, { weight: 20, score: 20 });
        const findings = only(scoreEvaluation(form).findings, 'WEIGHT_TOTAL_NOT_100');
        expect(findings).toEqual([
          {
            code: 'WEIGHT_TOTAL_NOT_100',
            severity: 'error',
            path: 'indicators',
            message: '预算执行分值 10 加指标分值合计 100 为 110，应为 100',
          },
        ]);
      });

      it('uses the declared budget weight of an imported form', () => {
        const form = { ...withIndicator(standardForm(), 2, { weight: 20, score: 20 }), declared: { budgetWeight: 0 } };
        expect(only(scoreEvaluation(form).findings, 'WEIGHT_TOTAL_NOT_100')).toEqual([]);
      });

      it('counts a blank weight as 0', () => {
        const form = withIndicator(standardForm(), 2, { weight: null });
        expect(only(scoreEvaluation(form).findings, 'WEIGHT_TOTAL_NOT_100')).toHaveLength(1);
      });

      it('does not report weights that add up to 100', () => {
        expect(only(scoreEvaluation(standardForm()).findings, 'WEIGHT_TOTAL_NOT_100')).toEqual([]);
      });
    });

    describe('SCORE_OUT_OF_RANGE', () => {
      it('reports a score above its weight', () => {
        const form = withIndicator(standardForm(), 2, { score: 12 });
        expect(only(scoreEvaluation(form).findings, 'SCORE_OUT_OF_RANGE')).toEqual([
          expect.objectContaining({ path: 'indicators[2].score', message: '第 3 行指标“完成时间”得分 12 超出范围，应在 0 至 10 之间' }),
        ]);
      });

      it('names an unnamed row by its number', () => {
        const form = withIndicator(standardForm(), 2, { name: ' ', score: 12 });
        expect(only(scoreEvaluation(form).findings, 'SCORE_OUT_OF_RANGE')[0]?.message).toBe('第 3 行指标得分 12 超出范围，应在 0 至 10 之间');
      });

      it('reports a negative score', () => {
        const form = withIndicator(standardForm(), 2, { score: -1, deviation: '扣分' });
        expect(codesOf(scoreEvaluation(form).findings)).toEqual(['SCORE_OUT_OF_RANGE indicators[2].score']);
      });

      it('reports a negative score on a row without a weight', () => {
        const form = withIndicator(standardForm(), 2, { weight: null, score: -1 });
        expect(only(scoreEvaluation(form).findings, 'SCORE_OUT_OF_RANGE')).toHaveLength(1);
      });

      it('reports an out-of-range score once, not again against band or rule', () => {
        const qualitative = withIndicator(standardForm(), 4, { score: 31 });
        expect(codesOf(scoreEvaluation(qualitative).findings)).toEqual(['SCORE_OUT_OF_RANGE indicators[4].score']);
        const quantitative = withIndicator(standardForm(), 0, { score: 21 });
        expect(codesOf(scoreEvaluation(quantitative).findings)).toEqual(['SCORE_OUT_OF_RANGE indicators[0].score']);
      });

      it('does not report 0 or the full weight', () => {
        const form = withIndicator(withIndicator(standardForm(), 2, { score: 0, deviation: '未完成' }), 1, { score: 10 });
        expect(only(scoreEvaluation(form).findings, 'SCORE_OUT_OF_RANGE')).toEqual([]);
      });
    });

    describe('DEVIATION_ANALYSIS_MISSING', () => {
      it('reports each row that lost points without an analysis', () => {
        const form = withIndicator(withIndicator(standardForm(), 2, { score: 9 }), 5, { score: 8, target: '比较满意', actual: '比较满意' });
        const findings = only(scoreEvaluation(form).findings, 'DEVIATION_ANALYSIS_MISSING');
        expect(findings.map((finding) => finding.path)).toEqual(['indicators[2].deviation', 'indicators[5].deviation']);
        expect(findings[1]).toMatchObject({
          severity: 'error',
          message: '第 6 行指标“学员满意度”得分 8 低于分值 10，未填写偏差原因分析及改进措施',
        });
      });

      it('treats a whitespace-only analysis as blank', () => {
        const form = withIndicator(standardForm(), 2, { score: 9, deviation: ' \n ' });
        expect(only(scoreEvaluation(form).findings, 'DEVIATION_ANALYSIS_MISSING')).toHaveLength(1);
      });

      it('does not report a row with an analysis', () => {
        const form = withIndicator(standardForm(), 2, { score: 9, deviation: '时间计划性有待加强' });
        expect(scoreEvaluation(form).findings).toEqual([]);
      });

      it('does not report a row at full weight', () => {
        expect(only(scoreEvaluation(standardForm()).findings, 'DEVIATION_ANALYSIS_MISSING')).toEqual([]);
      });
    });

    describe('QUALITATIVE_SCORE_OUTSIDE_BAND', () => {
      it('reports a 达成年度指标 row scored below 80 % of its weight', () => {
        const form = withIndicator(standardForm(), 4, { score: 23.99, deviation: '有待加强' });
        expect(only(scoreEvaluation(form).findings, 'QUALITATIVE_SCORE_OUTSIDE_BAND')).toEqual([
          {
            code: 'QUALITATIVE_SCORE_OUTSIDE_BAND',
            severity: 'error',
            path: 'indicators[4].score',
            message: '第 5 行指标“社会影响”实际完成值为“达成年度指标”，得分应在 24 至 30 之间（分值 30 的 80%–100%），实得 23.99',
          },
        ]);
      });

      it('accepts both ends of the band', () => {
        for (const score of [24, 30]) {
          const form = withIndicator(standardForm(), 4, { score, deviation: '有待加强' });
          expect(only(scoreEvaluation(form).findings, 'QUALITATIVE_SCORE_OUTSIDE_BAND')).toEqual([]);
        }
      });

      it('holds 部分达成 to 60–80 %', () => {
        const inside = withIndicator(standardForm(), 4, { actual: '部分达成并具有一定效果', score: 18, deviation: '原因' });
        expect(only(scoreEvaluation(inside).findings, 'QUALITATIVE_SCORE_OUTSIDE_BAND')).toEqual([]);
        const above = withIndicator(standardForm(), 4, { actual: '部分达成年度指标', score: 25, deviation: '原因' });
        expect(only(scoreEvaluation(above).findings, 'QUALITATIVE_SCORE_OUTSIDE_BAND')).toHaveLength(1);
      });

      it('holds 未达成 to 0–60 %, even when the text also says 达成年度指标', () => {
        const inside = withIndicator(standardForm(), 4, { actual: '未达成年度指标', score: 18, deviation: '原因' });
        expect(only(scoreEvaluation(inside).findings, 'QUALITATIVE_SCORE_OUTSIDE_BAND')).toEqual([]);
        const above = withIndicator(standardForm(), 4, { actual: '未达成且效果较差', score: 20, deviation: '原因' });
        expect(only(scoreEvaluation(above).findings, 'QUALITATIVE_SCORE_OUTSIDE_BAND')).toHaveLength(1);
      });

      it('does not check a qualitative row whose actual names no band', () => {
        const form = withIndicator(standardForm(), 4, { actual: '基本达到年度指标', score: 5, deviation: '原因' });
        expect(scoreEvaluation(form).findings).toEqual([]);
      });

      it('does not check quantitative rows', () => {
        const form = withIndicator(standardForm(), 0, { target: '10次', actual: '10次', name: '达成年度指标', score: 10, deviation: '原因' });
        expect(only(scoreEvaluation(form).findings, 'QUALITATIVE_SCORE_OUTSIDE_BAND')).toEqual([]);
      });
    });

    describe('DECLARED_TOTAL_MISMATCH', () => {
      it('reports a declared 总分 and a summary 自评得分 that differ from the computed total', () => {
        const form = { ...standardForm(), declared: { total: 90, summarySelfScore: 95 } };
        const findings = only(scoreEvaluation(form).findings, 'DECLARED_TOTAL_MISMATCH');
        expect(findings).toEqual([
          { code: 'DECLARED_TOTAL_MISMATCH', severity: 'warning', path: 'declared.total', message: '申报的总分 90 与计算总分 100 不一致' },
          {
            code: 'DECLARED_TOTAL_MISMATCH',
            severity: 'warning',
            path: 'declared.summarySelfScore',
            message: '申报的明细表自评得分 95 与计算总分 100 不一致',
          },
        ]);
      });

      it('does not report matching figures', () => {
        const form = { ...standardForm(), declared: { total: 100, summarySelfScore: 100.0 } };
        expect(scoreEvaluation(form).findings).toEqual([]);
      });

      it('does not compare when the total cannot be computed', () => {
        const form = {
          ...standardForm(),
          funds: { ...standardForm().funds, total: { initialBudget: '100', fullYearBudget: '100', executed: null } },
          declared: { total: 50 },
        };
        expect(only(scoreEvaluation(form).findings, 'DECLARED_TOTAL_MISMATCH')).toEqual([]);
      });
    });

    describe('DECLARED_RATE_MISMATCH', () => {
      const form30 = (executionRate: string | null): EvaluationForm => ({
        ...standardForm(),
        funds: {
          total: { initialBudget: '30', fullYearBudget: '30', executed: '4.961698' },
          currentYear: { initialBudget: '30', fullYearBudget: '30', executed: '4.961698' },
          carryOver: null,
          other: null,
        },
        declared: { executionRate, budgetScore: 1.65 },
      });

      it('reports a declared rate that differs at 2 decimals of percent', () => {
        expect(only(scoreEvaluation(form30('16.47%')).findings, 'DECLARED_RATE_MISMATCH')).toEqual([
          {
            code: 'DECLARED_RATE_MISMATCH',
            severity: 'warning',
            path: 'declared.executionRate',
            message: '申报的执行率 16.47% 与计算执行率 16.54% 不一致',
          },
        ]);
      });

      it('reports a declared rate that is not a percentage', () => {
        expect(codesOf(scoreEvaluation(form30('0.1654')).findings)).toEqual(['DECLARED_RATE_MISMATCH declared.executionRate']);
      });

      it.each(['16.54%', '16.54 %', '１６．５４％', '16.539%'])('does not report %j', (rate) => {
        expect(scoreEvaluation(form30(rate)).findings).toEqual([]);
      });

      it('does not report a blank declared rate', () => {
        expect(scoreEvaluation(form30(null)).findings).toEqual([]);
        expect(scoreEvaluation(form30('')).findings).toEqual([]);
      });
    });

    describe('DECLARED_BUDGET_SCORE_MISMATCH', () => {
      it('reports a declared budget 得分 that differs from the computed one', () => {
        const form = { ...standardForm(), declared: { budgetScore: 9.5 } };
        expect(only(scoreEvaluation(form).findings, 'DECLARED_BUDGET_SCORE_MISMATCH')).toEqual([
          {
            code: 'DECLARED_BUDGET_SCORE_MISMATCH',
            severity: 'warning',
            path: 'declared.budgetScore',
            message: '申报的预算执行得分 9.5 与计算得分 10 不一致',
          },
        ]);
      });

      it('does not report a matching one', () => {
        expect(scoreEvaluation({ ...standardForm(), declared: { budgetScore: 10 } }).findings).toEqual([]);
      });
    });

    describe('FUNDING_SOURCES_MISMATCH', () => {
      it('reports each column where the total differs from the sum of the sources', () => {
        const form = {
          ...standardForm(),
          funds: {
            total: { initialBudget: '30', fullYearBudget: '30', executed: '4.961698' },
            currentYear: { initialBudget: '27', fullYearBudget: '27', executed: '4.961698' },
            carryOver: { initialBudget: null, fullYearBudget: null, executed: null },
            other: null,
          },
        };
        const findings = only(scoreEvaluation(form).findings, 'FUNDING_SOURCES_MISMATCH');
        expect(findings.map((finding) => finding.path)).toEqual(['funds.total.initialBudget', 'funds.total.fullYearBudget']);
        expect(findings[1]).toMatchObject({
          severity: 'warning',
          message: '年度资金总额的全年预算数 30 万元不等于当年财政拨款、上年结转资金、其他资金之和 27 万元',
        });
      });

      it('adds six-decimal sources exactly and counts blanks as 0', () => {
        const form = {
          ...standardForm(),
          funds: {
            total: { initialBudget: '84.61', fullYearBudget: '84.61', executed: '46.107788' },
            currentYear: { initialBudget: '80.1', fullYearBudget: '80.1', executed: '40.1' },
            carryOver: { initialBudget: '4.51', fullYearBudget: '4.51', executed: '6.007788' },
            other: { initialBudget: '0', fullYearBudget: '0', executed: null },
          },
        };
        expect(only(scoreEvaluation(form).findings, 'FUNDING_SOURCES_MISMATCH')).toEqual([]);
      });

      it('does not compare when no source row is filled', () => {
        const blank = { initialBudget: null, fullYearBudget: null, executed: null };
        const form = { ...standardForm(), funds: { ...standardForm().funds, currentYear: blank, carryOver: null, other: blank } };
        expect(scoreEvaluation(form).findings).toEqual([]);
      });

      it('does not report sources that add up', () => {
        expect(only(scoreEvaluation(standardForm()).findings, 'FUNDING_SOURCES_MISMATCH')).toEqual([]);
      });
    });

    describe('OVER_EXECUTION', () => {
      it('reports each funds row executed beyond its full-year budget', () => {
        const form = {
          ...standardForm(),
          funds: {
            ...standardForm().funds,
            total: { initialBudget: '100', fullYearBudget: '100', executed: '100.000001' },
            currentYear: { initialBudget: '100', fullYearBudget: '100', executed: '100.000001' },
          },
        };
        const findings = only(scoreEvaluation(form).findings, 'OVER_EXECUTION');
        expect(findings.map((finding) => finding.path)).toEqual(['funds.total.executed', 'funds.currentYear.executed']);
        expect(findings[0]).toMatchObject({
          severity: 'warning',
          message: '年度资金总额的全年执行数 100.000001 万元超过全年预算数 100 万元',
        });
      });

      it('does not report execution equal to the budget', () => {
        expect(only(scoreEvaluation(standardForm()).findings, 'OVER_EXECUTION')).toEqual([]);
      });
    });

    describe('OVER_ACHIEVEMENT', () => {
      it('reports a positive actual at 120 % of its target without analysis', () => {
        const form = withIndicator(standardForm(), 0, { target: '10次', actual: '12次' });
        expect(only(scoreEvaluation(form).findings, 'OVER_ACHIEVEMENT')).toEqual([
          {
            code: 'OVER_ACHIEVEMENT',
            severity: 'warning',
            path: 'indicators[0].deviation',
            message: '第 1 行指标“培训场次”实际完成值 12 达到年度指标值 10 的 120% 以上，需说明指标值是否设定过低',
          },
        ]);
      });

      it('does not report below 120 %', () => {
        const form = withIndicator(standardForm(), 0, { target: '10次', actual: '11.99次' });
        expect(scoreEvaluation(form).findings).toEqual([]);
      });

      it('does not report when the deviation explains it', () => {
        const form = withIndicator(standardForm(), 0, { target: '10次', actual: '15次', deviation: '需求超预期，明年调高指标' });
        expect(scoreEvaluation(form).findings).toEqual([]);
      });

      it('does not report reverse or qualitative rows', () => {
        const reverse = withIndicator(standardForm(), 3, { target: '10万元', actual: '2万元' });
        const qualitative = withIndicator(standardForm(), 2, { target: '1次', actual: '学术论坛开了5次' });
        expect(scoreEvaluation(reverse).findings).toEqual([]);
        expect(scoreEvaluation(qualitative).findings).toEqual([]);
      });
    });

    describe('SCORE_ABOVE_RULE', () => {
      it('reports a quantitative self-score above what the rule gives', () => {
        const form = withIndicator(standardForm(), 0, { target: '5次', actual: '4次', weight: 20, score: 16.5, deviation: '疫情' });
        expect(only(scoreEvaluation(form).findings, 'SCORE_ABOVE_RULE')).toEqual([
          {
            code: 'SCORE_ABOVE_RULE',
            severity: 'warning',
            path: 'indicators[0].score',
            message: '第 1 行指标“培训场次”按评分规则应得 16（年度指标值 5，实际完成值 4），自评得分 16.5 偏高',
          },
        ]);
      });

      it('compares with the rule score rounded to 2 decimals', () => {
        const at = (score: number) => withIndicator(standardForm(), 0, { target: '3次', actual: '2次', weight: 10, score, deviation: '疫情' });
        expect(only(scoreEvaluation(at(6.67)).findings, 'SCORE_ABOVE_RULE')).toEqual([]);
        expect(only(scoreEvaluation(at(6.68)).findings, 'SCORE_ABOVE_RULE')).toHaveLength(1);
      });

      it('reports a reverse row scored above weight × target ÷ actual', () => {
        const form = withIndicator(standardForm(), 3, { target: '100万元', actual: '125万元', score: 9, deviation: '超支' });
        expect(codesOf(scoreEvaluation(form).findings)).toEqual(['SCORE_ABOVE_RULE indicators[3].score']);
      });

      it('does not report a self-score at or below the rule', () => {
        const form = withIndicator(standardForm(), 0, { target: '5次', actual: '4次', weight: 20, score: 15, deviation: '疫情' });
        expect(scoreEvaluation(form).findings).toEqual([]);
      });

      it('does not judge qualitative rows', () => {
        const form = withIndicator(standardForm(), 2, { target: '1次', actual: '筹备中', score: 9, deviation: '疫情' });
        expect(scoreEvaluation(form).findings).toEqual([]);
      });
    });

    describe('LEVEL1_WEIGHTS_NONSTANDARD', () => {
      it('reports a split other than 50 / 30 / 10 as info', () => {
        const form = withIndicator(withIndicator(standardForm(), 0, { weight: 25, score: 25 }), 4, { weight: 25, score: 25 });
        expect(only(scoreEvaluation(form).findings, 'LEVEL1_WEIGHTS_NONSTANDARD')).toEqual([
          {
            code: 'LEVEL1_WEIGHTS_NONSTANDARD',
            severity: 'info',
            path: 'indicators',
            message: '一级指标分值为产出指标 55、效益指标 25、满意度指标 10，标准分配为产出指标 50、效益指标 30、满意度指标 10',
          },
        ]);
      });

      it('matches level-1 names loosely across line breaks', () => {
        const form = withIndicator(withIndicator(standardForm(), 4, { level1: '效益\n指标' }), 5, { level1: ' 满意度\n指标 ' });
        expect(scoreEvaluation(form).findings).toEqual([]);
      });

      it('reports weights under an unknown level-1', () => {
        const form = withIndicator(standardForm(), 5, { level1: '其他指标' });
        expect(only(scoreEvaluation(form).findings, 'LEVEL1_WEIGHTS_NONSTANDARD')[0]?.message).toBe(
          '一级指标分值为产出指标 50、效益指标 30、满意度指标 0、其他指标 10，标准分配为产出指标 50、效益指标 30、满意度指标 10',
        );
      });

      it('does not report the standard split', () => {
        expect(only(scoreEvaluation(standardForm()).findings, 'LEVEL1_WEIGHTS_NONSTANDARD')).toEqual([]);
      });
    });
  });
});

describe('hasBlockingFindings', () => {
  it('blocks on an error', () => {
    expect(hasBlockingFindings(scoreEvaluation({ ...standardForm(), projectName: '' }).findings)).toBe(true);
  });

  it('does not block on warnings and info', () => {
    const form = withIndicator(withIndicator(standardForm(), 0, { weight: 25, score: 25 }), 4, { weight: 25, score: 25 });
    const findings = scoreEvaluation({ ...form, declared: { total: 1 } }).findings;
    expect(findings.map((finding) => finding.severity).sort()).toEqual(['info', 'warning']);
    expect(hasBlockingFindings(findings)).toBe(false);
  });

  it('does not block without findings', () => {
    expect(hasBlockingFindings([])).toBe(false);
  });
});

describe('ruleSetById', () => {
  it('finds the national 2020 rule set', () => {
    expect(ruleSetById('national-2020')).toBe(NATIONAL_2020);
    expect(ruleSets.get('national-2020')).toBe(NATIONAL_2020);
  });

  it('rejects an unknown id', () => {
    expect(() => ruleSetById('beijing-2099')).toThrow(UnknownRuleSetError);
  });

  it('keeps the rule data immutable', () => {
    expect(Object.isFrozen(NATIONAL_2020)).toBe(true);
    expect(Object.isFrozen(NATIONAL_2020.qualitativeBands[0])).toBe(true);
  });
});

/**
 * Expected results worked out by hand from DOMAIN.md and the seed, not from this implementation.
 * Every seed form declares budget 分值 10, so the weight check is 10 + Σ indicator weights.
 */
describe('scoreEvaluation on the 2021 seed forms', () => {
  interface Expected {
    form: EvaluationForm;
    scores: { executionRate: number; budgetScore: number; indicatorScore: number; total: number; grade: string };
    findings: string[];
  }

  const cases: Array<[string, Expected]> = [
    [
      '1 青少年迷你冬奥会项目',
      {
        form: SEED_FORM_1_WINTER_OLYMPICS,
        // rate 90 / 90 = 100.00 %; budget 10 × 1 = 10
        // weights 5+5+10+10+10+5+10+10+10+10+5+5+5 = 100 → 10 + 100 = 110 ≠ 100
        // scores 4+4+10+9+9+4+10+9+10+9+4+5+5 = 92 → total 10 + 92 = 102 (优); paper says 92 (budget left out)
        // every row below weight has an analysis; 成本 90 vs 30 is reverse → 10 = self-score
        // 组织力 "达成年度指标…" 9 ∈ [8, 10]; level-1 产出 55 / 效益 30 / 满意度 15
        scores: { executionRate: 100, budgetScore: 10, indicatorScore: 92, total: 102, grade: '优' },
        findings: [
          'WEIGHT_TOTAL_NOT_100 indicators',
          'DECLARED_TOTAL_MISMATCH declared.total',
          'DECLARED_TOTAL_MISMATCH declared.summarySelfScore',
          'LEVEL1_WEIGHTS_NONSTANDARD indicators',
        ],
      },
    ],
    [
      '2 新媒体运营服务项目',
      {
        form: SEED_FORM_2_NEW_MEDIA,
        // rate 30 / 30 = 100.00 %; budget 10
        // weights 5+5+10+10+10+5+10+10+10+10+5+5+5 = 100 → 110 ≠ 100
        // scores 5+5+10+10+10+4+10+9+10+9+4+5+5 = 96 → total 106 (优); paper 96
        // 6次 vs 6次 → 5 = self; 成本 30 vs 30 → 10 = self; 发布内容 "达成年度指标" 9 ∈ [8, 10]
        // level-1 55 / 30 / 15
        scores: { executionRate: 100, budgetScore: 10, indicatorScore: 96, total: 106, grade: '优' },
        findings: [
          'WEIGHT_TOTAL_NOT_100 indicators',
          'DECLARED_TOTAL_MISMATCH declared.total',
          'DECLARED_TOTAL_MISMATCH declared.summarySelfScore',
          'LEVEL1_WEIGHTS_NONSTANDARD indicators',
        ],
      },
    ],
    [
      '3 关心下一代工作委员会运行保障经费',
      {
        form: SEED_FORM_3_OPERATIONS,
        // rate 46.107788 / 84.61 = 0.544944… → 54.49 % (declared 54.49 % ✓); budget 5.449… → 5.45 (declared ✓)
        // weights 15+30+10+10+10+15 = 90 → 100 ✓
        // scores 8.3+27+9+10+9+13.5 = 76.8 → total 5.45 + 76.8 = 82.25 (良); paper 82.3 (= 76.8 + 5.5?)
        // all rows qualitative (targets are prose); rows 2, 3, 5, 6 lost points with no analysis
        // level-1 产出 15+30+10+10 = 65 / 效益 10 / 满意度 15; funds 84.61 = 84.61 + 0 + 0, 46.107788 = 46.107788
        scores: { executionRate: 54.49, budgetScore: 5.45, indicatorScore: 76.8, total: 82.25, grade: '良' },
        findings: [
          'DEVIATION_ANALYSIS_MISSING indicators[1].deviation',
          'DEVIATION_ANALYSIS_MISSING indicators[2].deviation',
          'DEVIATION_ANALYSIS_MISSING indicators[4].deviation',
          'DEVIATION_ANALYSIS_MISSING indicators[5].deviation',
          'DECLARED_TOTAL_MISMATCH declared.total',
          'DECLARED_TOTAL_MISMATCH declared.summarySelfScore',
          'LEVEL1_WEIGHTS_NONSTANDARD indicators',
        ],
      },
    ],
    [
      '4 首都关心下一代大讲堂',
      {
        form: SEED_FORM_4_LECTURE_HALL,
        // rate 32 / 35 = 0.914285… → 91.43 % ✓; budget 9.142857… → 9.14 ✓
        // weights 9+10+5+5+5+10+3+3+1.5+1+1+0.5+10+10+3+3+4 = 84 → 94 ≠ 100
        // scores 7.2+10+5+4+4+10+2+3+1+1+1+0.5+9+9+2+2+3 = 73.7 → total 9.14 + 73.7 = 82.84 (良) = paper ✓
        // 5次 vs 4次: 9 × 4/5 = 7.2 = self; 16 vs 16 → 10; 成本 rows reverse (carry-forward):
        //   10万元 vs 8万 → 3 ≥ 2; 8 vs 8 → 3; 1 vs 0.5 → 1.5 ≥ 1; 4 vs 4 → 1; 10万员 vs 10 → 1; 1.5 vs 1.5 → 0.5
        // no analysis where points were lost: rows 1, 4, 9, 14, 15, 16, 17
        // 宣讲内容 "达成年度指标…" 9 ∈ [8, 10]; level-1 产出 54 / 效益 20 / 满意度 10
        scores: { executionRate: 91.43, budgetScore: 9.14, indicatorScore: 73.7, total: 82.84, grade: '良' },
        findings: [
          'WEIGHT_TOTAL_NOT_100 indicators',
          'DEVIATION_ANALYSIS_MISSING indicators[0].deviation',
          'DEVIATION_ANALYSIS_MISSING indicators[3].deviation',
          'DEVIATION_ANALYSIS_MISSING indicators[8].deviation',
          'DEVIATION_ANALYSIS_MISSING indicators[13].deviation',
          'DEVIATION_ANALYSIS_MISSING indicators[14].deviation',
          'DEVIATION_ANALYSIS_MISSING indicators[15].deviation',
          'DEVIATION_ANALYSIS_MISSING indicators[16].deviation',
          'LEVEL1_WEIGHTS_NONSTANDARD indicators',
        ],
      },
    ],
    [
      '5 市关工委网站运维项目',
      {
        form: SEED_FORM_5_WEBSITE,
        // rate 100.00 %; budget 10
        // weights 5+5+10+10+10+5+10+10+10+10+5+5+5 = 100 → 110 ≠ 100
        // scores 5+5+10+10+10+5+10+10+10+9+4+4+4 = 96 → total 106 (优); paper 96
        // "每个工作日不少于1篇" is not one clear number → qualitative; 成本 30 vs 30 → 10
        // "达成年度指标" rows 10 ∈ [8, 10] and 9 ∈ [8, 10]; level-1 55 / 30 / 15
        scores: { executionRate: 100, budgetScore: 10, indicatorScore: 96, total: 106, grade: '优' },
        findings: [
          'WEIGHT_TOTAL_NOT_100 indicators',
          'DECLARED_TOTAL_MISMATCH declared.total',
          'DECLARED_TOTAL_MISMATCH declared.summarySelfScore',
          'LEVEL1_WEIGHTS_NONSTANDARD indicators',
        ],
      },
    ],
    [
      '6 开展北京市家庭教育暨家校社共育服务',
      {
        form: SEED_FORM_6_FAMILY_EDUCATION,
        // rate 4.961698 / 30 = 0.165389… → 16.54 % (declared 16.47 %); budget 1.6539 → 1.65 (declared ✓)
        // weights 10+5+10+5+10+10+5+10+5+5+5+2+4+4 = 90 → 100 ✓
        // scores 10+3+10+3+10+8+4+10+4+5+4+2+3+3 = 79 → total 1.65 + 79 = 80.65 (良) = paper ✓
        // every row below weight has an analysis; 8次 vs 8次 → 10; 成本 30万 vs 16.47% not comparable
        // "达成年度指标" rows 10/10, 10/10, 10/10, 5/5 all in band
        // funds: 30 ≠ 27 in 年初预算数 and 全年预算数; 4.961698 = 4.961698
        // level-1 产出 55 / 效益 25 / 满意度 10
        scores: { executionRate: 16.54, budgetScore: 1.65, indicatorScore: 79, total: 80.65, grade: '良' },
        findings: [
          'FUNDING_SOURCES_MISMATCH funds.total.initialBudget',
          'FUNDING_SOURCES_MISMATCH funds.total.fullYearBudget',
          'DECLARED_RATE_MISMATCH declared.executionRate',
          'LEVEL1_WEIGHTS_NONSTANDARD indicators',
        ],
      },
    ],
    [
      '7 北京市关心下一代工作宣传推广',
      {
        form: SEED_FORM_7_PUBLICITY,
        // rate 100.00 %; budget 10
        // weights 5+5+10+10+10+5+10+10+10+10+5+5+5 = 100 → 110 ≠ 100
        // scores 5+5+10+10+10+5+10+10+9+9+4+5+5 = 97 → total 107 (优); paper 97
        // 5次/5次, 10次/10次 → full; 成本 "10+5+20=35" has several numbers → qualitative
        // "达成年度指标" rows 10/10 ×4, 9/10 ×2 in band; level-1 55 / 30 / 15
        scores: { executionRate: 100, budgetScore: 10, indicatorScore: 97, total: 107, grade: '优' },
        findings: [
          'WEIGHT_TOTAL_NOT_100 indicators',
          'DECLARED_TOTAL_MISMATCH declared.total',
          'DECLARED_TOTAL_MISMATCH declared.summarySelfScore',
          'LEVEL1_WEIGHTS_NONSTANDARD indicators',
        ],
      },
    ],
  ];

  it.each(cases)('scores form %s', (_name, expected) => {
    const { scores, findings } = scoreEvaluation(expected.form);
    expect(scores).toEqual(expected.scores);
    expect(codesOf(findings)).toEqual([...expected.findings].sort());
  });

  it('covers all seven forms with unit-gwc', () => {
    expect(cases.map(([, expected]) => expected.form)).toEqual([...SEED_FORMS]);
    expect(SEED_FORMS.every((form) => form.unitId === 'unit-gwc')).toBe(true);
  });

  it('reads the seed quantities as the rules expect', () => {
    const lecture = scoreEvaluation(SEED_FORM_4_LECTURE_HALL).indicators;
    expect(lecture.slice(0, 2).map((row) => [row.kind, row.ruleScore])).toEqual([
      ['positive', 7.2],
      ['positive', 10],
    ]);
    expect(lecture.slice(6, 12).map((row) => [row.kind, row.ruleScore, row.ratio])).toEqual([
      ['reverse', 3, 0.8],
      ['reverse', 3, 1],
      ['reverse', 1.5, 0.5],
      ['reverse', 1, 1],
      ['reverse', 1, 1],
      ['reverse', 0.5, 1],
    ]);
    expect(lecture[12]).toMatchObject({ kind: 'qualitative', level1: '效益指标', level2: '社会效益指标' });
    const family = scoreEvaluation(SEED_FORM_6_FAMILY_EDUCATION).indicators;
    expect(family[6]).toMatchObject({ kind: 'qualitative', level2: '成本指标' });
    expect(scoreEvaluation(SEED_FORM_3_OPERATIONS).indicators.every((row) => row.kind === 'qualitative')).toBe(true);
  });

  it('names the row and the figures in its messages', () => {
    const finding = only(scoreEvaluation(SEED_FORM_4_LECTURE_HALL).findings, 'DEVIATION_ANALYSIS_MISSING')[0];
    expect(finding?.message).toBe('第 1 行指标“指标1：讲题策划、推进会”得分 7.2 低于分值 9，未填写偏差原因分析及改进措施');
    const rate = only(scoreEvaluation(SEED_FORM_6_FAMILY_EDUCATION).findings, 'DECLARED_RATE_MISMATCH')[0];
    expect(rate?.message).toBe('申报的执行率 16.47% 与计算执行率 16.54% 不一致');
  });
});

describe('ruleSetVersion', () => {
  it('names the rule set and changes when any of its data changes', async () => {
    const { NATIONAL_2020: rules, ruleSetVersion } = await import('./rule-set.js');
    expect(ruleSetVersion(rules)).toMatch(/^national-2020#[0-9a-f]{12}$/);
    expect(ruleSetVersion(rules)).toBe(ruleSetVersion(structuredClone(rules)));
    expect(ruleSetVersion({ ...rules, overAchievementRatio: 1.5 })).not.toBe(ruleSetVersion(rules));
  });
});
