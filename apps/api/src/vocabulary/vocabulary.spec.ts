import { describe, expect, it } from '@jest/globals';
import { EVALUATION_STATUSES, FINDING_CODES, NATIONAL_2020 } from '#perf-eval/evaluation';
import { NOTIFICATION_KINDS } from '#perf-eval/notifications';
import { ROLES } from '#perf-eval/identity';
import { buildVocabulary, ruleSetVocabulary, vocabularyDocument } from './vocabulary.js';

const CHINESE = /^[^A-Za-z]+$/;

describe('the vocabulary', () => {
  it("serves the access tables the API checks, so the web app offers what the API allows", () => {
    const { access, unitScope } = buildVocabulary();
    expect(access['evaluation.edit']).toEqual({ drafter: 'own units' });
    expect(access['evaluation.approve']).toEqual({ reviewer: 'review step' });
    expect(access['reporting.board.read']).toEqual({ manager: 'all units', admin: 'all units' });
    expect(access['identity.users.list']).toEqual({ admin: 'all units' });
    expect(Object.keys(access['cycles.cycles.list']).sort()).toEqual([...ROLES].sort());
    expect(unitScope).toEqual({ drafter: 'own units', reviewer: 'own units', manager: 'all units', admin: 'all units' });
  });

  const v = buildVocabulary();

  it('labels every status, role, severity, event and notification kind the server knows, in Chinese', () => {
    expect(v.statuses).toEqual({ Draft: '草稿', Submitted: '已提交', Reviewed: '已审核', Published: '已公开' });
    expect(Object.keys(v.statuses)).toEqual([...EVALUATION_STATUSES]);
    expect(v.roles).toEqual({ drafter: '填报人', reviewer: '审核人', manager: '管理员', admin: '系统管理员' });
    expect(v.reviewSteps).toEqual({ unit: '单位审核', department: '主管部门审核' });
    expect(Object.keys(v.roles)).toEqual([...ROLES]);
    expect(v.severities).toEqual({ error: '错误', warning: '警告', info: '提示' });
    expect(v.submissionGap).toBe('待填写');
    expect(Object.keys(v.events).sort()).toEqual(
      [
        'EvaluationApproved',
        'EvaluationAttachmentAdded',
        'EvaluationAttachmentRemoved',
        'EvaluationCommentResolved',
        'EvaluationDiscarded',
        'EvaluationDrafted',
        'EvaluationEdited',
        'EvaluationImported',
        'EvaluationPublished',
        'EvaluationReopened',
        'EvaluationReturned',
        'EvaluationReviewClaimed',
        'EvaluationStepApproved',
        'EvaluationSubmitted',
        'EvaluationWithdrawn',
      ],
    );
    expect(v.events.EvaluationDrafted).toBe('创建草稿');
    expect(Object.keys(v.notificationKinds)).toEqual([...NOTIFICATION_KINDS]);
    expect(v.notificationKinds.reminder).toBe('提醒');
    for (const label of [...Object.values(v.statuses), ...Object.values(v.roles), ...Object.values(v.events), ...Object.values(v.notificationKinds)]) {
      expect(label).toMatch(CHINESE);
    }
  });

  it('lists the form fields as [key, label] pairs in the paper order', () => {
    expect(v.headerFields).toContainEqual(['projectName', '项目名称']);
    expect(v.fundsRows).toEqual([
      ['total', '年度资金总额'],
      ['currentYear', '当年财政拨款'],
      ['carryOver', '上年结转资金'],
      ['other', '其他资金'],
    ]);
    expect(v.fundsColumns).toEqual([
      ['initialBudget', '年初预算数'],
      ['fullYearBudget', '全年预算数'],
      ['executed', '全年执行数'],
    ]);
    expect(v.indicatorFields.map(([key]) => key)).toEqual(['level1', 'level2', 'name', 'target', 'actual', 'weight', 'score', 'deviation']);
    expect(v.indicatorFields[7]).toEqual(['deviation', '偏差原因分析及改进措施']);
    expect(v.evaluationMethods).toEqual(['单位自评', '部门评价', '财政评价']);
  });

  it('gives the rule data of national-2020 from the rule set itself', () => {
    expect(v.ruleSets['national-2020']).toEqual(ruleSetVocabulary(NATIONAL_2020));
    expect(v.ruleSets['national-2020']).toMatchObject({
      budgetWeight: '10',
      totalWeight: '100',
      level1: ['产出指标', '效益指标', '满意度指标'],
      level1Weights: { 产出指标: '50', 效益指标: '30', 满意度指标: '10' },
      level2: {
        产出指标: ['数量指标', '质量指标', '时效指标', '成本指标'],
        效益指标: ['经济效益指标', '社会效益指标', '生态效益指标', '可持续影响指标'],
        满意度指标: ['服务对象满意度指标'],
      },
      grades: [
        { grade: '优', min: 90 },
        { grade: '良', min: 80 },
        { grade: '中', min: 60 },
        { grade: '差', min: 0 },
      ],
    });
  });

  it('describes all 13 finding codes with their severity and a Chinese label', () => {
    expect(Object.keys(v.findingCodes)).toEqual(FINDING_CODES);
    expect(FINDING_CODES).toHaveLength(14);
    expect(v.findingCodes.DEVIATION_ANALYSIS_MISSING.severity).toBe('error');
    expect(v.findingCodes.OVER_EXECUTION.severity).toBe('warning');
    expect(v.findingCodes.LEVEL1_WEIGHTS_NONSTANDARD.severity).toBe('info');
    for (const { label } of Object.values(v.findingCodes)) expect(label).toMatch(/\p{Script=Han}/u);
  });

  it('serialises to the same bytes and ETag every time', () => {
    const a = vocabularyDocument();
    const b = vocabularyDocument();
    expect(a).toEqual(b);
    expect(JSON.parse(a.body)).toEqual(v);
    expect(a.etag).toMatch(/^"[\w-]{27}"$/);
  });
});
