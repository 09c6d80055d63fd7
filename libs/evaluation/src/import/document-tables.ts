/**
 * A document as its tables and the paragraphs between them: what a Word file (word-document.reader.ts)
 * or an Excel workbook (its sheets, read outside this pure folder) holds, before anything is interpreted.
 * Cells keep their own paragraphs, how many grid columns they span and how they merge vertically.
 */

export type VerticalMerge = 'restart' | 'continue' | null;

export interface TableCell {
  /** The cell's paragraphs (its lines), as written. A continued merge's own paragraphs, if any, are kept here too. */
  paragraphs: string[];
  /** 0-based grid column where the cell starts. */
  column: number;
  /** Grid columns the cell covers (w:gridSpan; 1 for a plain cell). */
  gridSpan: number;
  /** w:vMerge: the first cell of a vertical merge, a cell that continues the one above, or no merge. */
  vMerge: VerticalMerge;
  /** Rows a restarting merge covers, itself included (1 for a cell that is not merged vertically; 0 for a continuation). */
  rowSpan: number;
}

export interface TableRow {
  /** 1-based row number in its table (for a worksheet: the sheet's row number). */
  number: number;
  cells: TableCell[];
}

export interface DocumentTable {
  /** Where the table is: the n-th table of a Word document, or a worksheet by name. */
  source: { kind: 'table'; table: number } | { kind: 'sheet'; sheet: string };
  rows: TableRow[];
}

export type DocumentBlock = { kind: 'paragraph'; text: string } | { kind: 'table'; table: DocumentTable };

/** The text a reader of the document sees in a cell: its lines; a continued merge shows nothing of its own. */
export function cellText(cell: TableCell): string {
  return cell.vMerge === 'continue' ? '' : cell.paragraphs.join('\n');
}

/** Sets rowSpan on every cell from the vMerge marks: a restart spans the continuations below it in its column. */
export function computeRowSpans(rows: readonly TableRow[]): void {
  rows.forEach((row, rowIndex) => {
    for (const cell of row.cells) {
      if (cell.vMerge === 'continue') {
        cell.rowSpan = 0;
        continue;
      }
      let span = 1;
      if (cell.vMerge === 'restart') {
        for (let below = rowIndex + 1; below < rows.length; below++) {
          const next = rows[below]!.cells.find((candidate) => candidate.column === cell.column);
          if (!next || next.vMerge !== 'continue') break;
          span++;
        }
      }
      cell.rowSpan = span;
    }
  });
}

/** Spreadsheet column letters: 0 → A, 25 → Z, 26 → AA. */
export function columnLetters(column: number): string {
  let letters = '';
  for (let n = column + 1; n > 0; n = Math.floor((n - 1) / 26)) letters = String.fromCharCode(65 + ((n - 1) % 26)) + letters;
  return letters;
}
