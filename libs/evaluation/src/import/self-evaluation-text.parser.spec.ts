import { describe, it, expect } from '@jest/globals';
import fs from 'node:fs';
import {
  parseSelfEvaluationText,
  SelfEvaluationParseError,
  type ParsedSelfEvaluationFile,
} from './self-evaluation-text.parser.js';

const SEED = fs.readFileSync(
  new URL('../../../../samples/beijing-gwc-2021-self-evaluations.txt', import.meta.url),
  'utf8',
);

/** A copy of the seed with one 1-based line replaced (or removed with null). */
function seedWithLine(line: number, replacement: string | null): string {
  const lines = SEED.split('\n');
  if (replacement === null) lines.splice(line - 1, 1);
  else lines[line - 1] = replacement;
  return lines.join('\n');
}

function parseError(text: string, fileName?: string): SelfEvaluationParseError {
  try {
    parseSelfEvaluationText(text, { fileName });
  } catch (error) {
    if (error instanceof SelfEvaluationParseError) return error;
    throw error;
  }
  throw new Error('expected a SelfEvaluationParseError');
}

/** Sums weights or scores in hundredths so the expected totals are exact. */
function sum(values: Array<number | null>): number {
  return values.reduce<number>((acc, value) => acc + Math.round((value ?? 0) * 100), 0) / 100;
}

const UNIT = '北京市关心下一代工作委员会办公室';
const PROJECTS = [
  '青少年迷你冬奥会项目',
  '新媒体运营服务项目',
  '关心下一代工作委员会运行保障经费',
  '首都关心下一代大讲堂',
  '市关工委网站运维项目',
  '开展北京市家庭教育暨家校社共育服务',
  '北京市关心下一代工作宣传推广',
];

describe('parseSelfEvaluationText on the Beijing 2021 seed', () => {
  const parsed: ParsedSelfEvaluationFile = parseSelfEvaluationText(SEED);
  const forms = parsed.forms.map((entry) => entry.form);

  it('reads the summary table: unit, seven projects in order and the 合计', () => {
    const summary = parsed.summary!;
    expect(summary.unitName).toBe(UNIT);
    expect(summary.rows.map((row) => row.seq)).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(summary.rows.map((row) => row.projectName)).toEqual(PROJECTS);
    expect(summary.rows.map((row) => row.budget)).toEqual(['90', '30', '84.61', '35', '30', '30', '35']);
    expect(summary.rows.map((row) => row.evaluationMethod)).toEqual(Array(7).fill('单位自评'));
    expect(summary.rows.map((row) => row.selfScore)).toEqual([92, 96, 82.3, 82.84, 96, 80.65, 97]);
    expect(summary.rows.map((row) => row.line)).toEqual([19, 25, 31, 37, 43, 49, 55]);
    expect(summary.total).toBe('334.61');
  });

  it('finds the seven forms where their titles stand, all of fiscal year 2021', () => {
    expect(parsed.forms.map((entry) => entry.line)).toEqual([69, 301, 531, 691, 997, 1225, 1467]);
    expect(parsed.forms.map((entry) => entry.fiscalYear)).toEqual(Array(7).fill(2021));
    expect(forms.map((form) => form.fiscalYear)).toEqual(Array(7).fill(2021));
  });

  it('reads every header field, defaulting the method of a self-evaluation to 单位自评', () => {
    expect(forms.map((form) => form.projectName)).toEqual(PROJECTS);
    expect(forms.map((form) => form.competentDepartment)).toEqual(Array(7).fill('中共北京市委老干部局'));
    expect(parsed.forms.map((entry) => entry.implementingUnit)).toEqual(Array(7).fill(UNIT));
    expect(forms.map((form) => form.projectLead)).toEqual(Array(7).fill('韩清峰'));
    expect(forms.map((form) => form.contactPhone)).toEqual([
      '13501271919',
      '13501271919',
      '64258007',
      '63087291',
      '13501271919',
      '63087391',
      '13501271919',
    ]);
    expect(forms.map((form) => form.evaluationMethod)).toEqual(Array(7).fill('单位自评'));
    expect(forms.every((form) => !('unitId' in form))).toBe(true);
  });

  it('reads every funds figure exactly, and a row with no amounts as null', () => {
    const row = (initialBudget: string | null, fullYearBudget: string | null, executed: string | null) => ({
      initialBudget,
      fullYearBudget,
      executed,
    });
    expect(forms.map((form) => form.funds)).toEqual([
      { total: row('90', '90', '90'), currentYear: row('90', '90', '90'), carryOver: null, other: null },
      { total: row('30', '30', '30'), currentYear: row('30', '30', '30'), carryOver: null, other: null },
      {
        // "84.610000" is written with six decimals; the canonical amount drops the zeros.
        total: row('84.61', '84.61', '46.107788'),
        currentYear: row('84.61', '84.61', '46.107788'),
        carryOver: row('0', '0', null),
        other: row('0', '0', null),
      },
      { total: row('35', '35', '32'), currentYear: row('35', '35', '32'), carryOver: null, other: null },
      { total: row('30', '30', '30'), currentYear: row('30', '30', '30'), carryOver: null, other: null },
      { total: row('30', '30', '4.961698'), currentYear: row('27', '27', '4.961698'), carryOver: null, other: null },
      { total: row('35', '35', '35'), currentYear: row('35', '35', '35'), carryOver: null, other: null },
    ]);
  });

  it('keeps the declared figures of the funds block, the 总分 and the matching summary row', () => {
    expect(forms.map((form) => form.declared)).toEqual([
      { budgetWeight: 10, executionRate: '100%', budgetScore: 10, total: 92, summarySeq: 1, summaryBudget: '90', summarySelfScore: 92 },
      { budgetWeight: 10, executionRate: '100%', budgetScore: 10, total: 96, summarySeq: 2, summaryBudget: '30', summarySelfScore: 96 },
      { budgetWeight: 10, executionRate: '54.49%', budgetScore: 5.45, total: 82.3, summarySeq: 3, summaryBudget: '84.61', summarySelfScore: 82.3 },
      { budgetWeight: 10, executionRate: '91.43%', budgetScore: 9.14, total: 82.84, summarySeq: 4, summaryBudget: '35', summarySelfScore: 82.84 },
      { budgetWeight: 10, executionRate: '100%', budgetScore: 10, total: 96, summarySeq: 5, summaryBudget: '30', summarySelfScore: 96 },
      { budgetWeight: 10, executionRate: '16.47%', budgetScore: 1.65, total: 80.65, summarySeq: 6, summaryBudget: '30', summarySelfScore: 80.65 },
      { budgetWeight: 10, executionRate: '100%', budgetScore: 10, total: 97, summarySeq: 7, summaryBudget: '35', summarySelfScore: 97 },
    ]);
  });

  it('reads the goals as written, multi-line answers joined with line breaks', () => {
    const [first] = forms;
    expect(first!.goals.expected.startsWith('习近平总书记对办好2022年冬奥会提出了')).toBe(true);
    expect(first!.goals.actual.split('\n')).toHaveLength(3);
    expect(first!.goals.actual.split('\n')[2]).toBe(
      '此外，面向全市小学生开展青少年冬奥知识竞赛活动，为弘扬奥林匹克精神、传承奥林匹克运动注入新的活力，以H5竞赛的形式完成。通过电话通讯、线下交流对话中，了解学生、家长、五老对参与的真实感受，满意度超80%。',
    );
    expect(forms[2]!.goals).toEqual({
      expected: '举办全市培训班1次，举办信息员培训班1次，专题调研5次以上，参加全国会议等4次，建立评优机制。',
      actual: '举办全市培训班1次，举办信息员培训班1次，因为疫情原因，专题调研1次，参加全国会议等2次，未进行表彰。',
    });
    // Trailing spaces after the text are not part of it.
    expect(forms[4]!.goals.expected.endsWith('视频推送不少于12个/年。')).toBe(true);
    expect(forms[6]!.goals.actual.endsWith('\n截至目前，一起长大平台粉丝量约6.5万，平台运维年度总数超额完成全年宣传任务。')).toBe(true);
  });

  it('reads every indicator row of every form', () => {
    expect(forms.map((form) => form.indicators.length)).toEqual([13, 13, 6, 17, 13, 14, 13]);
  });

  it('reads the weight and score of every indicator row as written', () => {
    expect(forms.map((form) => form.indicators.map((row) => row.weight))).toEqual([
      [5, 5, 10, 10, 10, 5, 10, 10, 10, 10, 5, 5, 5],
      [5, 5, 10, 10, 10, 5, 10, 10, 10, 10, 5, 5, 5],
      [15, 30, 10, 10, 10, 15],
      [9, 10, 5, 5, 5, 10, 3, 3, 1.5, 1, 1, 0.5, 10, 10, 3, 3, 4],
      [5, 5, 10, 10, 10, 5, 10, 10, 10, 10, 5, 5, 5],
      [10, 5, 10, 5, 10, 10, 5, 10, 5, 5, 5, 2, 4, 4],
      [5, 5, 10, 10, 10, 5, 10, 10, 10, 10, 5, 5, 5],
    ]);
    expect(forms.map((form) => form.indicators.map((row) => row.score))).toEqual([
      [4, 4, 10, 9, 9, 4, 10, 9, 10, 9, 4, 5, 5],
      [5, 5, 10, 10, 10, 4, 10, 9, 10, 9, 4, 5, 5],
      [8.3, 27, 9, 10, 9, 13.5],
      [7.2, 10, 5, 4, 4, 10, 2, 3, 1, 1, 1, 0.5, 9, 9, 2, 2, 3],
      [5, 5, 10, 10, 10, 5, 10, 10, 10, 9, 4, 4, 4],
      [10, 3, 10, 3, 10, 8, 4, 10, 4, 5, 4, 2, 3, 3],
      [5, 5, 10, 10, 10, 5, 10, 10, 9, 9, 4, 5, 5],
    ]);
  });

  it('gives the weight and score totals counted by hand from the text', () => {
    // The seed is what units really filed: several forms do not add up to 100 or to their 总分,
    // and the parser must keep that for the scoring to report, not smooth it over.
    expect(forms.map((form) => sum(form.indicators.map((row) => row.weight)))).toEqual([100, 100, 90, 84, 100, 90, 100]);
    expect(forms.map((form) => sum(form.indicators.map((row) => row.score)))).toEqual([92, 96, 76.8, 73.7, 96, 79, 97]);
  });

  it('keeps a simple indicator row exactly as written', () => {
    expect(forms[1]!.indicators[0]).toEqual({
      level1: '产出指标',
      level2: '数量指标',
      name: '讲题策划、推进会',
      target: '6次',
      actual: '6次',
      weight: 5,
      score: 5,
      deviation: '',
    });
  });

  it('leaves level1 and level2 blank on continuation rows of a merged cell', () => {
    const rows = forms[0]!.indicators;
    expect(rows.map((row) => row.level1)).toEqual(['产出指标', '', '', '', '', '', '', '', '', '', '满意度\n指标', '', '']);
    expect(rows.map((row) => row.level2)).toEqual([
      '数量指标',
      '',
      '质量指标',
      '',
      '',
      '时效指标',
      '成本指标',
      '社会效益\n指标',
      '',
      '',
      '服务对象满意度标',
      '',
      '',
    ]);
    // The one form that writes 效益指标 at all.
    expect(forms[5]!.indicators[7]!.level1).toBe('效益指标');
  });

  it('reads a row whose merged cell holds blank lines without ending the row early', () => {
    expect(forms[0]!.indicators[5]).toEqual({
      level1: '',
      level2: '时效指标',
      name: '组织',
      target: '9月至次年1月',
      actual: '9月至次年3月',
      weight: 5,
      score: 4,
      deviation: '1.因疫情原因，活动更改为线上H5小游戏形式，导致延期2.时间计划性有待加强',
    });
    // 首都关心下一代大讲堂: the merged 一级指标 cell repeats its label after 27 line breaks.
    expect(forms[3]!.indicators[0]!.level1).toBe(`产出指标${'\n'.repeat(27)}产出指标`);
    expect(forms[3]!.indicators[0]!.level2).toBe('数量指标');
    expect(forms[3]!.indicators[0]!.name).toBe('指标1：讲题策划、推进会');
    expect(forms[3]!.indicators[12]).toMatchObject({ level1: '', level2: '社会效益\n指标', name: '指标1：宣讲报告人' });
  });

  it('keeps targets and actuals typed with units, typos and full-width digits as written', () => {
    const costs = forms[3]!.indicators.slice(6, 12);
    expect(costs.map((row) => [row.name, row.target, row.actual])).toEqual([
      ['指标1：场地', '10万元', '8万'],
      ['指标2：讲课', '8万元', '8万'],
      ['指标3：主持', '1万元', '0．5'],
      ['指标4：交通', '4万', '4万'],
      ['指标5：设备', '10万员', '10'],
      ['指标6：评估', '1.5万', '1.5万'],
    ]);
    expect(forms[6]!.indicators[6]!.target).toBe('10+5+20=35');
  });

  it('strips the Word bookmark marker from the cell it stands in', () => {
    expect(forms[2]!.indicators[1]!.target).toBe(
      '党史专家授课，组织工作得到200名与会者肯定完成调研报告；完善宣传工作机制',
    );
    expect(JSON.stringify(parsed)).not.toContain('bookmark');
  });

  it('trims only trailing whitespace (a stray tab, spaces) from a cell', () => {
    expect(forms[5]!.indicators[5]!.name).toBe('家校社共育');
    expect(forms[5]!.indicators[6]!.name).toBe(
      '公开课、课程大纲、论坛、家校社咨询室指导师培训和专家指导、读本编制论证会',
    );
    expect(forms[5]!.indicators[6]!.deviation).toBe(
      '有关论坛的费用、公开课讲课费和劳务费、专家咨询费、出版费未支出；大部分绩效支出未支出；尾款未拨付。',
    );
  });

  it('keeps the columns as the unit filled them even where the content sits one column off', () => {
    // 运行保障经费 writes the target under 三级指标, the actual under 年度指标值 and a rate under 实际完成值.
    expect(forms[2]!.indicators[0]).toMatchObject({
      name: '举办全市培训班1次，举办信息员培训班1次，专题调研5次以上，参加全国会议等4次，建立评优机制。',
      target: '举办全市培训班1次，举办信息员培训班1次，专题调研1次，参加全国会议等2次，',
      actual: '5.5%',
      weight: 15,
      score: 8.3,
    });
  });

  it('parses Windows line endings the same way', () => {
    expect(parseSelfEvaluationText(SEED.replace(/\n/g, '\r\n'))).toEqual(parsed);
  });
});

describe('parseSelfEvaluationText on altered copies of the seed', () => {
  it('rejects a garbled weight, naming the form, the project and the line', () => {
    const error = parseError(seedWithLine(185, '\t五'));
    expect(error.code).toBe('IMPORT_PARSE_ERROR');
    expect(error.line).toBe(185);
    expect(error.formIndex).toBe(0);
    expect(error.projectName).toBe('青少年迷你冬奥会项目');
    expect(error.message).toContain('第 1 张自评表（青少年迷你冬奥会项目）第 185 行：“分值”不是数字：“五”');
    expect(error.message).toContain('专题活动');
  });

  it('rejects a garbled score in a later form', () => {
    const error = parseError(seedWithLine(627, '\t8.3.1'));
    expect(error).toMatchObject({ line: 627, formIndex: 2, projectName: '关心下一代工作委员会运行保障经费' });
    expect(error.message).toContain('第 3 张自评表（关心下一代工作委员会运行保障经费）第 627 行：“得分”不是数字：“8.3.1”');
  });

  it('rejects a funds row that lost a cell, naming the row', () => {
    const error = parseError(seedWithLine(99, null));
    expect(error.code).toBe('IMPORT_PARSE_ERROR');
    expect(error.line).toBe(96);
    expect(error.formIndex).toBe(0);
    expect(error.message).toContain('第 1 张自评表（青少年迷你冬奥会项目）第 96 行：项目资金“年度资金总额”行应有 8 个单元格，实际 7 个');
  });

  it('rejects an indicator row with a cell too many', () => {
    const text = seedWithLine(187, '\t\n\t');
    const error = parseError(text);
    expect(error.line).toBe(179);
    expect(error.message).toContain('绩效指标第 3 行应有 9 个单元格，实际多于 9 个');
  });

  it('rejects an amount that is not a number, naming the column and the funds row', () => {
    const error = parseError(seedWithLine(563, '\t四十六'));
    expect(error).toMatchObject({ line: 563, formIndex: 2 });
    expect(error.message).toContain('第 563 行：“全年执行数”不是数字：“四十六”（项目资金“年度资金总额”行）');
  });

  it('rejects an amount finer than six decimals rather than rounding it', () => {
    const error = parseError(seedWithLine(563, '\t46.1077881'));
    expect(error.line).toBe(563);
    expect(error.message).toContain('“全年执行数”不是有效金额');
  });

  it('rejects a summary budget that is not a number, naming the summary table', () => {
    const error = parseError(seedWithLine(21, '\t九十'));
    expect(error).toMatchObject({ code: 'IMPORT_PARSE_ERROR', line: 21, formIndex: null, projectName: null });
    expect(error.message).toContain('项目绩效评价明细表第 21 行：“项目预算”不是数字：“九十”（青少年迷你冬奥会项目）');
  });

  it('names the uploaded file in the message', () => {
    const error = parseError(seedWithLine(185, '\t五'), '2021自评.txt');
    expect(error.fileName).toBe('2021自评.txt');
    expect(error.message.startsWith('2021自评.txt 第 1 张自评表')).toBe(true);
  });

  it('reads a blank weight or score as null, not as an error', () => {
    const parsed = parseSelfEvaluationText(seedWithLine(186, '\t'));
    expect(parsed.forms[0]!.form.indicators[2]).toMatchObject({ weight: 10, score: null });
  });

  it('reads numbers typed in full-width digits or with a unit', () => {
    let text = seedWithLine(185, '\t１０');
    text = text.split('\n').map((line, index) => (index === 185 ? '\t９．５分' : line)).join('\n');
    text = text.split('\n').map((line, index) => (index === 97 ? '\t90万元' : line)).join('\n');
    const form = parseSelfEvaluationText(text).forms[0]!.form;
    expect(form.indicators[2]).toMatchObject({ weight: 10, score: 9.5 });
    expect(form.funds.total!.initialBudget).toBe('90');
  });

  it('rejects a score with more than two decimals rather than rounding it', () => {
    const error = parseError(seedWithLine(186, '\t9.125'));
    expect(error.line).toBe(186);
    expect(error.message).toContain('“得分”最多两位小数');
  });

  it('takes the evaluation method the summary table or the header names', () => {
    const fromSummary = parseSelfEvaluationText(seedWithLine(22, '\t部门评价'));
    expect(fromSummary.forms[0]!.form.evaluationMethod).toBe('部门评价');
    expect(fromSummary.forms[1]!.form.evaluationMethod).toBe('单位自评');

    const fromHeader = parseSelfEvaluationText(seedWithLine(82, '\t13501271919\n\t评价方式\n\t财政评价'));
    expect(fromHeader.forms[0]!.form.evaluationMethod).toBe('财政评价');
    expect(fromHeader.forms[0]!.form.contactPhone).toBe('13501271919');
  });

  it('rejects an evaluation method outside the three known ones', () => {
    const error = parseError(seedWithLine(82, '\t13501271919\n\t评价方式\n\t自己评'));
    expect(error.formIndex).toBe(0);
    expect(error.message).toContain('“评价方式”应为');
  });

  it('reads a title with its year on the same line', () => {
    const parsed = parseSelfEvaluationText(seedWithLine(69, '项目支出绩效自评表（２０２２年度）').split('\n').filter((_, index) => index !== 69).join('\n'));
    expect(parsed.forms[0]).toMatchObject({ line: 69, fiscalYear: 2022 });
    expect(parsed.forms[1]!.fiscalYear).toBe(2021);
  });

  it('reads a file of forms without a summary table', () => {
    const formsOnly = SEED.split('\n').slice(68).join('\n');
    const parsed = parseSelfEvaluationText(formsOnly);
    expect(parsed.summary).toBeNull();
    expect(parsed.forms).toHaveLength(7);
    expect(parsed.forms[0]!.line).toBe(1);
    expect(parsed.forms[0]!.form.declared).toMatchObject({ total: 92, summarySeq: null, summaryBudget: null, summarySelfScore: null });
  });
});
