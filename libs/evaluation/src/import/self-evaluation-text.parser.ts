/**
 * Reads the text dump of a unit's Word self-evaluation document: the summary table
 * (项目绩效评价明细表) followed by one 项目支出绩效自评表 per project.
 *
 * The dump keeps only the table cells: every cell starts with a tab, a cell's further lines follow
 * without one, and blank lines separate rows but also stand inside merged or multi-paragraph
 * cells. Rows are therefore rebuilt from the column count each table region is known to have,
 * with the blank lines only as candidate row ends.
 *
 * Everything is kept as the person wrote it; the parser never "fixes" a figure. A cell that must be
 * a number and is not stops the import with a SelfEvaluationParseError naming the place, because a
 * guessed weight or amount would silently change a unit's published result.
 */
import { InvalidAmountError, toAmount } from '../domain/amount.js';
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

export interface SummaryTableRow {
  seq: number;
  projectName: string;
  budget: Amount;
  evaluationMethod: string;
  selfScore: number;
  /** 1-based line of the row's first cell. */
  line: number;
}

export interface ParsedSummaryTable {
  unitName: string | null;
  rows: SummaryTableRow[];
  total: Amount | null;
}

export interface ParsedForm {
  /** 1-based line where the form starts (its 项目支出绩效自评表 title). */
  line: number;
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

export class SelfEvaluationParseError extends Error {
  readonly code = 'IMPORT_PARSE_ERROR' as const;
  readonly line: number;
  /** 0-based position of the form in the file (the message counts from 1); null for the summary table. */
  readonly formIndex: number | null;
  readonly projectName: string | null;
  readonly fileName: string | null;

  constructor(args: {
    message: string;
    line: number;
    formIndex?: number | null;
    projectName?: string | null;
    fileName?: string | null;
  }) {
    super(args.message);
    this.name = 'SelfEvaluationParseError';
    this.line = args.line;
    this.formIndex = args.formIndex ?? null;
    this.projectName = args.projectName ?? null;
    this.fileName = args.fileName ?? null;
  }
}

export function parseSelfEvaluationText(text: string, options: ParseSelfEvaluationOptions = {}): ParsedSelfEvaluationFile {
  const segments = splitIntoSegments(text);
  const [summarySegment, ...formSegments] = segments;
  const summary = summarySegment ? parseSummaryTable(summarySegment, new Place(options.fileName ?? null, null)) : null;
  const forms = formSegments.map((segment, index) =>
    parseForm(segment, new Place(options.fileName ?? null, index), summary),
  );
  return { summary, forms };
}

// ---------------------------------------------------------------------------------------------
// Cells and segments

interface Cell {
  /** The cell's lines joined with "\n", trailing whitespace removed. */
  text: string;
  /** 1-based line where the cell starts. */
  line: number;
  /** A blank line (or the end of the segment) follows: the row may end here, or a merged cell goes on. */
  blankAfter: boolean;
}

interface Segment {
  /** 1-based line of the segment's first line (the form title for a form). */
  line: number;
  /** Lines before the first cell: the form title and its "（2021年度）" line. */
  leadLines: string[];
  cells: Cell[];
  lastLine: number;
}

const FORM_TITLE = '项目支出绩效自评表';
/** Word leaves its cursor bookmark in the dump ("[bookmark: _GoBack]"); it is not part of any text. */
const WORD_BOOKMARK = /\[bookmark:[^\]]*\]/g;

/** Segment 0 is whatever precedes the first form (the summary table); each form title opens a segment. */
function splitIntoSegments(text: string): Segment[] {
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  const segments: Segment[] = [];
  let segment: Segment = { line: 1, leadLines: [], cells: [], lastLine: 1 };
  let cellLines: string[] | null = null;
  let cellLine = 0;

  const closeCell = (): void => {
    if (!cellLines) return;
    const blankAfter = cellLines.length > 1 && isBlank(cellLines[cellLines.length - 1]!);
    segment.cells.push({ text: cellLines.join('\n').trimEnd(), line: cellLine, blankAfter });
    cellLines = null;
  };
  const closeSegment = (): void => {
    closeCell();
    const last = segment.cells[segment.cells.length - 1];
    if (last) last.blankAfter = true;
    segments.push(segment);
  };

  lines.forEach((rawLine, index) => {
    const lineNo = index + 1;
    const line = rawLine.replace(WORD_BOOKMARK, '');
    if (line.startsWith('\t')) {
      closeCell();
      cellLines = [line.slice(1)];
      cellLine = lineNo;
    } else if (!cellLines && isBlank(line)) {
      // blank lines before a segment's first cell carry nothing
    } else if (isFormTitle(line)) {
      closeSegment();
      segment = { line: lineNo, leadLines: [line], cells: [], lastLine: lineNo };
    } else if (cellLines) {
      cellLines.push(line);
    } else {
      segment.leadLines.push(line);
    }
    segment.lastLine = lineNo;
  });
  closeSegment();
  return segments;
}

/** The title stands alone on its line (its year may follow on the same line or the next). */
function isFormTitle(line: string): boolean {
  return new RegExp(`^${FORM_TITLE}(\\(\\d{4}年度\\))?$`).test(compact(line));
}

function isBlank(line: string): boolean {
  return line.trim() === '';
}

/** Labels are compared without the line breaks and padding Word puts into narrow cells. */
function compact(text: string): string {
  return normalizeWidth(text).replace(/\s+/g, '');
}

/** Full-width ASCII forms (０-９, ．, ％, （…) typed with a Chinese IME become their ASCII twins. */
function normalizeWidth(text: string): string {
  return text.replace(/[\uFF01-\uFF5E]/g, (ch) => String.fromCharCode(ch.charCodeAt(0) - 0xfee0)).replace(/\u3000/g, ' ');
}

// ---------------------------------------------------------------------------------------------
// Error context and reading cells

class Place {
  projectName: string | null = null;

  constructor(
    readonly fileName: string | null,
    readonly formIndex: number | null,
  ) {}

  fail(line: number, what: string): never {
    const file = this.fileName ? `${this.fileName} ` : '';
    const where =
      this.formIndex === null
        ? '项目绩效评价明细表'
        : `第 ${this.formIndex + 1} 张自评表${this.projectName ? `（${this.projectName}）` : ''}`;
    throw new SelfEvaluationParseError({
      message: `${file}${where}第 ${line} 行：${what}`,
      line,
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
    private readonly segmentEnd: number,
  ) {}

  peek(): Cell | undefined {
    return this.cells[this.position];
  }

  get line(): number {
    return this.peek()?.line ?? this.segmentEnd;
  }

  /**
   * Takes the next `width` cells as one row. Blank lines inside the row are merged cells; the row
   * must end on a blank line, otherwise cells are missing here (and the next row's cells were
   * taken) or the row has more cells than the table has columns.
   */
  row(width: number, name: string): Cell[] {
    const start = this.position;
    const startLine = this.line;
    let lastBlank = 0;
    for (let count = 1; count <= width; count++) {
      const cell = this.cells[this.position];
      if (!cell) this.place.fail(startLine, `${name}不完整：应有 ${width} 个单元格，实际 ${count - 1} 个`);
      this.position++;
      if (count === width && !cell.blankAfter) {
        const actual = lastBlank > 0 ? `实际 ${lastBlank} 个` : `实际多于 ${width} 个`;
        this.place.fail(startLine, `${name}应有 ${width} 个单元格，${actual}`);
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
  if (plain === null) place.fail(cell.line, `${quoted(label)}不是数字：${quoted(cell.text)}${context}`);
  // Rounding a third decimal away would be a guess at what the person meant.
  if ((plain.split('.')[1] ?? '').replace(/0+$/, '').length > 2) {
    place.fail(cell.line, `${quoted(label)}最多两位小数：${quoted(cell.text)}${context}`);
  }
  // Weights, scores and 序号 live in small columns: a figure this large is a typo, not a score.
  if (Math.abs(Number(plain)) > MAX_FIGURE) place.fail(cell.line, `${quoted(label)}超出合理范围（绝对值不超过 ${MAX_FIGURE}）：${quoted(cell.text)}${context}`);
  return Number(plain);
}

const MAX_FIGURE = 1000;

function requiredScore(cell: Cell, label: string, place: Place, context = ''): number {
  const value = optionalScore(cell, label, place, context);
  if (value === null) place.fail(cell.line, `${quoted(label)}不能为空${context}`);
  return value;
}

function optionalAmount(cell: Cell, label: string, place: Place, context = ''): Amount | null {
  if (isEmptyFigure(cell.text)) return null;
  const plain = writtenNumber(cell.text);
  if (plain === null) place.fail(cell.line, `${quoted(label)}不是数字：${quoted(cell.text)}${context}`);
  try {
    return toAmount(plain);
  } catch (error) {
    if (error instanceof InvalidAmountError) {
      place.fail(cell.line, `${quoted(label)}不是有效金额（最多 6 位小数）：${quoted(cell.text)}${context}`);
    }
    throw error;
  }
}

function requiredAmount(cell: Cell, label: string, place: Place, context = ''): Amount {
  const value = optionalAmount(cell, label, place, context);
  if (value === null) place.fail(cell.line, `${quoted(label)}不能为空${context}`);
  return value;
}

function expectHeader(cells: Cell[], expected: readonly string[], table: string, place: Place): void {
  expected.forEach((label, index) => {
    const cell = cells[index]!;
    if (label !== '' && !compact(cell.text).startsWith(label)) {
      place.fail(cell.line, `${table}第 ${index + 1} 列应为${quoted(label)}，实际为${quoted(compact(cell.text))}`);
    }
  });
}

// ---------------------------------------------------------------------------------------------
// The summary table (项目绩效评价明细表)

const SUMMARY_TITLE = '项目绩效评价明细表';
const SUMMARY_COLUMNS = ['序号', '项目名称', '项目预算', '评价方式', '自评得分'] as const;

function parseSummaryTable(segment: Segment, place: Place): ParsedSummaryTable | null {
  const titleCell = segment.cells.find((cell) => compact(cell.text).endsWith(SUMMARY_TITLE));
  const headerIndex = segment.cells.findIndex((cell) => compact(cell.text) === SUMMARY_COLUMNS[0]);
  if (headerIndex < 0) {
    if (titleCell) place.fail(titleCell.line, `明细表缺少${quoted('序号')}表头`);
    return null;
  }
  // The title row and the empty row under it are merged cells of their own widths; the columns start at 序号.
  const reader = new RowReader(segment.cells.slice(headerIndex), place, segment.lastLine);
  expectHeader(reader.row(SUMMARY_COLUMNS.length, '表头行'), SUMMARY_COLUMNS, '明细表', place);

  const rows: SummaryTableRow[] = [];
  while (reader.peek() && compact(reader.peek()!.text) !== '合计') {
    const cells = reader.row(SUMMARY_COLUMNS.length, `第 ${rows.length + 1} 个项目行`);
    if (cells.every((cell) => isEmptyFigure(cell.text))) continue;
    const [seqCell, nameCell, budgetCell, methodCell, scoreCell] = cells as [Cell, Cell, Cell, Cell, Cell];
    const projectName = nameCell.text.trim();
    const context = `（${projectName}）`;
    const seq = requiredScore(seqCell, '序号', place, context);
    if (!Number.isInteger(seq)) place.fail(seqCell.line, `${quoted('序号')}不是整数：${quoted(seqCell.text)}${context}`);
    rows.push({
      seq,
      projectName,
      budget: requiredAmount(budgetCell, '项目预算', place, context),
      evaluationMethod: methodCell.text.trim(),
      selfScore: requiredScore(scoreCell, '自评得分', place, context),
      line: seqCell.line,
    });
  }

  const totalCells = reader.rest();
  const total = totalCells[1] ? optionalAmount(totalCells[1], '合计', place) : null;
  const title = titleCell ? compact(titleCell.text) : '';
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

function parseForm(segment: Segment, place: Place, summary: ParsedSummaryTable | null): ParsedForm {
  const fiscalYear = readFiscalYear(segment, place);
  const reader = new RowReader(segment.cells, place, segment.lastLine);

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
      ? readEvaluationMethod(header.evaluationMethod, header.evaluationMethodLine ?? segment.line, place)
      : readEvaluationMethod(summaryRow?.evaluationMethod, summaryRow?.line ?? segment.line, place);
  const declared: DeclaredFigures = {
    ...funds.declared,
    total,
    summarySeq: summaryRow?.seq ?? null,
    summaryBudget: summaryRow?.budget ?? null,
    summarySelfScore: summaryRow?.selfScore ?? null,
  };

  return {
    line: segment.line,
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
  if (!match) place.fail(segment.line, `未找到年度（应为“（2021年度）”这样的一行）`);
  return Number(match[1]);
}

interface FormHeader {
  projectName: string;
  competentDepartment: string;
  implementingUnit: string;
  projectLead: string;
  contactPhone: string;
  evaluationMethod?: string;
  evaluationMethodLine?: number;
}

/** The header is label/value pairs up to the funds table; 评价方式 is optional (self-evaluations omit it). */
function readHeader(reader: RowReader, place: Place): FormHeader {
  const startLine = reader.line;
  const cells: Cell[] = [];
  while (reader.peek() && !compact(reader.peek()!.text).startsWith(FUNDS_COLUMNS[0])) cells.push(reader.cell()!);
  if (cells.length % 2 !== 0) {
    place.fail(startLine, `表头单元格应成对出现（名称、内容），实际 ${cells.length} 个`);
  }
  const values: Partial<Record<HeaderField, string>> = {};
  let evaluationMethodLine: number | undefined;
  for (let index = 0; index < cells.length; index += 2) {
    const label = compact(cells[index]!.text);
    const field = HEADER_LABELS[label as keyof typeof HEADER_LABELS] as HeaderField | undefined;
    if (!field) continue; // a label this template does not have carries nothing the form stores
    values[field] = cells[index + 1]!.text.trim();
    if (field === 'projectName') place.projectName = values.projectName || null;
    if (field === 'evaluationMethod') evaluationMethodLine = cells[index + 1]!.line;
  }
  for (const label of REQUIRED_HEADER_LABELS) {
    if (values[HEADER_LABELS[label]] === undefined) place.fail(startLine, `表头缺少${quoted(label)}`);
  }
  return { ...(values as Omit<FormHeader, 'evaluationMethodLine'>), evaluationMethodLine };
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
      place.fail(labelCell.line, `项目资金此行应为${quoted(label)}，实际为${quoted(compact(labelCell.text))}`);
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
  const line = reader.line;
  const cells = reader.rest();
  if (cells.length === 0) place.fail(line, `缺少${quoted('总分')}行`);
  if (cells.length < 3 || cells.length > 4) place.fail(line, `${quoted('总分')}行应有 3 或 4 个单元格，实际 ${cells.length} 个`);
  return optionalScore(cells[2]!, '总分', place);
}

function readEvaluationMethod(written: string | undefined, line: number, place: Place): EvaluationMethod {
  // The seed's forms never name a method; self-evaluation forms are 单位自评 by definition.
  if (written === undefined || written.trim() === '') return '单位自评';
  const method = compact(written);
  if (!(EVALUATION_METHODS as readonly string[]).includes(method)) {
    place.fail(line, `${quoted('评价方式')}应为 ${EVALUATION_METHODS.join(' / ')} 之一，实际为${quoted(written)}`);
  }
  return method as EvaluationMethod;
}
