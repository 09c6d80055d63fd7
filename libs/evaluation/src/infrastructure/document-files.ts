/**
 * Opens an uploaded Word (.docx) or Excel (.xlsx) file and hands its tables to the pure readers
 * (libs/evaluation/src/import). What a file is comes from its bytes, never from its name or the
 * declared content type: a zip with word/document.xml is a Word file, one with xl/workbook.xml a
 * workbook. Entries are inflated with a ceiling, so a small zip that unpacks to gigabytes is refused.
 */
import ExcelJS from 'exceljs';
import JSZip from 'jszip';
import { xmlAttribute, xmlTags } from '../import/xml-tags.js';
import { columnLetters, computeRowSpans, type DocumentBlock, type DocumentTable, type TableCell, type TableRow } from '../import/document-tables.js';
import { readWordDocument } from '../import/word-document.reader.js';
import { EvaluationError } from '../domain/evaluation.errors.js';

export type DocumentFormat = 'docx' | 'xlsx';

export const DOCX_CONTENT_TYPE = 'application/vnd.openxmlformats-officedocument.wordprocessingml.document';
export const XLSX_CONTENT_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

/**
 * What the unpacked XML may hold, counted as tags (each `<`). A parsed DOM costs about 600 bytes of heap a tag
 * (xmldom; ExcelJS's model is of the same order): 64 MB of tiny tags would need gigabytes and end the process, while a
 * unit's year of forms in Word is some thousands of tags a form. 400k tags is about 230 MB of heap at worst.
 */
export const MAX_XML_TAGS = 400_000;

export class UnreadableFileError extends EvaluationError {
  readonly code = 'IMPORT_FILE_UNREADABLE';
}

/** Neither Word, Excel nor text; `details` names the content type sent and those taken, when the refusal is by content type. */
export class UnsupportedFileError extends EvaluationError {
  readonly code = 'IMPORT_UNSUPPORTED_TYPE';
  constructor(
    message: string,
    override readonly details: { contentType: string | null; expected: string[] } | undefined = undefined,
  ) {
    super(message);
  }
}

/** An import without anything to read (no file, an empty body, a blank text). */
export class EmptyUploadError extends EvaluationError {
  readonly code = 'IMPORT_BODY_REQUIRED';
}

export function isZip(bytes: Uint8Array): boolean {
  return bytes.length >= 4 && bytes[0] === 0x50 && bytes[1] === 0x4b && bytes[2] === 0x03 && bytes[3] === 0x04;
}

export interface OpenedDocument {
  format: DocumentFormat;
  blocks: DocumentBlock[];
}

/** One document is opened at a time in a process: two of the largest at once would not fit the API's heap. */
let opening: Promise<unknown> = Promise.resolve();

/**
 * Opens a .docx or .xlsx by its content (one at a time in this process; the others wait their turn).
 * `maxUnpackedBytes` (IMPORT_MAX_UNPACKED_BYTES) bounds what it may unpack to, in total; the upload itself is
 * limited by IMPORT_BODY_LIMIT.
 */
export function openDocument(bytes: Buffer, maxUnpackedBytes: number): Promise<OpenedDocument> {
  const turn = opening.then(() => openNow(bytes, maxUnpackedBytes));
  opening = turn.catch(() => undefined);
  return turn;
}

async function openNow(bytes: Buffer, maxUnpackedBytes: number): Promise<OpenedDocument> {
  if (!isZip(bytes)) throw new UnreadableFileError('文件不是有效的 Word（.docx）或 Excel（.xlsx）文件');
  let zip: JSZip;
  try {
    zip = await JSZip.loadAsync(bytes, { checkCRC32: true });
  } catch (error) {
    throw new UnreadableFileError(`文件已损坏，无法解压：${(error as Error).message}`);
  }
  const format = formatOf(zip);
  if (format === 'docx') {
    const xml = await inflate(zip, ['word/document.xml'], maxUnpackedBytes);
    return { format: 'docx', blocks: readWordDocument(xml.get('word/document.xml')!.toString('utf8')) };
  }
  if (format === 'xlsx') {
    // ExcelJS unpacks the workbook itself: inflate every entry once with the ceiling first.
    const parts = await inflate(zip, Object.keys(zip.files).filter((name) => !zip.files[name]!.dir), maxUnpackedBytes);
    let trimmed = false;
    for (const [name, xml] of parts) {
      if (!WORKSHEET_PART.test(name)) continue;
      const kept = checkSheetExtent(xml.toString('utf8'));
      if (kept !== null) {
        zip.file(name, kept);
        trimmed = true;
      }
    }
    const workbook = trimmed ? await zip.generateAsync({ type: 'nodebuffer', compression: 'DEFLATE', compressionOptions: { level: 1 } }) : bytes;
    return { format: 'xlsx', blocks: await workbookTables(workbook) };
  }
  throw new UnsupportedFileError('压缩文件既不是 Word（.docx）也不是 Excel（.xlsx）文件');
}

/** What a zip is by the part it holds: a Word file holds word/document.xml, a workbook xl/workbook.xml. */
function formatOf(zip: JSZip): DocumentFormat | null {
  if (zip.file('word/document.xml')) return 'docx';
  if (zip.file('xl/workbook.xml')) return 'xlsx';
  return null;
}

/**
 * Whether the bytes are a Word or Excel file, by the same rule as the import, without inflating anything (only the
 * zip's directory is read); null for anything else, a broken zip included.
 */
export async function sniffDocument(bytes: Buffer): Promise<DocumentFormat | null> {
  if (!isZip(bytes)) return null;
  try {
    return formatOf(await JSZip.loadAsync(bytes));
  } catch {
    return null;
  }
}

async function inflate(zip: JSZip, names: string[], maxUnpackedBytes: number): Promise<Map<string, Buffer>> {
  const out = new Map<string, Buffer>();
  let total = 0;
  let tags = 0;
  for (const name of names) {
    const entry = zip.file(name);
    if (!entry) continue;
    const chunks: Buffer[] = [];
    await new Promise<void>((resolve, reject) => {
      const stream = entry.nodeStream('nodebuffer');
      stream.on('data', (chunk: Buffer) => {
        total += chunk.length;
        if (total > maxUnpackedBytes) {
          stream.pause();
          stream.removeAllListeners('data');
          reject(new UnreadableFileError(`文件解压后超过 ${Math.round(maxUnpackedBytes / 1024 / 1024)} MB，不予导入`));
          return;
        }
        for (let i = chunk.indexOf(0x3c); i !== -1; i = chunk.indexOf(0x3c, i + 1)) tags++;
        if (tags > MAX_XML_TAGS) {
          stream.pause();
          stream.removeAllListeners('data');
          reject(new UnreadableFileError(`文件内容过多（超过 ${MAX_XML_TAGS / 10_000} 万个 XML 标记），请拆分为几个文件分批导入`));
          return;
        }
        chunks.push(chunk);
      });
      stream.on('end', () => resolve());
      stream.on('error', (error: Error) => reject(new UnreadableFileError(`文件已损坏，无法解压：${error.message}`)));
    });
    out.set(name, Buffer.concat(chunks));
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Workbooks: each worksheet is one table, its merged ranges as gridSpan/vMerge.

interface Range {
  top: number;
  left: number;
  bottom: number;
  right: number;
}

/**
 * How far a worksheet may reach. A sheet is read as a grid from A1 to its last cell or merged range, and ExcelJS
 * makes a cell of every position a merged range covers: one cell at AZ200000 (an 11 KB file) cost 3.8 GB and two
 * minutes of a blocked API. A self-evaluation form is ~12 columns by ~40 rows; these bounds hold a thousand forms
 * stacked in one sheet.
 */
export const MAX_SHEET_ROWS = 50_000;
export const MAX_SHEET_COLUMNS = 200;
export const MAX_SHEET_CELLS = 500_000;

/**
 * Reads a worksheet's XML once before ExcelJS loads it. Refuses it when its cells with content (a value, inline text
 * or a formula) or its merged ranges reach beyond the bounds; rows and cells that only carry formatting cost nothing
 * and do not count (Excel writes them for a formatted whole column). Answers the sheet without its data validations,
 * or null when it has none: nothing the import reads, and ExcelJS makes an entry for every cell a validation's range
 * covers (a whole column is a million; `A1:Z1048576` ran for minutes).
 */
export function checkSheetExtent(xml: string): string | null {
  let rows = 0;
  let columns = 0;
  const reach = (ref: string | null) => {
    const m = /^\$?([A-Z]{1,3})\$?(\d{1,7})$/.exec(ref ?? '');
    if (!m) return;
    columns = Math.max(columns, columnNumber(m[1]));
    rows = Math.max(rows, Number(m[2]));
  };
  let cell: string | null = null;
  const cuts: [number, number][] = [];
  let validations: number | null = null;
  for (const tag of xmlTags(xml)) {
    if (tag.name === 'dataValidations') {
      if (tag.kind === 'self') cuts.push([tag.start, tag.end]);
      else if (tag.kind === 'open') validations = tag.start;
      else if (validations !== null) {
        cuts.push([validations, tag.end]);
        validations = null;
      }
    } else if (validations !== null) continue;
    else if (tag.name === 'c') {
      cell = tag.kind === 'open' ? xmlAttribute(tag.text, 'r') : null;
    } else if (cell !== null && tag.kind !== 'close' && (tag.name === 'v' || tag.name === 'is' || tag.name === 'f')) {
      reach(cell);
      cell = null;
    } else if (tag.name === 'mergeCell' && tag.kind !== 'close') {
      for (const end of (xmlAttribute(tag.text, 'ref') ?? '').split(':')) reach(end.trim());
    }
  }
  if (rows > MAX_SHEET_ROWS || columns > MAX_SHEET_COLUMNS || rows * columns > MAX_SHEET_CELLS) {
    throw new UnreadableFileError(
      `Excel 工作表范围过大（到第 ${rows} 行、第 ${columns} 列；最多 ${MAX_SHEET_ROWS} 行、${MAX_SHEET_COLUMNS} 列、${MAX_SHEET_CELLS / 10_000} 万个单元格），请删去表外的内容或拆分后再导入`,
    );
  }
  if (cuts.length === 0) return null;
  let kept = '';
  let from = 0;
  for (const [cutStart, cutEnd] of cuts) {
    kept += xml.slice(from, cutStart);
    from = cutEnd;
  }
  return kept + xml.slice(from);
}

/** A worksheet part, as ExcelJS finds it (with or without a leading slash). */
const WORKSHEET_PART = /(^|\/)xl\/worksheets\/[^/]+\.xml$/;


async function workbookTables(bytes: Buffer): Promise<DocumentBlock[]> {
  const workbook = new ExcelJS.Workbook();
  try {
    await workbook.xlsx.load(bytes as unknown as ExcelJS.Buffer);
  } catch (error) {
    // ExcelJS's own words are about its internals ("Cannot read properties of undefined (reading 'richText')"): not shown.
    throw new UnreadableFileError('Excel 文件无法读取：文件内容不完整，或不是有效的 Excel 工作簿（.xlsx），请用 Excel 或 WPS 打开后另存为 .xlsx 再导入');
  }
  const blocks: DocumentBlock[] = [];
  workbook.eachSheet((sheet) => {
    if (sheet.state && sheet.state !== 'visible') return;
    blocks.push({ kind: 'table', table: sheetTable(sheet) });
  });
  return blocks;
}

export function sheetTable(sheet: ExcelJS.Worksheet): DocumentTable {
  const ranges: Range[] = (sheet.model.merges ?? []).map(parseRange).filter((range): range is Range => range !== null);
  const rangeAt = new Map<string, Range>();
  for (const range of ranges) {
    for (let r = range.top; r <= range.bottom; r++) for (let c = range.left; c <= range.right; c++) rangeAt.set(`${r},${c}`, range);
  }
  // The table is as wide and as long as its last written cell or merged range.
  let width = 0;
  let height = 0;
  for (const range of ranges) {
    width = Math.max(width, range.right);
    height = Math.max(height, range.bottom);
  }
  sheet.eachRow({ includeEmpty: false }, (row, rowNumber) => {
    row.eachCell({ includeEmpty: false }, (cell, column) => {
      if (textOf(cell) !== '') {
        width = Math.max(width, column);
        height = Math.max(height, rowNumber);
      }
    });
  });

  const rows: TableRow[] = [];
  for (let r = 1; r <= height; r++) {
    const cells: TableCell[] = [];
    for (let c = 1; c <= width; ) {
      const range = rangeAt.get(`${r},${c}`);
      if (range) {
        const span = range.right - range.left + 1;
        const first = range.top === r;
        cells.push({
          paragraphs: first ? textOf(sheet.getCell(range.top, range.left)).split('\n') : [''],
          column: c - 1,
          gridSpan: span,
          vMerge: range.bottom > range.top ? (first ? 'restart' : 'continue') : null,
          rowSpan: 1,
        });
        c = range.right + 1;
      } else {
        cells.push({ paragraphs: textOf(sheet.getCell(r, c)).split('\n'), column: c - 1, gridSpan: 1, vMerge: null, rowSpan: 1 });
        c++;
      }
    }
    rows.push({ number: r, cells });
  }
  computeRowSpans(rows);
  return { source: { kind: 'sheet', sheet: sheet.name }, rows };
}

function parseRange(text: string): Range | null {
  const match = /^([A-Z]+)(\d+):([A-Z]+)(\d+)$/.exec(text.replace(/\$/g, '').toUpperCase());
  if (!match) return null;
  const left = columnNumber(match[1]!);
  const right = columnNumber(match[3]!);
  const top = Number(match[2]);
  const bottom = Number(match[4]);
  return { top: Math.min(top, bottom), bottom: Math.max(top, bottom), left: Math.min(left, right), right: Math.max(left, right) };
}

function columnNumber(letters: string): number {
  return [...letters].reduce((n, ch) => n * 26 + ch.charCodeAt(0) - 64, 0);
}

/** A cell as a person reads it: numbers without float noise, percentages as formatted, formulas by their result. */
function textOf(cell: ExcelJS.Cell): string {
  return valueText(cell.value, cell.numFmt);
}

function valueText(value: ExcelJS.CellValue, numFmt: string | undefined): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value.replace(/\r\n?/g, '\n');
  if (typeof value === 'number') return numberText(value, numFmt);
  if (typeof value === 'boolean') return value ? 'TRUE' : 'FALSE';
  // A date-formatted cell whose number is no date (1e20) reads as nothing, not as a RangeError.
  if (value instanceof Date) return Number.isFinite(value.getTime()) ? value.toISOString().slice(0, 10) : '';
  if (typeof value === 'object') {
    if ('richText' in value && Array.isArray(value.richText)) return value.richText.map((run) => run.text).join('').replace(/\r\n?/g, '\n');
    if ('formula' in value || 'sharedFormula' in value) return valueText((value as { result?: ExcelJS.CellValue }).result ?? null, numFmt);
    if ('text' in value && typeof (value as { text: unknown }).text === 'string') return (value as { text: string }).text;
    if ('error' in value) return String((value as { error: string }).error);
  }
  return String(value);
}

function numberText(value: number, numFmt: string | undefined): string {
  if (!Number.isFinite(value)) return '';
  if (numFmt && numFmt.includes('%')) {
    const decimals = (/\.(0+)/.exec(numFmt)?.[1] ?? '').length;
    return `${(value * 100).toFixed(decimals)}%`;
  }
  // Excel keeps 15 significant digits; what lies beyond is binary noise (46.107787999999999).
  return String(Number(value.toPrecision(15)));
}

export { columnLetters };
