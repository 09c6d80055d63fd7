/**
 * One 项目支出绩效自评表 as an .xlsx workbook laid out like the paper form (merged cells, the
 * funds block, the goals, the indicator table, 总分), plus a second sheet 审核发现 with the findings.
 * Pure: the form, its scores and findings in, the file's bytes out. Texts are written exactly as
 * stored; amounts and figures are numbers so that a spreadsheet can compute with them.
 */
import ExcelJS from 'exceljs';
import { A4, FONT, THIN } from './workbook-style.js';
import { Decimal } from 'decimal.js';
import {
  FUNDS_ROWS,
  type EvaluationForm,
  type FundsRow,
  type FundsRowKey,
  type IndicatorRow,
  FUNDS_COLUMN_LABELS,
  FUNDS_ROW_LABELS,
  INDICATOR_FIELD_LABELS,
  describeFormPath,
  NATIONAL_2020,
  level1Of,
  level1OfLevel2,
  normalizeLabel,
  type RuleSet,
} from '#perf-eval/evaluation';
import type { Finding, FindingSeverity, EvaluationScores } from '#perf-eval/evaluation';
import { statusLabel } from './summary-csv.js';

export const FORM_SHEET_NAME = '项目支出绩效自评表';
export const FINDINGS_SHEET_NAME = '审核发现';

export interface FormWorkbookInput {
  form: EvaluationForm;
  scores: EvaluationScores;
  findings: Finding[];
  status: string;
  revision: number;
  /** 实施单位: the unit the form belongs to (the form itself stores only its id). */
  unitName: string;
  /** Only for the budget weight (分值 of the funds block) and the grouping of blank 一级指标 cells; default national 2020. */
  ruleSet?: RuleSet;
}

export const SEVERITY_LABELS: Readonly<Record<FindingSeverity, string>> = {
  error: '错误',
  warning: '警告',
  info: '提示',
};

/** The funds block's rows as the paper labels them (当年财政拨款 is a part of the total: 其中：). */
const FUNDS_LAYOUT: ReadonlyArray<readonly [FundsRowKey, string]> = FUNDS_ROWS.map((key) => [
  key,
  key === 'currentYear' ? `其中：${FUNDS_ROW_LABELS[key]}` : FUNDS_ROW_LABELS[key],
]);

const INDICATOR_HEADERS = Object.values(INDICATOR_FIELD_LABELS);

// Columns A..I, as the paper's indicator table: 绩效指标 | 一级 | 二级 | 三级 | 指标值 | 完成值 | 分值 | 得分 | 偏差
const COLUMN_WIDTHS = [6, 10, 18, 26, 22, 22, 8, 9, 24];
const COLUMNS = COLUMN_WIDTHS.length;
const AMOUNT_FORMAT = '0.00####';
const SCORE_FORMAT = '0.00';
const RATE_FORMAT = '0.00%';
const FONT_SIZE = 10;
const LINE_HEIGHT = 13.5; // points per line of 10 pt text


export async function formWorkbook(input: FormWorkbookInput): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  const sheet = new FormSheet(workbook.addWorksheet(FORM_SHEET_NAME, sheetOptions('portrait')));
  sheet.write(input);
  writeFindings(workbook.addWorksheet(FINDINGS_SHEET_NAME, { ...sheetOptions('portrait'), views: [{ state: 'frozen', ySplit: 1 }] }), input.findings);
  return toBuffer(await workbook.xlsx.writeBuffer());
}

function sheetOptions(orientation: 'portrait' | 'landscape'): Partial<ExcelJS.AddWorksheetOptions> {
  return {
    pageSetup: {
      paperSize: A4,
      orientation,
      fitToPage: true,
      fitToWidth: 1,
      fitToHeight: 0,
      horizontalCentered: true,
      margins: { left: 0.5, right: 0.5, top: 0.6, bottom: 0.6, header: 0.3, footer: 0.3 },
    },
    headerFooter: { oddFooter: '第 &P 页，共 &N 页' },
  };
}

interface CellOptions {
  numFmt?: string;
  bold?: boolean;
  size?: number;
  horizontal?: 'left' | 'center' | 'right';
  vertical?: boolean;
  border?: boolean;
}

class FormSheet {
  /** Width in characters of each written cell or merged range, by its top-left address. */
  private readonly widths = new Map<string, number>();

  constructor(private readonly sheet: ExcelJS.Worksheet) {
    sheet.columns = COLUMN_WIDTHS.map((width) => ({ width }));
  }

  write(input: FormWorkbookInput): void {
    const { form, scores, unitName } = input;
    const ruleSet = input.ruleSet ?? NATIONAL_2020;

    // Title and year
    this.put(1, 1, 1, COLUMNS, FORM_SHEET_NAME, { bold: true, size: 18, horizontal: 'center', border: false });
    this.sheet.getRow(1).height = 32;
    this.put(2, 1, 2, COLUMNS, `（${form.fiscalYear}年度）`, { size: 12, horizontal: 'center', border: false });
    this.sheet.getRow(2).height = 20;

    // Header block
    this.put(3, 1, 3, 2, '项目名称', { horizontal: 'center' });
    this.put(3, 3, 3, 5, form.projectName);
    this.put(3, 6, 3, 7, '评价方式', { horizontal: 'center' });
    this.put(3, 8, 3, 9, form.evaluationMethod);
    this.put(4, 1, 4, 2, '主管部门', { horizontal: 'center' });
    this.put(4, 3, 4, 5, form.competentDepartment);
    this.put(4, 6, 4, 7, '实施单位', { horizontal: 'center' });
    this.put(4, 8, 4, 9, unitName);
    this.put(5, 1, 5, 2, '项目负责人', { horizontal: 'center' });
    this.put(5, 3, 5, 5, form.projectLead);
    this.put(5, 6, 5, 7, '联系电话', { horizontal: 'center' });
    this.put(5, 8, 5, 9, form.contactPhone);
    for (const r of [3, 4, 5]) this.fitHeight(r);

    // Funds block (项目资金（万元）): rows 6..10
    this.put(6, 1, 10, 2, '项目资金（万元）', { horizontal: 'center' });
    ['', ...Object.values(FUNDS_COLUMN_LABELS), '分值', '执行率', '得分'].forEach((label, index) =>
      this.put(6, 3 + index, 6, 3 + index, label, { horizontal: 'center' }),
    );
    FUNDS_LAYOUT.forEach(([key, label], index) => {
      const r = 7 + index;
      const funds: FundsRow | null = form.funds?.[key] ?? null;
      this.put(r, 3, r, 3, label);
      this.put(r, 4, r, 4, amountOf(funds?.initialBudget), { numFmt: AMOUNT_FORMAT, horizontal: 'right' });
      this.put(r, 5, r, 5, amountOf(funds?.fullYearBudget), { numFmt: AMOUNT_FORMAT, horizontal: 'right' });
      this.put(r, 6, r, 6, amountOf(funds?.executed), { numFmt: AMOUNT_FORMAT, horizontal: 'right' });
      if (key === 'total') {
        this.put(r, 7, r, 7, ruleSet.budgetWeight, { numFmt: SCORE_FORMAT, horizontal: 'right' });
        this.put(r, 8, r, 8, rateOf(scores.executionRate), { numFmt: RATE_FORMAT, horizontal: 'right' });
        this.put(r, 9, r, 9, scores.budgetScore, { numFmt: SCORE_FORMAT, horizontal: 'right' });
      } else {
        this.put(r, 7, r, 7, '—', { horizontal: 'center' });
        this.put(r, 8, r, 8, null);
        this.put(r, 9, r, 9, '—', { horizontal: 'center' });
      }
    });

    // 年度总体目标: rows 11..12
    this.put(11, 1, 12, 2, '年度总体目标', { horizontal: 'center' });
    this.put(11, 3, 11, 6, '预期目标', { horizontal: 'center' });
    this.put(11, 7, 11, COLUMNS, '实际完成情况', { horizontal: 'center' });
    this.put(12, 3, 12, 6, form.goals?.expected ?? '');
    this.put(12, 7, 12, COLUMNS, form.goals?.actual ?? '');
    this.fitHeight(12);

    // 绩效指标: header row 13, one row per indicator, then 总分
    const indicators = form.indicators ?? [];
    const headerRow = 13;
    const firstRow = headerRow + 1;
    const lastRow = headerRow + indicators.length;
    this.put(headerRow, 1, lastRow, 1, '绩效指标', { horizontal: 'center', vertical: true });
    INDICATOR_HEADERS.forEach((label, index) => this.put(headerRow, 2 + index, headerRow, 2 + index, label, { horizontal: 'center' }));
    this.fitHeight(headerRow);

    const spans = indicatorSpans(indicators, ruleSet);
    for (const span of spans.level1) {
      this.put(firstRow + span.start, 2, firstRow + span.end, 2, indicators[span.start]!.level1 ?? '', { horizontal: 'center' });
    }
    for (const span of spans.level2) {
      this.put(firstRow + span.start, 3, firstRow + span.end, 3, indicators[span.start]!.level2 ?? '', { horizontal: 'center' });
    }
    indicators.forEach((indicator, index) => {
      const r = firstRow + index;
      this.put(r, 4, r, 4, indicator.name ?? '');
      this.put(r, 5, r, 5, indicator.target ?? '');
      this.put(r, 6, r, 6, indicator.actual ?? '');
      this.put(r, 7, r, 7, figureOf(indicator.weight), { numFmt: SCORE_FORMAT, horizontal: 'right' });
      this.put(r, 8, r, 8, figureOf(indicator.score), { numFmt: SCORE_FORMAT, horizontal: 'right' });
      this.put(r, 9, r, 9, indicator.deviation ?? '');
      this.fitHeight(r);
    });

    const totalRow = lastRow + 1;
    const weightSum = indicators.reduce((sum, indicator) => sum.plus(figureOf(indicator.weight) ?? 0), new Decimal(ruleSet.budgetWeight));
    this.put(totalRow, 1, totalRow, 6, '总分', { bold: true, horizontal: 'center' });
    this.put(totalRow, 7, totalRow, 7, weightSum.toNumber(), { numFmt: SCORE_FORMAT, bold: true, horizontal: 'right' });
    this.put(totalRow, 8, totalRow, 8, scores.total, { numFmt: SCORE_FORMAT, bold: true, horizontal: 'right' });
    this.put(totalRow, 9, totalRow, 9, null);
    this.sheet.getRow(totalRow).height = 20;

    // What the paper cannot show, under the table
    const noteRow = totalRow + 1;
    const grade = scores.grade === null ? '' : `等级：${scores.grade}　　`;
    this.put(noteRow, 1, noteRow, COLUMNS, `${grade}状态：${statusLabel(input.status)}　　版本：第 ${input.revision} 版`, { border: false, size: 9 });

    this.sheet.headerFooter.oddHeader = `&R&9${statusLabel(input.status)}　第 ${input.revision} 版`;
  }

  /** Writes a value into a (possibly merged) range with the form's style; every cell of the range gets the border. */
  private put(top: number, left: number, bottom: number, right: number, value: ExcelJS.CellValue, options: CellOptions = {}): void {
    if (bottom > top || right > left) this.sheet.mergeCells(top, left, bottom, right);
    const border = options.border ?? true;
    let width = 0;
    for (let c = left; c <= right; c++) width += COLUMN_WIDTHS[c - 1] ?? 10;
    this.widths.set(this.sheet.getCell(top, left).address, width);
    for (let r = top; r <= bottom; r++) {
      for (let c = left; c <= right; c++) {
        const cell = this.sheet.getCell(r, c);
        cell.style = {
          font: { name: FONT, size: options.size ?? FONT_SIZE, bold: options.bold ?? false },
          alignment: {
            horizontal: options.horizontal ?? 'left',
            vertical: 'middle',
            wrapText: true,
            ...(options.vertical ? { textRotation: 'vertical' as const } : {}),
          },
          ...(border ? { border: THIN } : {}),
          ...(options.numFmt ? { numFmt: options.numFmt } : {}),
        };
      }
    }
    // An empty text is a blank cell, as on paper
    this.sheet.getCell(top, left).value = value === '' || value === undefined ? null : value;
  }

  /** Excel does not grow rows for wrapped text in merged cells: estimate the lines each cell needs. */
  private fitHeight(rowNumber: number): void {
    const row = this.sheet.getRow(rowNumber);
    let lines = 1;
    row.eachCell({ includeEmpty: false }, (cell) => {
      if (cell.isMerged && cell.master !== cell) return;
      const text = typeof cell.value === 'string' ? cell.value : '';
      if (text === '') return;
      lines = Math.max(lines, linesOf(text, this.widthOf(cell)));
    });
    row.height = Math.max(20, lines * LINE_HEIGHT + 6);
  }

  /** Width in characters of a cell, or of its merged range in this row. */
  private widthOf(cell: ExcelJS.Cell): number {
    return this.widths.get(cell.address) ?? COLUMN_WIDTHS[Number(cell.col) - 1] ?? 10;
  }
}

interface Span {
  start: number;
  end: number;
}

/**
 * Groups of consecutive indicator rows whose 一级指标 / 二级指标 cells merge vertically, as on paper:
 * a blank cell continues the group above it and an equal label repeats it. One exception keeps
 * groups truthful: a blank 一级指标 next to an 二级指标 of another 一级指标 (the seed leaves
 * 社会效益指标 under a blank cell below 产出指标) opens a group of its own — left blank, as stored.
 * 二级指标 groups never cross a 一级指标 group.
 */
export function indicatorSpans(rows: readonly IndicatorRow[], ruleSet: RuleSet = NATIONAL_2020): { level1: Span[]; level2: Span[] } {
  const level1: Span[] = [];
  const level2: Span[] = [];
  let group1: { span: Span; label: string; resolved: string } | null = null;
  let group2: { span: Span; label: string } | null = null;

  rows.forEach((row, index) => {
    const own1 = normalizeLabel(row.level1 ?? '');
    const own2 = normalizeLabel(row.level2 ?? '');
    const parentOf2 = own2 === '' ? null : level1OfLevel2(ruleSet, own2);

    let opens1: boolean;
    let resolved: string;
    if (group1 === null) {
      opens1 = true;
      resolved = own1 === '' ? (parentOf2 ?? '') : (level1Of(own1) ?? own1);
    } else if (own1 !== '') {
      opens1 = own1 !== group1.label;
      resolved = level1Of(own1) ?? own1;
    } else {
      opens1 = parentOf2 !== null && group1.resolved !== '' && parentOf2 !== group1.resolved;
      resolved = opens1 ? parentOf2! : group1.resolved === '' ? (parentOf2 ?? '') : group1.resolved;
    }
    if (opens1 || group1 === null) {
      group1 = { span: { start: index, end: index }, label: own1, resolved };
      level1.push(group1.span);
    } else {
      group1.span.end = index;
      group1.resolved = resolved;
    }

    const opens2 = opens1 || group2 === null || (own2 !== '' && own2 !== group2.label);
    if (opens2) {
      group2 = { span: { start: index, end: index }, label: own2 };
      level2.push(group2.span);
    } else {
      group2!.span.end = index;
    }
  });
  return { level1, level2 };
}

function writeFindings(sheet: ExcelJS.Worksheet, findings: readonly Finding[]): void {
  const widths = [10, 32, 30, 80];
  sheet.columns = widths.map((width) => ({ width }));
  const header = sheet.getRow(1);
  ['严重程度', '代码', '位置', '说明'].forEach((label, index) => {
    const cell = header.getCell(index + 1);
    cell.value = label;
    cell.style = {
      font: { name: FONT, size: FONT_SIZE, bold: true },
      alignment: { horizontal: 'center', vertical: 'middle' },
      border: THIN,
    };
  });
  header.height = 20;
  sheet.pageSetup.printTitlesRow = '1:1';

  findings.forEach((finding, index) => {
    const row = sheet.getRow(2 + index);
    const values = [SEVERITY_LABELS[finding.severity] ?? finding.severity, finding.code, locationOf(finding.path), finding.message];
    values.forEach((value, column) => {
      const cell = row.getCell(column + 1);
      cell.value = value;
      cell.style = {
        font: {
          name: FONT,
          size: FONT_SIZE,
          bold: column === 0 && finding.severity === 'error',
          ...(column === 0 && finding.severity === 'error' ? { color: { argb: 'FFC00000' } } : {}),
        },
        alignment: { horizontal: column === 0 ? 'center' : 'left', vertical: 'middle', wrapText: true },
        border: THIN,
      };
    });
    row.height = Math.max(20, Math.max(linesOf(finding.message, widths[3]!), linesOf(values[2]!, widths[2]!)) * LINE_HEIGHT + 6);
  });
}

/** A finding's path in words: "indicators[3].deviation" → "绩效指标第 4 行·偏差原因分析及改进措施". Unknown paths stay as written. */
export function locationOf(path: string): string {
  return describeFormPath(path);
}

/** Lines a text needs in a column `width` characters wide (CJK and full-width characters count two). */
function linesOf(text: string, width: number): number {
  const usable = Math.max(4, width - 1);
  return text.split('\n').reduce((lines, paragraph) => {
    let units = 0;
    for (const char of paragraph) units += /[\u1100-\u115f\u2e80-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6\u2014\u201c\u201d\u2018\u2019\u3000-\u303f]|[\u{20000}-\u{3fffd}]/u.test(char) ? 2 : 1;
    return lines + Math.max(1, Math.ceil(units / usable));
  }, 0);
}

/** Amounts are exact decimal strings with at most 6 decimals; a double keeps them exact at that precision. */
function amountOf(amount: string | null | undefined): number | null {
  if (amount === null || amount === undefined || amount.trim() === '') return null;
  const value = Number(amount.trim());
  return Number.isFinite(value) ? value : null;
}

function figureOf(value: number | null | undefined): number | null {
  return typeof value === 'number' && Number.isFinite(value) ? value : null;
}

/** 54.49 (percent) → 0.5449, shown as 54.49% */
function rateOf(percent: number | null): number | null {
  return percent === null ? null : new Decimal(percent).div(100).toNumber();
}

function toBuffer(data: ExcelJS.Buffer | ArrayBuffer | Uint8Array): Buffer {
  if (Buffer.isBuffer(data)) return data;
  return data instanceof Uint8Array ? Buffer.from(data.buffer, data.byteOffset, data.byteLength) : Buffer.from(data as ArrayBuffer);
}
