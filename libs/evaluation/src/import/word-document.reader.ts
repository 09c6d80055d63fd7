/**
 * Reads the body of a Word document (`word/document.xml` of a .docx) as its paragraphs and tables,
 * in document order: every table's rows and cells with their paragraphs, grid columns (w:gridSpan,
 * w:gridBefore) and vertical merges (w:vMerge restart/continue). Pure: XML text in, blocks out; the
 * unzipping happens outside (libs/evaluation/src/infrastructure/document-files.ts).
 *
 * What a reader of the printed page sees is what is read: runs' text (w:t), tabs, line breaks and
 * inserted revisions; not deleted revisions (w:delText), field codes (w:instrText), text boxes or the
 * fallback copy of alternate content.
 */
import { DOMParser, type Element, type Node } from '@xmldom/xmldom';
import { xmlTags } from './xml-tags.js';
import { DomainError } from '#perf-eval/errors';
import { computeRowSpans, type DocumentBlock, type DocumentTable, type TableCell, type TableRow, type VerticalMerge } from './document-tables.js';

const W = 'http://schemas.openxmlformats.org/wordprocessingml/2006/main';
const MC = 'http://schemas.openxmlformats.org/markup-compatibility/2006';

export class WordDocumentError extends DomainError {
  readonly code = 'IMPORT_FILE_UNREADABLE';
}

/** Containers whose children belong to the flow they stand in (content controls, custom XML, inserted revisions). */
const TRANSPARENT = new Set(['sdt', 'sdtContent', 'customXml', 'smartTag', 'ins', 'moveTo', 'fldSimple', 'hyperlink', 'dir', 'bdo']);
/** Inside a paragraph: nothing a reader sees as this paragraph's text. */
const SKIPPED_IN_RUNS = new Set(['del', 'moveFrom', 'drawing', 'pict', 'object', 'footnoteReference', 'endnoteReference', 'rPr', 'pPr']);

/**
 * How deep elements may nest. Word's own documents nest some tens deep (a table in a table cell is ~15 more);
 * the readers below walk the tree recursively, and 20,000 nested hyperlinks ran them out of stack (a 500).
 */
export const MAX_XML_DEPTH = 256;

/** The deepest nesting of elements in `xml`, read off its tags in one pass (xml-tags.ts). */
export function xmlDepth(xml: string): number {
  let depth = 0;
  let deepest = 0;
  for (const tag of xmlTags(xml)) {
    if (tag.kind === 'close') depth--;
    else if (tag.kind === 'open') deepest = Math.max(deepest, ++depth);
  }
  return deepest;
}

export function readWordDocument(xml: string): DocumentBlock[] {
  // A DOCTYPE has no place in document.xml; refusing it keeps entity tricks out.
  if (/<!DOCTYPE/i.test(xml)) throw new WordDocumentError('Word 文档内容无效（含 DOCTYPE）');
  if (xmlDepth(xml) > MAX_XML_DEPTH) throw new WordDocumentError(`Word 文档的结构嵌套过深（超过 ${MAX_XML_DEPTH} 层），无法读取`);
  let document;
  try {
    document = new DOMParser({
      onError: (level: string, message: string) => {
        if (level !== 'warning') throw new Error(message);
      },
    }).parseFromString(xml, 'text/xml');
  } catch (error) {
    throw new WordDocumentError(`Word 文档内容无法解析：${(error as Error).message.split('\n')[0]}`);
  }
  const root = document.documentElement;
  if (!root || !isW(root, 'document')) throw new WordDocumentError('不是 Word 文档正文（缺少 w:document）');
  const body = children(root).find((child) => isW(child, 'body'));
  if (!body) throw new WordDocumentError('Word 文档没有正文（缺少 w:body）');

  const blocks: DocumentBlock[] = [];
  let tableCount = 0;
  const walk = (container: Element): void => {
    for (const child of children(container)) {
      if (isW(child, 'p')) blocks.push({ kind: 'paragraph', text: paragraphText(child) });
      else if (isW(child, 'tbl')) blocks.push({ kind: 'table', table: readTable(child, ++tableCount) });
      else if (child.namespaceURI === W && TRANSPARENT.has(child.localName ?? '')) walk(child);
    }
  };
  walk(body);
  return blocks;
}

function readTable(table: Element, index: number): DocumentTable {
  const rows: TableRow[] = [];
  for (const tr of descendantsInFlow(table, 'tr')) {
    const rowProperties = children(tr).find((child) => isW(child, 'trPr'));
    let column = rowProperties ? intValue(children(rowProperties).find((child) => isW(child, 'gridBefore'))) ?? 0 : 0;
    const cells: TableCell[] = [];
    for (const tc of descendantsInFlow(tr, 'tc')) {
      const properties = children(tc).find((child) => isW(child, 'tcPr'));
      const gridSpan = Math.max(1, properties ? (intValue(children(properties).find((child) => isW(child, 'gridSpan'))) ?? 1) : 1);
      const vMerge = properties ? verticalMerge(children(properties).find((child) => isW(child, 'vMerge'))) : null;
      const hMerge = properties ? children(properties).find((child) => isW(child, 'hMerge')) : undefined;
      // Old documents merge horizontally with w:hMerge: a continuation widens the cell before it.
      if (hMerge && attribute(hMerge, 'val') !== 'restart' && cells.length > 0) {
        cells[cells.length - 1]!.gridSpan += gridSpan;
        column += gridSpan;
        continue;
      }
      cells.push({ paragraphs: cellParagraphs(tc), column, gridSpan, vMerge, rowSpan: 1 });
      column += gridSpan;
    }
    rows.push({ number: rows.length + 1, cells });
  }
  computeRowSpans(rows);
  return { source: { kind: 'table', table: index }, rows };
}

/** A cell's paragraphs, a nested table's paragraphs included in reading order. */
function cellParagraphs(tc: Element): string[] {
  const paragraphs: string[] = [];
  const walk = (container: Element): void => {
    for (const child of children(container)) {
      if (isW(child, 'p')) paragraphs.push(paragraphText(child));
      else if (isW(child, 'tbl') || isW(child, 'tr') || isW(child, 'tc')) walk(child);
      else if (child.namespaceURI === W && TRANSPARENT.has(child.localName ?? '')) walk(child);
    }
  };
  walk(tc);
  return paragraphs;
}

/** Rows of a table or cells of a row, also when a content control or custom XML wraps them. */
function descendantsInFlow(container: Element, name: string): Element[] {
  const found: Element[] = [];
  for (const child of children(container)) {
    if (isW(child, name)) found.push(child);
    else if (child.namespaceURI === W && TRANSPARENT.has(child.localName ?? '')) found.push(...descendantsInFlow(child, name));
  }
  return found;
}

function paragraphText(paragraph: Element): string {
  let text = '';
  const walk = (node: Element): void => {
    for (const child of children(node)) {
      const name = child.localName ?? '';
      if (child.namespaceURI === MC) {
        // Alternate content holds the same thing twice: read the first choice only.
        if (name === 'AlternateContent') {
          const choice = children(child).find((c) => c.localName === 'Choice') ?? children(child).find((c) => c.localName === 'Fallback');
          if (choice) walk(choice);
        }
        continue;
      }
      if (child.namespaceURI !== W) continue;
      if (SKIPPED_IN_RUNS.has(name)) continue;
      if (name === 't') text += child.textContent ?? '';
      else if (name === 'tab' || name === 'ptab') text += '\t';
      else if (name === 'br' || name === 'cr') text += attribute(child, 'type') === 'page' ? '' : '\n';
      else if (name === 'noBreakHyphen') text += '-';
      else if (name === 'softHyphen') text += '';
      else walk(child);
    }
  };
  walk(paragraph);
  return text;
}

function verticalMerge(element: Element | undefined): VerticalMerge {
  if (!element) return null;
  // <w:vMerge/> without a value continues the merge above.
  return attribute(element, 'val') === 'restart' ? 'restart' : 'continue';
}

function intValue(element: Element | undefined): number | null {
  if (!element) return null;
  const value = Number.parseInt(attribute(element, 'val') ?? '', 10);
  return Number.isFinite(value) && value >= 0 && value <= 1000 ? value : null;
}

function attribute(element: Element, name: string): string | null {
  return element.getAttributeNS(W, name) || element.getAttribute(`w:${name}`) || null;
}

function isW(node: Element, name: string): boolean {
  return node.namespaceURI === W && node.localName === name;
}

function children(node: Element): Element[] {
  const elements: Element[] = [];
  for (let child: Node | null = node.firstChild; child; child = child.nextSibling) {
    if (child.nodeType === 1) elements.push(child as Element);
  }
  return elements;
}
