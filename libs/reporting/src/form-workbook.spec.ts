import { describe, it, expect, beforeAll } from '@jest/globals';
import fs from 'node:fs';
import ExcelJS from 'exceljs';
import type { EvaluationForm } from '#perf-eval/evaluation';
import { parseSelfEvaluationText, scoreEvaluation } from '#perf-eval/evaluation';
import { FINDINGS_SHEET_NAME, FORM_SHEET_NAME, formWorkbook, indicatorSpans, locationOf } from './form-workbook.js';

const SEED = fs.readFileSync(new URL('../../../samples/beijing-gwc-2021-self-evaluations.txt', import.meta.url), 'utf8');
const PARSED = parseSelfEvaluationText(SEED);
const UNIT_NAME = '北京市关心下一代工作委员会办公室';

function seedForm(index: number): EvaluationForm {
  return { ...PARSED.forms[index]!.form, unitId: 'unit-gwc' };
}

async function exportAndRead(form: EvaluationForm, status = 'Reviewed', revision = 2): Promise<ExcelJS.Workbook> {
  const scoring = scoreEvaluation(form);
  const buffer = await formWorkbook({ form, scores: scoring.scores, findings: scoring.findings, status, revision, unitName: UNIT_NAME });
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load(buffer as unknown as ExcelJS.Buffer);
  return workbook;
}

function sheetOf(workbook: ExcelJS.Workbook, name: string): ExcelJS.Worksheet {
  const sheet = workbook.getWorksheet(name);
  if (!sheet) throw new Error(`no sheet ${name}`);
  return sheet;
}

describe('formWorkbook of seed form 3 (运行保障经费, executed 46.107788 万元)', () => {
  const form = seedForm(2);
  const scoring = scoreEvaluation(form);
  let workbook: ExcelJS.Workbook;
  let sheet: ExcelJS.Worksheet;

  beforeAll(async () => {
    workbook = await exportAndRead(form);
    sheet = sheetOf(workbook, FORM_SHEET_NAME);
  });

  it('has the form sheet first and the findings sheet second', () => {
    expect(workbook.worksheets.map((s) => s.name)).toEqual(['项目支出绩效自评表', '审核发现']);
  });

  it('titles the form and its year over the full width', () => {
    expect(sheet.getCell('A1').value).toBe('项目支出绩效自评表');
    expect(sheet.getCell('A2').value).toBe('（2021年度）');
    expect(sheet.model.merges).toEqual(expect.arrayContaining(['A1:I1', 'A2:I2']));
  });

  it('fills the header block with label and value cells like the paper', () => {
    expect(sheet.getCell('A3').value).toBe('项目名称');
    expect(sheet.getCell('C3').value).toBe('关心下一代工作委员会运行保障经费');
    expect(sheet.getCell('F3').value).toBe('评价方式');
    expect(sheet.getCell('H3').value).toBe('单位自评');
    expect(sheet.getCell('A4').value).toBe('主管部门');
    expect(sheet.getCell('C4').value).toBe('中共北京市委老干部局');
    expect(sheet.getCell('F4').value).toBe('实施单位');
    expect(sheet.getCell('H4').value).toBe(UNIT_NAME);
    expect(sheet.getCell('A5').value).toBe('项目负责人');
    expect(sheet.getCell('C5').value).toBe('韩清峰');
    expect(sheet.getCell('F5').value).toBe('联系电话');
    expect(sheet.getCell('H5').value).toBe('64258007');
    expect(sheet.model.merges).toEqual(expect.arrayContaining(['A3:B3', 'C3:E3', 'F3:G3', 'H3:I3', 'C4:E4', 'F4:G4', 'H4:I4', 'C5:E5', 'H5:I5']));
  });

  it('writes the funds block with exact amounts, the budget weight, the computed rate and score', () => {
    expect(sheet.getCell('A6').value).toBe('项目资金（万元）');
    expect(sheet.model.merges).toContain('A6:B10');
    expect(['D6', 'E6', 'F6', 'G6', 'H6', 'I6'].map((a) => sheet.getCell(a).value)).toEqual([
      '年初预算数',
      '全年预算数',
      '全年执行数',
      '分值',
      '执行率',
      '得分',
    ]);
    expect(['C7', 'C8', 'C9', 'C10'].map((a) => sheet.getCell(a).value)).toEqual([
      '年度资金总额',
      '其中：当年财政拨款',
      '上年结转资金',
      '其他资金',
    ]);
    expect(['D7', 'E7', 'F7'].map((a) => sheet.getCell(a).value)).toEqual([84.61, 84.61, 46.107788]);
    expect(['D8', 'E8', 'F8'].map((a) => sheet.getCell(a).value)).toEqual([84.61, 84.61, 46.107788]);
    expect(['D9', 'E9', 'F9'].map((a) => sheet.getCell(a).value)).toEqual([0, 0, null]);
    expect(['D10', 'E10', 'F10'].map((a) => sheet.getCell(a).value)).toEqual([0, 0, null]);
    expect(sheet.getCell('F7').numFmt).toBe('0.00####');
    expect(sheet.getCell('G7').value).toBe(10);
    expect(sheet.getCell('H7').value).toBe(0.5449);
    expect(sheet.getCell('H7').numFmt).toBe('0.00%');
    expect(sheet.getCell('I7').value).toBe(5.45);
    expect(sheet.getCell('I7').value).toBe(scoring.scores.budgetScore);
    // rate and score belong to the total row only
    for (const r of [8, 9, 10]) {
      expect(sheet.getCell(`H${r}`).value).toBeNull();
      expect(sheet.getCell(`I${r}`).value).toBe('—');
    }
  });

  it('writes the overall goals as wrapped text under 预期目标 and 实际完成情况', () => {
    expect(sheet.getCell('A11').value).toBe('年度总体目标');
    expect(sheet.getCell('C11').value).toBe('预期目标');
    expect(sheet.getCell('G11').value).toBe('实际完成情况');
    expect(sheet.getCell('C12').value).toBe(form.goals.expected);
    expect(sheet.getCell('G12').value).toBe(form.goals.actual);
    expect(sheet.getCell('C12').alignment?.wrapText).toBe(true);
    expect(sheet.model.merges).toEqual(expect.arrayContaining(['A11:B12', 'C12:F12', 'G12:I12']));
  });

  it('heads the indicator block like the paper', () => {
    expect(sheet.getCell('A13').value).toBe('绩效指标');
    const headers = ['B', 'C', 'D', 'E', 'F', 'G', 'H', 'I'].map((c) => sheet.getCell(`${c}13`).value);
    expect(headers).toEqual(['一级指标', '二级指标', '三级指标', '年度指标值', '实际完成值', '分值', '得分', '偏差原因分析及改进措施']);
  });

  it('writes every indicator row with its text exactly as stored and its weight and score as numbers', () => {
    form.indicators.forEach((indicator, index) => {
      const r = 14 + index;
      expect(sheet.getCell(`D${r}`).value).toBe(indicator.name);
      expect(sheet.getCell(`E${r}`).value).toBe(indicator.target);
      expect(sheet.getCell(`F${r}`).value).toBe(indicator.actual);
      expect(sheet.getCell(`G${r}`).value).toBe(indicator.weight);
      expect(sheet.getCell(`H${r}`).value).toBe(indicator.score);
      expect(sheet.getCell(`I${r}`).value).toBe(indicator.deviation === '' ? null : indicator.deviation);
      expect(sheet.getCell(`D${r}`).alignment?.wrapText).toBe(true);
    });
    expect(['G14', 'G15', 'G16', 'G17', 'G18', 'G19'].map((a) => sheet.getCell(a).value)).toEqual([15, 30, 10, 10, 10, 15]);
    expect(['H14', 'H15', 'H16', 'H17', 'H18', 'H19'].map((a) => sheet.getCell(a).value)).toEqual([8.3, 27, 9, 10, 9, 13.5]);
    expect(sheet.getCell('C18').value).toBe('社会效益\n指标');
    expect(sheet.getCell('B19').value).toBe('满意度\n指标');
    expect(sheet.getCell('C19').value).toBe('服务对象满意度标');
  });

  it('merges the 一级指标 cells of the output rows and keeps the blank one of the benefit row apart', () => {
    expect(sheet.model.merges).toContain('A13:A19');
    expect(sheet.model.merges).toContain('B14:B17');
    expect(sheet.getCell('B14').value).toBe('产出指标');
    expect(sheet.getCell('B18').isMerged).toBe(false);
    expect(sheet.getCell('B18').value).toBeNull();
    // every 二级指标 of form 3 differs: no merge in column C within the indicator rows
    expect(sheet.model.merges.filter((range) => /^C(1[4-9])/.test(range))).toEqual([]);
  });

  it('ends with 总分: 100 weights including the budget weight and the computed total', () => {
    expect(sheet.getCell('A20').value).toBe('总分');
    expect(sheet.model.merges).toContain('A20:F20');
    expect(sheet.getCell('G20').value).toBe(100);
    expect(sheet.getCell('H20').value).toBe(82.25);
    expect(sheet.getCell('H20').value).toBe(scoring.scores.total);
    expect(sheet.getCell('A21').value).toBe('等级：良　　状态：已审核　　版本：第 2 版');
  });

  it('borders the form, sets column widths and prints portrait A4 fitted to the page width', () => {
    expect(sheet.getCell('I20').border?.right?.style).toBe('thin');
    expect(sheet.getCell('B16').border?.left?.style).toBe('thin');
    expect(sheet.getColumn('D').width).toBeGreaterThan(sheet.getColumn('A').width!);
    expect(sheet.pageSetup).toMatchObject({ paperSize: 9, orientation: 'portrait', fitToPage: true, fitToWidth: 1, fitToHeight: 0 });
    expect(sheet.getRow(12).height).toBeGreaterThan(20);
  });

  it('lists the findings with Chinese severity, code, location and message', () => {
    const findings = sheetOf(workbook, FINDINGS_SHEET_NAME);
    expect(['A1', 'B1', 'C1', 'D1'].map((a) => findings.getCell(a).value)).toEqual(['严重程度', '代码', '位置', '说明']);
    expect(findings.rowCount).toBe(1 + scoring.findings.length);
    scoring.findings.forEach((finding, index) => {
      const row = findings.getRow(2 + index);
      expect(row.getCell(2).value).toBe(finding.code);
      expect(row.getCell(4).value).toBe(finding.message);
    });
    expect(findings.getCell('A2').value).toBe('错误');
    expect(findings.getCell('C2').value).toBe('绩效指标第 2 行·偏差原因分析及改进措施');
    const severities = scoring.findings.map((finding) => finding.severity);
    expect(findings.getCell(`A${2 + severities.indexOf('warning')}`).value).toBe('警告');
    expect(findings.getCell(`C${2 + severities.indexOf('warning')}`).value).toBe('申报数·总分');
    expect(findings.getCell(`A${2 + severities.indexOf('info')}`).value).toBe('提示');
  });
});

describe('formWorkbook of seed form 1 (blank continuation cells)', () => {
  it('merges 一级指标 and 二级指标 cells vertically where the paper leaves them blank', async () => {
    const sheet = sheetOf(await exportAndRead(seedForm(0)), FORM_SHEET_NAME);
    expect(sheet.model.merges).toEqual(
      expect.arrayContaining(['A13:A26', 'B14:B20', 'C14:C15', 'C16:C18', 'B21:B23', 'C21:C23', 'B24:B26', 'C24:C26']),
    );
    expect(sheet.getCell('C16').value).toBe('质量指标');
    expect(sheet.getCell('C19').isMerged).toBe(false);
    // form 1 really weighs its indicators 100 (10 + 100 = 110): the sheet shows the true sum, the findings flag it
    expect(sheet.getCell('G27').value).toBe(110);
  });
});

describe('formWorkbook of a draft without figures', () => {
  it('leaves amounts, rate, scores and total blank and shows the status in Chinese', async () => {
    const form: EvaluationForm = {
      ...seedForm(2),
      funds: { total: null, currentYear: null, carryOver: null, other: null },
      indicators: [],
    };
    const workbook = await exportAndRead(form, 'Draft', 1);
    const sheet = sheetOf(workbook, FORM_SHEET_NAME);
    expect(['D7', 'E7', 'F7', 'H7', 'I7'].map((a) => sheet.getCell(a).value)).toEqual([null, null, null, null, null]);
    expect(sheet.getCell('A14').value).toBe('总分');
    expect(sheet.getCell('G14').value).toBe(10);
    expect(sheet.getCell('H14').value).toBeNull();
    expect(sheet.getCell('A15').value).toBe('状态：草稿　　版本：第 1 版');
  });
});

describe('indicatorSpans', () => {
  const row = (level1: string, level2: string) => ({ level1, level2, name: 'x', target: '', actual: '', weight: 1, score: 1, deviation: '' });

  it('merges equal consecutive labels as well as blank ones', () => {
    const spans = indicatorSpans([row('产出指标', '数量指标'), row('产出指标', '数量指标'), row('产出指标', '质量指标'), row('效益指标', '质量指标')]);
    expect(spans.level1).toEqual([
      { start: 0, end: 2 },
      { start: 3, end: 3 },
    ]);
    // a 二级指标 group never crosses a 一级指标 group
    expect(spans.level2).toEqual([
      { start: 0, end: 1 },
      { start: 2, end: 2 },
      { start: 3, end: 3 },
    ]);
  });
});

describe('locationOf', () => {
  it('names a finding path in Chinese and keeps unknown paths as written', () => {
    expect(locationOf('projectName')).toBe('项目名称');
    expect(locationOf('funds.total.fullYearBudget')).toBe('项目资金·年度资金总额·全年预算数');
    expect(locationOf('funds.currentYear.executed')).toBe('项目资金·当年财政拨款·全年执行数');
    expect(locationOf('indicators')).toBe('绩效指标');
    expect(locationOf('indicators[0].score')).toBe('绩效指标第 1 行·得分');
    expect(locationOf('declared.executionRate')).toBe('申报数·执行率');
    expect(locationOf('something.else')).toBe('something.else');
  });
});
