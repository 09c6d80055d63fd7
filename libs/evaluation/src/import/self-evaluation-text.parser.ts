/**
 * Reads the text dump of a unit's Word self-evaluation document: the summary table
 * (项目绩效评价明细表) followed by one 项目支出绩效自评表 per project.
 *
 * The dump keeps only the table cells: every cell starts with a tab, a cell's further lines follow
 * without one, and blank lines separate rows but also stand inside merged or multi-paragraph
 * cells. Rows are therefore rebuilt from the column count each table region is known to have,
 * with the blank lines only as candidate row ends (self-evaluation-layout.ts reads the regions).
 */
import {
  FORM_TITLE,
  Place,
  compact,
  parseForm,
  parseSummaryTable,
  type Cell,
  type ParseSelfEvaluationOptions,
  type ParsedSelfEvaluationFile,
  type Segment,
} from './self-evaluation-layout.js';

export {
  SelfEvaluationParseError,
  type ParseSelfEvaluationOptions,
  type ParsedForm,
  type ParsedSelfEvaluationFile,
  type ParsedSummaryTable,
  type SummaryTableRow,
} from './self-evaluation-layout.js';

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

/** Word leaves its cursor bookmark in the dump ("[bookmark: _GoBack]"); it is not part of any text. */
const WORD_BOOKMARK = /\[bookmark:[^\]]*\]/g;

const at = (line: number) => ({ kind: 'line' as const, line });

/** Segment 0 is whatever precedes the first form (the summary table); each form title opens a segment. */
function splitIntoSegments(text: string): Segment[] {
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  const segments: Segment[] = [];
  let segment: Segment = { at: at(1), leadLines: [], cells: [], endAt: at(1), exactRows: false };
  let cellLines: string[] | null = null;
  let cellLine = 0;

  const closeCell = (): void => {
    if (!cellLines) return;
    const blankAfter = cellLines.length > 1 && isBlank(cellLines[cellLines.length - 1]!);
    const cell: Cell = { text: cellLines.join('\n').trimEnd(), at: at(cellLine), blankAfter };
    segment.cells.push(cell);
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
      segment = { at: at(lineNo), leadLines: [line], cells: [], endAt: at(lineNo), exactRows: false };
    } else if (cellLines) {
      cellLines.push(line);
    } else {
      segment.leadLines.push(line);
    }
    segment.endAt = at(lineNo);
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
