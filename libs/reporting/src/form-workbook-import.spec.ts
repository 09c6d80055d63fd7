import { describe, expect, it } from '@jest/globals';
import fs from 'node:fs';
import ExcelJS from 'exceljs';
import type { EvaluationForm } from '#perf-eval/evaluation';
import { parseSelfEvaluationText, parseSelfEvaluationTables, openDocument, scoreEvaluation } from '#perf-eval/evaluation';
import { formWorkbook } from './form-workbook.js';

const SEED = fs.readFileSync(new URL('../../../samples/beijing-gwc-2021-self-evaluations.txt', import.meta.url), 'utf8');
const PARSED = parseSelfEvaluationText(SEED);
const UNIT_NAME = '北京市关心下一代工作委员会办公室';
const MAX_UNPACKED_BYTES = 64 * 1024 * 1024;

async function exported(form: EvaluationForm): Promise<Buffer> {
  const { scores, findings } = scoreEvaluation(form);
  return formWorkbook({ form, scores, findings, status: 'Published', revision: 1, unitName: UNIT_NAME });
}

/** The form as a person enters it: everything but the figures an import declared and the ids. */
function entered({ declared: _declared, unitId: _unit, cycleId: _cycle, ...form }: Partial<EvaluationForm>) {
  return form;
}

describe('form.xlsx read back by the import (export, then import gives back the same form)', () => {
  it.each(PARSED.forms.map((entry, index) => [index + 1, entry.form.projectName, index] as const))('seed form %i (%s), field by field', async (_n, _name, index) => {
    const form: EvaluationForm = { ...PARSED.forms[index]!.form, unitId: 'unit-gwc' };
    const opened = await openDocument(await exported(form), MAX_UNPACKED_BYTES);
    expect(opened.format).toBe('xlsx');
    const parsed = parseSelfEvaluationTables(opened.blocks, { fileName: 'form.xlsx' });
    expect(parsed.summary).toBeNull();
    expect(parsed.forms).toHaveLength(1);
    expect(parsed.forms[0]!.implementingUnit).toBe(UNIT_NAME);
    expect(parsed.forms[0]!.fiscalYear).toBe(2021);
    expect(entered(parsed.forms[0]!.form)).toEqual(entered(form));
    // What the sheet declared is what the system computed: the same scores, no new disagreement.
    const again = scoreEvaluation({ ...parsed.forms[0]!.form, unitId: 'unit-gwc' });
    expect(again.scores).toEqual(scoreEvaluation(form).scores);
  });

  it('keeps an evaluation method other than 单位自评', async () => {
    const form: EvaluationForm = { ...PARSED.forms[1]!.form, unitId: 'u', evaluationMethod: '部门评价' };
    const parsed = parseSelfEvaluationTables((await openDocument(await exported(form), MAX_UNPACKED_BYTES)).blocks);
    expect(parsed.forms[0]!.form.evaluationMethod).toBe('部门评价');
  });

  it('reads a 一级指标 label repeated on every row of its group as the paper shows it: once, merged down the group', async () => {
    const base = PARSED.forms[1]!.form;
    let level1 = '';
    const repeated = base.indicators.map((row) => ({ ...row, level1: (level1 = row.level1 || level1) }));
    const form: EvaluationForm = { ...base, unitId: 'u', indicators: repeated, declared: null };
    const parsed = parseSelfEvaluationTables((await openDocument(await exported(form), MAX_UNPACKED_BYTES)).blocks).forms[0]!.form;
    expect(parsed.indicators.map((row) => row.level1)).toEqual(base.indicators.map((row) => row.level1));
    const again = scoreEvaluation({ ...parsed, unitId: 'u' });
    const before = scoreEvaluation(form);
    expect(again.scores).toEqual(before.scores);
    expect(again.findings.map((f) => f.code).sort()).toEqual(before.findings.map((f) => f.code).sort());
  });

  it('reads several form sheets and an optional 明细表 sheet in one workbook, skipping the findings sheets', async () => {
    const book = new ExcelJS.Workbook();
    for (const index of [0, 2]) {
      const single = new ExcelJS.Workbook();
      await single.xlsx.load((await exported({ ...PARSED.forms[index]!.form, unitId: 'u' })) as unknown as ExcelJS.Buffer);
      const source = single.worksheets[0]!;
      const copy = book.addWorksheet(`表${index + 1}`);
      source.eachRow({ includeEmpty: true }, (row, r) => row.eachCell({ includeEmpty: true }, (cell, c) => (copy.getCell(r, c).value = cell.value)));
      for (const range of source.model.merges) copy.mergeCells(range);
      source.eachRow((row, r) => row.eachCell((cell, c) => (copy.getCell(r, c).numFmt = cell.numFmt)));
    }
    const summary = book.addWorksheet('明细表');
    summary.addRows([
      [`${UNIT_NAME}项目绩效评价明细表`],
      ['序号', '项目名称', '项目预算（万元）', '评价方式', '自评得分', '计算得分'],
      [1, '青少年迷你冬奥会项目', 90, '单位自评', 92, 102],
      [3, '关心下一代工作委员会运行保障经费', 84.61, '单位自评', 82.3, 82.25],
      ['合计', null, 174.61],
    ]);
    summary.mergeCells('A1:F1');
    const parsed = parseSelfEvaluationTables((await openDocument(Buffer.from(await book.xlsx.writeBuffer()), MAX_UNPACKED_BYTES)).blocks);
    expect(parsed.forms.map((entry) => entry.form.projectName)).toEqual(['青少年迷你冬奥会项目', '关心下一代工作委员会运行保障经费']);
    expect(parsed.summary!.rows.map((row) => [row.seq, row.budget, row.selfScore])).toEqual([
      [1, '90', 92],
      [3, '84.61', 82.3],
    ]);
    expect(parsed.forms[1]!.form.declared).toMatchObject({ summarySeq: 3, summarySelfScore: 82.3, executionRate: '54.49%', budgetScore: 5.45 });
  });

  it('names the sheet and the cell of a figure that is not a number', async () => {
    const book = new ExcelJS.Workbook();
    await book.xlsx.load((await exported({ ...PARSED.forms[2]!.form, unitId: 'u' })) as unknown as ExcelJS.Buffer);
    book.worksheets[0]!.getCell('F7').value = '四十六';
    const blocks = (await openDocument(Buffer.from(await book.xlsx.writeBuffer()), MAX_UNPACKED_BYTES)).blocks;
    expect(() => parseSelfEvaluationTables(blocks, { fileName: 'x.xlsx' })).toThrow(
      'x.xlsx 第 1 张自评表（关心下一代工作委员会运行保障经费）工作表“项目支出绩效自评表”单元格 F7：“全年执行数”不是数字：“四十六”',
    );
  });
});
