/**
 * Reads a unit's self-evaluations out of a document's tables (a Word file or an Excel workbook, see
 * document-tables.ts): the 明细表 and each 自评表 are found by their headers, in any order and in any
 * number, and read with the same rules as the text dump (self-evaluation-layout.ts).
 *
 * - a table whose header row reads 序号 | 项目名称 | … is the 明细表 (at most one);
 * - a table with a 项目名称 row followed by a 项目资金 row is a 自评表; its title and year stand in the
 *   paragraphs before it or in title rows at its top; rows after its 总分 row (notes, signatures)
 *   are not part of the form;
 * - any other table (a cover page, a findings sheet) is not read.
 *
 * Every cell is one cell of the table as the document has it (w:tc), whatever it spans; a cell that
 * continues a vertical merge reads empty, as a merged 一级/二级指标 cell below its first row does on paper.
 */
import { cellText, columnLetters, type DocumentBlock, type DocumentTable, type TableRow } from './document-tables.js';
import {
  FORM_TITLE,
  Place,
  SUMMARY_TITLE,
  compact,
  parseForm,
  parseSummaryTable,
  type Cell,
  type ParseSelfEvaluationOptions,
  type ParsedSelfEvaluationFile,
  type ParsedSummaryTable,
  type Segment,
  type SourceLocation,
} from './self-evaluation-layout.js';

const SUMMARY_WIDTH = 5;

export function parseSelfEvaluationTables(blocks: readonly DocumentBlock[], options: ParseSelfEvaluationOptions = {}): ParsedSelfEvaluationFile {
  const fileName = options.fileName ?? null;
  let summarySegment: Segment | null = null;
  const formTables: FormTables[] = [];
  let paragraphs: string[] = [];

  for (const block of blocks) {
    if (block.kind === 'paragraph') {
      if (block.text.trim() !== '') paragraphs.push(block.text);
      continue;
    }
    const table = block.table;
    const kind = classify(table);
    const open = formTables.at(-1)?.complete === false ? formTables.at(-1)! : null;
    if (kind === 'summary') {
      if (summarySegment) new Place(fileName, null).fail(locate(table, table.rows[0], 0), '文件中有不止一张项目绩效评价明细表');
      summarySegment = summaryFrom(table, paragraphs);
      if (open) open.complete = true;
    } else if (kind === 'form') {
      if (open) open.complete = true;
      formTables.push({ parts: [table], paragraphs, complete: hasTotalRow(table) });
    } else if (open && paragraphs.length === 0 && table.source.kind === 'table') {
      // A Word form broken into two tables (a page break, an empty line between): its rest until 总分.
      open.parts.push(table);
      open.complete = hasTotalRow(table);
    } else if (open) {
      open.complete = true;
    }
    paragraphs = [];
  }
  const formSegments = formTables.map(({ parts, paragraphs: lead }) => formFrom(parts, lead));

  const summary: ParsedSummaryTable | null = summarySegment ? parseSummaryTable(summarySegment, new Place(fileName, null)) : null;
  const forms = formSegments.map((segment, index) => parseForm(segment, new Place(fileName, index), summary));
  return { summary, forms };
}

type TableKind = 'summary' | 'form' | null;

function classify(table: DocumentTable): TableKind {
  const firsts = table.rows.map((row) => compact(firstText(row)));
  const headerRow = table.rows.find((row) => compact(firstText(row)) === '序号');
  if (headerRow && compact(cellText(headerRow.cells[1] ?? emptyCell())) === '项目名称') return 'summary';
  const name = firsts.indexOf('项目名称');
  if (name >= 0 && firsts.slice(name + 1).some((text) => text.startsWith('项目资金'))) return 'form';
  return null;
}

function summaryFrom(table: DocumentTable, paragraphs: string[]): Segment {
  const header = table.rows.findIndex((row) => compact(firstText(row)) === '序号');
  const cells: Cell[] = [];
  table.rows.forEach((row, index) => {
    // The paper's five columns; an exported 明细表 adds its own (计算得分, 等级, 状态…) to the right.
    const kept = index >= header ? row.cells.slice(0, SUMMARY_WIDTH) : row.cells;
    cells.push(...cellsOf(table, row, kept.length));
  });
  // A title set as a paragraph above the table names the unit as a title row would.
  const title = paragraphs.filter((text) => compact(text).endsWith(SUMMARY_TITLE)).at(-1);
  return segmentOf(table, title ? [title] : [], cells);
}

interface FormTables {
  /** The table holding the 项目名称 row, then the tables that continue it until its 总分 row. */
  parts: DocumentTable[];
  paragraphs: string[];
  /** Its 总分 row has been read, or something else came after it. */
  complete: boolean;
}

function hasTotalRow(table: DocumentTable): boolean {
  return table.rows.some((row) => compact(firstText(row)) === '总分');
}

function formFrom(parts: DocumentTable[], paragraphs: string[]): Segment {
  const [table, ...continued] = parts as [DocumentTable, ...DocumentTable[]];
  const start = table.rows.findIndex((row) => compact(firstText(row)) === '项目名称');
  // Title rows inside the table (as a worksheet has them) count as the lines before it.
  const titleRows = table.rows.slice(0, start).map((row) => row.cells.map(cellText).join('').trim()).filter((text) => text !== '');
  const lead = [...paragraphs.filter((text) => compact(text).includes(FORM_TITLE) || /\d{4}年度/.test(compact(text))), ...titleRows];
  const cells: Cell[] = [];
  let ended = false;
  parts.forEach((part, index) => {
    for (const row of part.rows.slice(index === 0 ? start : 0)) {
      if (ended) return;
      cells.push(...cellsOf(part, row, row.cells.length));
      // Rows after 总分 (notes, signatures) are not part of the form.
      if (compact(firstText(row)) === '总分') ended = true;
    }
  });
  const last = continued.at(-1) ?? table;
  const segment = segmentOf(table, lead, cells, start);
  return continued.length > 0 ? { ...segment, endAt: segmentOf(last, [], []).endAt } : segment;
}

function segmentOf(table: DocumentTable, leadLines: string[], cells: Cell[], startRow = 0): Segment {
  const firstRow = table.rows[startRow];
  const lastRow = table.rows[table.rows.length - 1];
  return {
    at: locate(table, firstRow, 0),
    leadLines,
    cells,
    endAt: lastRow ? locate(table, lastRow, Math.max(0, lastRow.cells.length - 1)) : locate(table, undefined, 0),
    exactRows: true,
  };
}

function cellsOf(table: DocumentTable, row: TableRow, count: number): Cell[] {
  return row.cells.slice(0, count).map((cell, index) => ({
    text: cellText(cell).trimEnd(),
    at: locate(table, row, index),
    blankAfter: index === count - 1,
  }));
}

function locate(table: DocumentTable, row: TableRow | undefined, cellIndex: number): SourceLocation {
  const rowNumber = row?.number ?? 1;
  if (table.source.kind === 'table') return { kind: 'table', table: table.source.table, row: rowNumber, cell: cellIndex + 1 };
  const column = row?.cells[cellIndex]?.column ?? cellIndex;
  return { kind: 'sheet', sheet: table.source.sheet, row: rowNumber, cell: column + 1, address: `${columnLetters(column)}${rowNumber}` };
}

function firstText(row: TableRow): string {
  const first = row.cells[0];
  return first ? cellText(first) : '';
}

function emptyCell() {
  return { paragraphs: [], column: 0, gridSpan: 1, vMerge: null, rowSpan: 1 } as const;
}
