/**
 * Word documents built for tests with the `docx` package, laid out as the units' paper forms: the
 * 明细表 with its title row, then per project the title paragraphs and one table with merged cells
 * (项目资金 and 年度总体目标 labels down their rows, 绩效指标 down the indicator table, 一级/二级指标
 * down their groups), multi-line cells as paragraphs, a 万元 unit in a header.
 */
import { AlignmentType, Document, Packer, Paragraph, Table, TableCell, TableRow, TextRun, VerticalMergeType, WidthType } from 'docx';
import JSZip from 'jszip';
import type { ParsedForm, ParsedSelfEvaluationFile, ParsedSummaryTable } from '#perf-eval/evaluation';

export interface CellSpec {
  text?: string;
  span?: number;
  merge?: 'restart' | 'continue';
}

const GRID = 9;
const TWIPS = 9000;

export function cell(text: string, span = 1, merge?: 'restart' | 'continue'): CellSpec {
  return { text, span, merge };
}

/** A table whose rows hold exactly the given cells (no cell is added or dropped). */
export function table(rows: CellSpec[][], grid = GRID): Table {
  return new Table({
    width: { size: TWIPS, type: WidthType.DXA },
    columnWidths: Array(grid).fill(Math.floor(TWIPS / grid)),
    rows: rows.map(
      (cells) =>
        new TableRow({
          children: cells.map(
            (spec) =>
              new TableCell({
                columnSpan: spec.span && spec.span > 1 ? spec.span : undefined,
                verticalMerge: spec.merge === 'restart' ? VerticalMergeType.RESTART : spec.merge === 'continue' ? VerticalMergeType.CONTINUE : undefined,
                // A cell's lines are its paragraphs.
                children: (spec.merge === 'continue' ? [''] : (spec.text ?? '').split('\n')).map((line) => new Paragraph({ children: [new TextRun(line)] })),
              }),
          ),
        }),
    ),
  });
}

export function paragraph(text: string, bold = false): Paragraph {
  return new Paragraph({ alignment: AlignmentType.CENTER, children: [new TextRun({ text, bold })] });
}

export async function docxOf(children: Array<Paragraph | Table>): Promise<Buffer> {
  return Packer.toBuffer(new Document({ sections: [{ children }] }));
}

/** word/document.xml of a .docx. */
export async function documentXml(docx: Buffer): Promise<string> {
  const zip = await JSZip.loadAsync(docx);
  return zip.file('word/document.xml')!.async('string');
}

export interface PaperOptions {
  /** Amounts as the unit typed them: 'plain' (84.61), 'padded' (84.610000), 'fullWidth' (８４．６１), 'unit' (84.61万元). */
  amounts?: (formIndex: number) => 'plain' | 'padded' | 'fullWidth' | 'unit';
  /** Figures (weights, scores) in full-width digits for these forms. */
  fullWidthFigures?: (formIndex: number) => boolean;
}

/** The paper 明细表 as a Word table: title row, an empty row, the header, one row per project, 合计. */
export function summaryTable(summary: ParsedSummaryTable, unitName: string): Table {
  return table(
    [
      [cell(`${unitName}项目绩效评价明细表`, 5)],
      [cell(''), cell(''), cell(''), cell(''), cell('')],
      [cell('序号'), cell('项目名称'), cell('项目预算\n（万元）'), cell('评价方式'), cell('自评\n得分')],
      ...summary.rows.map((row) => [cell(String(row.seq)), cell(row.projectName), cell(Number(row.budget).toFixed(2)), cell(row.evaluationMethod), cell(String(row.selfScore))]),
      [cell('合计', 2), cell(summary.total ?? ''), cell(''), cell('')],
    ],
    5,
  );
}

/** One 自评表: its title paragraphs and its table, from a parsed form (what the text import read). */
export function formBlocks(entry: ParsedForm, formIndex: number, options: PaperOptions = {}): Array<Paragraph | Table> {
  return [paragraph('项目支出绩效自评表', true), paragraph(`（${entry.fiscalYear}年度）`), table(formRows(entry, formIndex, options)), new Paragraph('')];
}

/** The rows of one 自评表's table, as the paper has them. */
export function formRows(entry: ParsedForm, formIndex: number, options: PaperOptions = {}): CellSpec[][] {
  const { form } = entry;
  const style = options.amounts?.(formIndex) ?? 'plain';
  const fullWidth = options.fullWidthFigures?.(formIndex) ?? false;
  const amount = (value: string | null | undefined) => (value === null || value === undefined ? '' : writeAmount(value, style));
  const figure = (value: number | null | undefined, dash = '') => (value === null || value === undefined ? dash : fullWidth ? toFullWidth(String(value)) : String(value));
  const declared = form.declared ?? {};
  const fundsRow = (key: 'total' | 'currentYear' | 'carryOver' | 'other', label: string): CellSpec[] => {
    const row = form.funds[key];
    const isTotal = key === 'total';
    return [
      cell('', 2, 'continue'),
      cell(label),
      cell(amount(row?.initialBudget)),
      cell(amount(row?.fullYearBudget)),
      cell(amount(row?.executed)),
      cell(isTotal ? figure(declared.budgetWeight, '—') : '—'),
      cell(isTotal ? (declared.executionRate ?? '') : ''),
      cell(isTotal ? figure(declared.budgetScore, '—') : '—'),
    ];
  };
  const rows = form.indicators;
  const mergeOf = (index: number, key: 'level1' | 'level2'): 'restart' | 'continue' | undefined => {
    if (index > 0 && rows[index]![key] === '') return 'continue';
    return index + 1 < rows.length && rows[index + 1]![key] === '' ? 'restart' : undefined;
  };
  const weightSum = rows.reduce((sum, row) => sum + Math.round((row.weight ?? 0) * 100), 1000) / 100;
  return [
      [cell('项目名称', 2), cell(form.projectName, 7)],
      [cell('主管部门', 2), cell(form.competentDepartment, 3), cell('实施单位', 2), cell(entry.implementingUnit, 2)],
      [cell('项目负责人', 2), cell(form.projectLead, 3), cell('联系电话', 2), cell(form.contactPhone, 2)],
      [cell('项目资金\n（万元）', 2, 'restart'), cell(''), cell('年初预\n算数'), cell('全年预算数'), cell('全年\n执行数'), cell('分值'), cell('执行率'), cell('得分')],
      fundsRow('total', '年度资金总额'),
      fundsRow('currentYear', '其中：当年财政\n拨款'),
      fundsRow('carryOver', '上年结转资金'),
      fundsRow('other', '其他资金'),
      [cell('年度总体目标', 2, 'restart'), cell('预期目标', 4), cell('实际完成情况', 3)],
      [cell('', 2, 'continue'), cell(form.goals.expected, 4), cell(form.goals.actual, 3)],
      [cell('绩\n效\n指\n标', 1, 'restart'), cell('一级指标'), cell('二级指标'), cell('三级指标'), cell('年度\n指标值'), cell('实际\n完成值'), cell('分值'), cell('得分'), cell('偏差原因分析及改进\n措施')],
      ...rows.map((row, index) => [
        cell('', 1, 'continue'),
        cell(row.level1, 1, mergeOf(index, 'level1')),
        cell(row.level2, 1, mergeOf(index, 'level2')),
        cell(row.name),
        cell(row.target),
        cell(row.actual),
        cell(figure(row.weight)),
        cell(figure(row.score)),
        cell(row.deviation),
      ]),
      [cell('总分', 6), cell(String(weightSum)), cell(figure(declared.total)), cell('')],
  ];
}

/** The whole file: 明细表 first (or where `order` puts it), then the forms. */
export async function selfEvaluationDocx(
  parsed: ParsedSelfEvaluationFile,
  options: PaperOptions & { forms?: number[]; summaryLast?: boolean; withSummary?: boolean } = {},
): Promise<Buffer> {
  const unitName = parsed.forms[0]!.implementingUnit;
  const indices = options.forms ?? parsed.forms.map((_, index) => index);
  const summary = options.withSummary === false || !parsed.summary ? [] : [summaryTable(parsed.summary, unitName), new Paragraph('')];
  const forms = indices.flatMap((index, position) => formBlocks(parsed.forms[index]!, position, options));
  return docxOf(options.summaryLast ? [...forms, ...summary] : [...summary, ...forms]);
}

function writeAmount(value: string, style: 'plain' | 'padded' | 'fullWidth' | 'unit'): string {
  switch (style) {
    case 'plain':
      return value;
    case 'padded': {
      const [whole, fraction = ''] = value.split('.');
      return `${whole}.${fraction.padEnd(6, '0')}`;
    }
    case 'fullWidth':
      return toFullWidth(value);
    case 'unit':
      return `${value}万元`;
  }
}

export function toFullWidth(text: string): string {
  return text.replace(/[0-9.%]/g, (ch) => String.fromCharCode(ch.charCodeAt(0) + 0xfee0));
}
