/**
 * The layout of a unit's self-evaluation document, whatever it was read from: the summary table
 * (项目绩效评价明细表) and one 项目支出绩效自评表 per project, as a sequence of table cells.
 *
 * The text dump (self-evaluation-text.parser.ts) and the Word and Excel tables
 * (self-evaluation-tables.parser.ts) each turn their source into segments of cells; this module reads
 * the forms out of them with one set of rules, so every format keeps the same figures and refuses the
 * same mistakes.
 *
 * Everything is kept as the person wrote it; the parser never "fixes" a figure. A cell that must be
 * a number and is not stops the import with a SelfEvaluationParseError naming the place, because a
 * guessed weight or amount would silently change a unit's published result.
 */
import { InvalidAmountError, toAmount } from '../domain/amount.js';
import { DomainError } from '#perf-eval/errors';
import {
  EVALUATION_METHODS,
  type Amount,
  type DeclaredFigures,
  type EvaluationForm,
  type EvaluationMethod,
  type Funds,
  type FundsRow,
  type FundsRowKey,
  type IndicatorRow,
} from '../domain/evaluation-form.js';

/**
 * Where a cell stands in what was uploaded: a line of a text dump, a cell of a Word table (tables,
 * rows and cells counted from 1 in document order) or a cell of a worksheet.
 */
export type SourceLocation =
  | { kind: 'line'; line: number }
  | { kind: 'table'; table: number; row: number; cell: number }
  | { kind: 'sheet'; sheet: string; row: number; cell: number; address: string };

export function describeLocation(at: SourceLocation): string {
  switch (at.kind) {
    case 'line':
      return `第 ${at.line} 行`;
    case 'table':
      return `表格 ${at.table} 第 ${at.row} 行第 ${at.cell} 个单元格`;
    case 'sheet':
      return `工作表“${at.sheet}”单元格 ${at.address}`;
  }
}

/** The text dump's line of a place, null for a table cell. */
export function lineOf(at: SourceLocation): number | null {
  return at.kind === 'line' ? at.line : null;
}

export interface SummaryTableRow {
  seq: number;
  projectName: string;
  budget: Amount;
  evaluationMethod: string;
  selfScore: number;
  /** 1-based line of the row's first cell in a text dump; null in a table. */
  line: number | null;
  at: SourceLocation;
}

export interface ParsedSummaryTable {
  unitName: string | null;
  rows: SummaryTableRow[];
  total: Amount | null;
}

export interface ParsedForm {
  /** 1-based line where the form starts (its 项目支出绩效自评表 title) in a text dump; null in a table. */
  line: number | null;
  at: SourceLocation;
  fiscalYear: number;
  implementingUnit: string;
  form: Omit<EvaluationForm, 'unitId'>;
}

export interface ParsedSelfEvaluationFile {
  summary: ParsedSummaryTable | null;
  forms: ParsedForm[];
}

export interface ParseSelfEvaluationOptions {
  /** Named in error messages so a person knows which upload failed. */
  fileName?: string;
}

/** Where the file stops making sense, as the client reads it: `details.line` or `details.at`, the form (from 1), its project name. */
export class SelfEvaluationParseError extends DomainError {
  readonly code = 'IMPORT_PARSE_ERROR';
  override readonly details: { line: number | null; at: SourceLocation; form: number | null; projectName: string | null; fileName: string | null };
  /** The text dump's line; null when the place is a table cell (see `at`). */
  readonly line: number | null;
  readonly at: SourceLocation;
  /** 0-based position of the form in the file (the message counts from 1); null for the summary table. */
  readonly formIndex: number | null;
  readonly projectName: string | null;
  readonly fileName: string | null;

  constructor(args: {
    message: string;
    at: SourceLocation;
    formIndex?: number | null;
    projectName?: string | null;
    fileName?: string | null;
  }) {
    super(args.message);
    this.at = args.at;
    this.line = lineOf(args.at);
    this.formIndex = args.formIndex ?? null;
    this.projectName = args.projectName ?? null;
    this.fileName = args.fileName ?? null;
    this.details = { line: this.line, at: this.at, form: this.formIndex === null ? null : this.formIndex + 1, projectName: this.projectName, fileName: this.fileName };
  }
}

/** One table cell. */
export interface Cell {
  /** The cell's lines joined with "\n", trailing whitespace removed. */
  text: string;
  at: SourceLocation;
  /**
   * The row may end after this cell. In a text dump a blank line follows (the row may end here, or a
   * merged cell goes on); in a table it is the row's last cell.
   */
  blankAfter: boolean;
}

/** What one form (or the summary table) was read from. */
export interface Segment {
  /** Where the segment starts (the form title for a form). */
  at: SourceLocation;
  /** Lines before the first cell: the form title and its "（2021年度）" line. */
  leadLines: string[];
  cells: Cell[];
  /** Where the segment ends, named when cells are missing at its end. */
  endAt: SourceLocation;
  /** Rows known exactly (Word, Excel) rather than rebuilt from widths (the text dump). */
  exactRows: boolean;
}

export const FORM_TITLE = '项目支出绩效自评表';
export const SUMMARY_TITLE = '项目绩效评价明细表';

/** Labels are compared without the line breaks and padding Word puts into narrow cells. */
export function compact(text: string): string {
  return normalizeWidth(text).replace(/\s+/g, '');
}

/** Full-width ASCII forms (０-９, ．, ％, （…) typed with a Chinese IME become their ASCII twins. */
export function normalizeWidth(text: string): string {
  return text.replace(/[\uFF01-\uFF5E]/g, (ch) => String.fromCharCode(ch.charCodeAt(0) - 0xfee0)).replace(/\u3000/g, ' ');
}

// ---------------------------------------------------------------------------------------------
// Error context and reading cells

export class Place {
  projectName: string | null = null;

  constructor(
    readonly fileName: string | null,
    readonly formIndex: number | null,
  ) {}

  fail(at: SourceLocation, what: string): never {
    const file = this.fileName ? `${this.fileName} ` : '';
    const where =
      this.formIndex === null
        ? '项目绩效评价明细表'
        : `第 ${this.formIndex + 1} 张自评表${this.projectName ? `（${this.projectName}）` : ''}`;
    throw new SelfEvaluationParseError({
      message: `${file}${where}${describeLocation(at)}：${what}`,
      at,
      formIndex: this.formIndex,
      projectName: this.projectName,
      fileName: this.fileName,
    });
  }
}

/** Walks a segment's cells row by row; a row's width comes from the table region being read. */
class RowReader {
  private position = 0;

  constructor(
    private readonly cells: Cell[],
    private readonly place: Place,
    private readonly segmentEnd: SourceLocation,
    /** Rows known exactly (a Word or Excel table): a row that ends early is missing cells, not a merged cell. */
    private readonly exactRows: boolean,
  ) {}

  peek(): Cell | undefined {
    return this.cells[this.position];
  }

  get at(): SourceLocation {
    return this.peek()?.at ?? this.segmentEnd;
  }

  /**
   * Takes the next `width` cells as one row. Blank lines inside the row are merged cells; the row
   * must end on a blank line, otherwise cells are missing here (and the next row's cells were
   * taken) or the row has more cells than the table has columns.
   */
  row(width: number, name: string): Cell[] {
    const start = this.position;
    const startAt = this.at;
    let lastBlank = 0;
    for (let count = 1; count <= width; count++) {
      const cell = this.cells[this.position];
      if (!cell) this.place.fail(startAt, `${name}不完整：应有 ${width} 个单元格，实际 ${count - 1} 个`);
      this.position++;
      if (count < width && cell.blankAfter && this.exactRows) this.place.fail(startAt, `${name}应有 ${width} 个单元格，实际 ${count} 个`);
      if (count === width && !cell.blankAfter) {
        const actual = lastBlank > 0 ? `实际 ${lastBlank} 个` : `实际多于 ${width} 个`;
        this.place.fail(startAt, `${name}应有 ${width} 个单元格，${actual}`);
      }
      if (cell.blankAfter) lastBlank = count;
    }
    return this.cells.slice(start, this.position);
  }

  /** One cell, for regions whose shape is read from their labels rather than from a width. */
  cell(): Cell | undefined {
    return this.cells[this.position++];
  }

  rest(): Cell[] {
    const cells = this.cells.slice(this.position);
    this.position = this.cells.length;
    return cells;
  }
}

/** The text of a number cell as a plain decimal, or null when it is not a number. */
function writtenNumber(text: string): string | null {
  // Units and their common typo ("10万员") are what people append; anything else is not a number.
  const plain = normalizeWidth(text).trim().replace(/(万元|万员|万|元|分)$/, '').trim();
  return /^[+-]?\d+(\.\d+)?$/.test(plain) ? plain : null;
}

/** Cells left empty, or struck out with a dash, carry no figure. */
function isEmptyFigure(text: string): boolean {
  return /^[\s—–\-－─]*$/.test(text);
}

function quoted(text: string): string {
  return `“${text}”`;
}

/** Weights and scores are numbers of at most 2 decimals (see EvaluationForm). */
function optionalScore(cell: Cell, label: string, place: Place, context = ''): number | null {
  if (isEmptyFigure(cell.text)) return null;
  const plain = writtenNumber(cell.text);
  if (plain === null) place.fail(cell.at, `${quoted(label)}不是数字：${quoted(cell.text)}${context}`);
  // Rounding a third decimal away would be a guess at what the person meant.
  if ((plain.split('.')[1] ?? '').replace(/0+$/, '').length > 2) {
    place.fail(cell.at, `${quoted(label)}最多两位小数：${quoted(cell.text)}${context}`);
  }
  // Weights, scores and 序号 live in small columns: a figure this large is a typo, not a score.
  if (Math.abs(Number(plain)) > MAX_FIGURE) place.fail(cell.at, `${quoted(label)}超出合理范围（绝对值不超过 ${MAX_FIGURE}）：${quoted(cell.text)}${context}`);
  return Number(plain);
}

const MAX_FIGURE = 1000;

function requiredScore(cell: Cell, label: string, place: Place, context = ''): number {
  const value = optionalScore(cell, label, place, context);
  if (value === null) place.fail(cell.at, `${quoted(label)}不能为空${context}`);
  return value;
}

function optionalAmount(cell: Cell, label: string, place: Place, context = ''): Amount | null {
  if (isEmptyFigure(cell.text)) return null;
  const plain = writtenNumber(cell.text);
  if (plain === null) place.fail(cell.at, `${quoted(label)}不是数字：${quoted(cell.text)}${context}`);
  try {
    return toAmount(plain);
  } catch (error) {
    if (error instanceof InvalidAmountError) {
      place.fail(cell.at, `${quoted(label)}不是有效金额（最多 6 位小数）：${quoted(cell.text)}${context}`);
    }
    throw error;
  }
}

function requiredAmount(cell: Cell, label: string, place: Place, context = ''): Amount {
  const value = optionalAmount(cell, label, place, context);
  if (value === null) place.fail(cell.at, `${quoted(label)}不能为空${context}`);
  return value;
}

function expectHeader(cells: Cell[], expected: readonly string[], table: string, place: Place): void {
  expected.forEach((label, index) => {
    const cell = cells[index]!;
    if (label !== '' && !compact(cell.text).startsWith(label)) {
      place.fail(cell.at, `${table}第 ${index + 1} 列应为${quoted(label)}，实际为${quoted(compact(cell.text))}`);
    }
  });
}

// ---------------------------------------------------------------------------------------------
// The summary table (项目绩效评价明细表)

const SUMMARY_COLUMNS = ['序号', '项目名称', '项目预算', '评价方式', '自评得分'] as const;

export function parseSummaryTable(segment: Segment, place: Place): ParsedSummaryTable | null {
  const titleCell = segment.cells.find((cell) => compact(cell.text).endsWith(SUMMARY_TITLE));
  const headerIndex = segment.cells.findIndex((cell) => compact(cell.text) === SUMMARY_COLUMNS[0]);
  if (headerIndex < 0) {
    if (titleCell) place.fail(titleCell.at, `明细表缺少${quoted('序号')}表头`);
    return null;
  }
  // The title row and the empty row under it are merged cells of their own widths; the columns start at 序号.
  const reader = new RowReader(segment.cells.slice(headerIndex), place, segment.endAt, segment.exactRows);
  expectHeader(reader.row(SUMMARY_COLUMNS.length, '表头行'), SUMMARY_COLUMNS, '明细表', place);

  const rows: SummaryTableRow[] = [];
  while (reader.peek() && compact(reader.peek()!.text) !== '合计') {
    const cells = reader.row(SUMMARY_COLUMNS.length, `第 ${rows.length + 1} 个项目行`);
    if (cells.every((cell) => isEmptyFigure(cell.text))) continue;
    const [seqCell, nameCell, budgetCell, methodCell, scoreCell] = cells as [Cell, Cell, Cell, Cell, Cell];
    const projectName = nameCell.text.trim();
    const context = `（${projectName}）`;
    const seq = requiredScore(seqCell, '序号', place, context);
    if (!Number.isInteger(seq)) place.fail(seqCell.at, `${quoted('序号')}不是整数：${quoted(seqCell.text)}${context}`);
    rows.push({
      seq,
      projectName,
      budget: requiredAmount(budgetCell, '项目预算', place, context),
      evaluationMethod: methodCell.text.trim(),
      selfScore: requiredScore(scoreCell, '自评得分', place, context),
      line: lineOf(seqCell.at),
      at: seqCell.at,
    });
  }

  const totalCells = reader.rest();
  const total = totalCells[1] ? optionalAmount(totalCells[1], '合计', place) : null;
  // The title is a cell of the table in the seed; a document may set it as a line above the table.
  const titleLine = segment.leadLines.find((line) => compact(line).endsWith(SUMMARY_TITLE));
  const title = titleCell ? compact(titleCell.text) : titleLine ? compact(titleLine) : '';
  const unitName = title.slice(0, title.length - SUMMARY_TITLE.length) || null;
  return { unitName, rows, total };
}

// ---------------------------------------------------------------------------------------------
// One form (项目支出绩效自评表)

const HEADER_LABELS = {
  项目名称: 'projectName',
  主管部门: 'competentDepartment',
  实施单位: 'implementingUnit',
  项目负责人: 'projectLead',
  联系电话: 'contactPhone',
  评价方式: 'evaluationMethod',
} as const;
type HeaderField = (typeof HEADER_LABELS)[keyof typeof HEADER_LABELS];
const REQUIRED_HEADER_LABELS = ['项目名称', '主管部门', '实施单位', '项目负责人', '联系电话'] as const;

const FUNDS_COLUMNS = ['项目资金', '', '年初预算数', '全年预算数', '全年执行数', '分值', '执行率', '得分'] as const;
/** Row labels as printed, in the template's order; matched loosely because Word pads and wraps them. */
const FUNDS_ROW_LABELS: ReadonlyArray<{ key: FundsRowKey; label: string; match: string }> = [
  { key: 'total', label: '年度资金总额', match: '年度资金总额' },
  { key: 'currentYear', label: '其中：当年财政拨款', match: '当年财政拨款' },
  { key: 'carryOver', label: '上年结转资金', match: '上年结转资金' },
  { key: 'other', label: '其他资金', match: '其他资金' },
];

const GOALS_COLUMNS = ['年度总体目标', '预期目标', '实际完成情况'] as const;
const INDICATOR_COLUMNS = [
  '绩效指标',
  '一级指标',
  '二级指标',
  '三级指标',
  '年度指标值',
  '实际完成值',
  '分值',
  '得分',
  '偏差原因分析及改进措施',
] as const;

export function parseForm(segment: Segment, place: Place, summary: ParsedSummaryTable | null): ParsedForm {
  const fiscalYear = readFiscalYear(segment, place);
  const reader = new RowReader(segment.cells, place, segment.endAt, segment.exactRows);

  const header = readHeader(reader, place);
  const funds = readFunds(reader, place);

  expectHeader(reader.row(GOALS_COLUMNS.length, '年度总体目标表头行'), GOALS_COLUMNS, '年度总体目标', place);
  const [, expectedCell, actualCell] = reader.row(GOALS_COLUMNS.length, '年度总体目标行');
  const goals = { expected: expectedCell!.text, actual: actualCell!.text };

  const indicators = readIndicators(reader, place);
  const total = readTotal(reader, place);

  const summaryRow = summary?.rows.find((row) => compact(row.projectName) === compact(header.projectName));
  // A method written on the form wins over the summary table's column; neither means 单位自评.
  const evaluationMethod =
    header.evaluationMethod !== undefined
      ? readEvaluationMethod(header.evaluationMethod, header.evaluationMethodAt ?? segment.at, place)
      : readEvaluationMethod(summaryRow?.evaluationMethod, summaryRow?.at ?? segment.at, place);
  const declared: DeclaredFigures = {
    ...funds.declared,
    total,
    summarySeq: summaryRow?.seq ?? null,
    summaryBudget: summaryRow?.budget ?? null,
    summarySelfScore: summaryRow?.selfScore ?? null,
  };

  return {
    line: lineOf(segment.at),
    at: segment.at,
    fiscalYear,
    implementingUnit: header.implementingUnit,
    form: {
      fiscalYear,
      projectName: header.projectName,
      competentDepartment: header.competentDepartment,
      projectLead: header.projectLead,
      contactPhone: header.contactPhone,
      evaluationMethod,
      funds: funds.funds,
      goals,
      indicators,
      declared,
    },
  };
}

function readFiscalYear(segment: Segment, place: Place): number {
  const match = /(\d{4})年度/.exec(compact(segment.leadLines.join('')));
  if (!match) place.fail(segment.at, `未找到年度（应为“（2021年度）”这样的一行）`);
  return Number(match[1]);
}

interface FormHeader {
  projectName: string;
  competentDepartment: string;
  implementingUnit: string;
  projectLead: string;
  contactPhone: string;
  evaluationMethod?: string;
  evaluationMethodAt?: SourceLocation;
}

/** The header is label/value pairs up to the funds table; 评价方式 is optional (self-evaluations omit it). */
function readHeader(reader: RowReader, place: Place): FormHeader {
  const startAt = reader.at;
  const cells: Cell[] = [];
  while (reader.peek() && !compact(reader.peek()!.text).startsWith(FUNDS_COLUMNS[0])) cells.push(reader.cell()!);
  if (cells.length % 2 !== 0) {
    place.fail(startAt, `表头单元格应成对出现（名称、内容），实际 ${cells.length} 个`);
  }
  const values: Partial<Record<HeaderField, string>> = {};
  let evaluationMethodAt: SourceLocation | undefined;
  for (let index = 0; index < cells.length; index += 2) {
    const label = compact(cells[index]!.text);
    const field = HEADER_LABELS[label as keyof typeof HEADER_LABELS] as HeaderField | undefined;
    if (!field) continue; // a label this template does not have carries nothing the form stores
    values[field] = cells[index + 1]!.text.trim();
    if (field === 'projectName') place.projectName = values.projectName || null;
    if (field === 'evaluationMethod') evaluationMethodAt = cells[index + 1]!.at;
  }
  for (const label of REQUIRED_HEADER_LABELS) {
    if (values[HEADER_LABELS[label]] === undefined) place.fail(startAt, `表头缺少${quoted(label)}`);
  }
  return { ...(values as Omit<FormHeader, 'evaluationMethodAt'>), evaluationMethodAt };
}

function readFunds(reader: RowReader, place: Place): { funds: Funds; declared: DeclaredFigures } {
  const width = FUNDS_COLUMNS.length;
  expectHeader(reader.row(width, '项目资金表头行'), FUNDS_COLUMNS, '项目资金', place);
  const funds = {} as Funds;
  let declared: DeclaredFigures = {};
  for (const { key, label, match } of FUNDS_ROW_LABELS) {
    const cells = reader.row(width, `项目资金${quoted(label)}行`);
    const [, labelCell, initialCell, fullYearCell, executedCell, weightCell, rateCell, scoreCell] = cells as [
      Cell, Cell, Cell, Cell, Cell, Cell, Cell, Cell,
    ];
    if (!compact(labelCell.text).includes(match)) {
      place.fail(labelCell.at, `项目资金此行应为${quoted(label)}，实际为${quoted(compact(labelCell.text))}`);
    }
    const context = `（项目资金${quoted(label)}行）`;
    const row: FundsRow = {
      initialBudget: optionalAmount(initialCell, '年初预算数', place, context),
      fullYearBudget: optionalAmount(fullYearCell, '全年预算数', place, context),
      executed: optionalAmount(executedCell, '全年执行数', place, context),
    };
    funds[key] = row.initialBudget === null && row.fullYearBudget === null && row.executed === null ? null : row;
    // Only the total row's 分值/执行率/得分 count; the source rows repeat or dash them.
    if (key === 'total') {
      declared = {
        budgetWeight: optionalScore(weightCell, '分值', place, context),
        executionRate: isEmptyFigure(rateCell.text) ? null : rateCell.text.trim(),
        budgetScore: optionalScore(scoreCell, '得分', place, context),
      };
    }
  }
  return { funds, declared };
}

function readIndicators(reader: RowReader, place: Place): IndicatorRow[] {
  const width = INDICATOR_COLUMNS.length;
  expectHeader(reader.row(width, '绩效指标表头行'), INDICATOR_COLUMNS, '绩效指标', place);
  const indicators: IndicatorRow[] = [];
  while (reader.peek() && compact(reader.peek()!.text) !== '总分') {
    const cells = reader.row(width, `绩效指标第 ${indicators.length + 1} 行`);
    // An entirely empty row is a spare table row, not an indicator.
    if (cells.every((cell) => cell.text.trim() === '')) continue;
    const [, level1, level2, name, target, actual, weight, score, deviation] = cells as [
      Cell, Cell, Cell, Cell, Cell, Cell, Cell, Cell, Cell,
    ];
    const context = `（绩效指标${quoted(name.text.trim())}）`;
    indicators.push({
      level1: level1.text,
      level2: level2.text,
      name: name.text,
      target: target.text,
      actual: actual.text,
      weight: optionalScore(weight, '分值', place, context),
      score: optionalScore(score, '得分', place, context),
      deviation: deviation.text,
    });
  }
  return indicators;
}

/** 总分 | total weight | declared total | (empty analysis cell). */
function readTotal(reader: RowReader, place: Place): number | null {
  const at = reader.at;
  const cells = reader.rest();
  if (cells.length === 0) place.fail(at, `缺少${quoted('总分')}行`);
  if (cells.length < 3 || cells.length > 4) place.fail(at, `${quoted('总分')}行应有 3 或 4 个单元格，实际 ${cells.length} 个`);
  return optionalScore(cells[2]!, '总分', place);
}

function readEvaluationMethod(written: string | undefined, at: SourceLocation, place: Place): EvaluationMethod {
  // The seed's forms never name a method; self-evaluation forms are 单位自评 by definition.
  if (written === undefined || written.trim() === '') return '单位自评';
  const method = compact(written);
  if (!(EVALUATION_METHODS as readonly string[]).includes(method)) {
    place.fail(at, `${quoted('评价方式')}应为 ${EVALUATION_METHODS.join(' / ')} 之一，实际为${quoted(written)}`);
  }
  return method as EvaluationMethod;
}
