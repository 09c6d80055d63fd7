/**
 * A printed page as the official forms lay it out — titles, tables with merged cells, lines of text —
 * rendered once as Word (.docx, the `docx` package) and once as PDF (pdfkit). The PDF embeds Noto Sans
 * SC from an npm package (@expo-google-fonts/noto-sans-sc), subset to the characters used, so Chinese
 * is real, searchable text and no system font is needed.
 */
import fs from 'node:fs';
import { createRequire } from 'node:module';
import {
  AlignmentType,
  BorderStyle,
  Document,
  Footer,
  HeightRule,
  PageNumber,
  PageOrientation,
  Packer,
  Paragraph,
  Table,
  TableCell,
  TableLayoutType,
  TableRow,
  TextRun,
  VerticalAlignTable,
  VerticalMergeType,
  WidthType,
} from 'docx';
import PDFDocument from 'pdfkit';

export type Align = 'left' | 'center' | 'right';

export interface PaperCell {
  text: string;
  /** Grid columns the cell covers. */
  span?: number;
  /** A vertical merge: the first cell, or a cell continuing the one above (its text is not shown). */
  merge?: 'restart' | 'continue';
  align?: Align;
  bold?: boolean;
}

export type PaperBlock =
  | { kind: 'title'; text: string; size: number; bold?: boolean }
  | { kind: 'text'; text: string; align?: Align; size?: number; spaceBefore?: number }
  | { kind: 'table'; columns: number[]; rows: PaperCell[][]; fontSize?: number };

export interface PaperDocument {
  title: string;
  orientation: 'portrait' | 'landscape';
  blocks: PaperBlock[];
}

const FONT_NAME = '宋体';

// ---------------------------------------------------------------------------------------------
// Word

const A4_TWIPS = { width: 11906, height: 16838 };
const MARGIN_TWIPS = 1134; // 2 cm

export async function paperDocx(document: PaperDocument): Promise<Buffer> {
  const landscape = document.orientation === 'landscape';
  const pageWidth = landscape ? A4_TWIPS.height : A4_TWIPS.width;
  const contentWidth = pageWidth - 2 * MARGIN_TWIPS;
  const children = document.blocks.flatMap((block): Array<Paragraph | Table> => {
    switch (block.kind) {
      case 'title':
        return [new Paragraph({ alignment: AlignmentType.CENTER, spacing: { after: 60 }, children: [run(block.text, block.size, block.bold ?? false)] })];
      case 'text':
        return [
          new Paragraph({
            alignment: alignment(block.align ?? 'left'),
            spacing: { before: (block.spaceBefore ?? 0) * 20 },
            children: [run(block.text, block.size ?? 10.5, false)],
          }),
        ];
      case 'table':
        return [wordTable(block, contentWidth)];
    }
  });
  const doc = new Document({
    creator: '项目支出绩效自评系统',
    title: document.title,
    styles: { default: { document: { run: { font: { ascii: FONT_NAME, eastAsia: FONT_NAME, hAnsi: FONT_NAME } } } } },
    sections: [
      {
        properties: {
          page: {
            // docx swaps width and height itself for landscape pages
            size: { width: A4_TWIPS.width, height: A4_TWIPS.height, orientation: landscape ? PageOrientation.LANDSCAPE : PageOrientation.PORTRAIT },
            margin: { top: MARGIN_TWIPS, bottom: MARGIN_TWIPS, left: MARGIN_TWIPS, right: MARGIN_TWIPS },
          },
        },
        footers: {
          default: new Footer({
            children: [
              new Paragraph({
                alignment: AlignmentType.CENTER,
                children: [new TextRun({ children: ['第 ', PageNumber.CURRENT, ' 页，共 ', PageNumber.TOTAL_PAGES, ' 页'], size: 18 })],
              }),
            ],
          }),
        },
        children,
      },
    ],
  });
  return Packer.toBuffer(doc);
}

function wordTable(block: Extract<PaperBlock, { kind: 'table' }>, contentWidth: number): Table {
  const total = block.columns.reduce((sum, width) => sum + width, 0);
  const widths = block.columns.map((width) => Math.floor((width / total) * contentWidth));
  const size = block.fontSize ?? 9;
  const border = { style: BorderStyle.SINGLE, size: 4, color: '000000' };
  return new Table({
    layout: TableLayoutType.FIXED,
    width: { size: widths.reduce((sum, width) => sum + width, 0), type: WidthType.DXA },
    columnWidths: widths,
    borders: { top: border, bottom: border, left: border, right: border, insideHorizontal: border, insideVertical: border },
    rows: block.rows.map((cells) => {
      let column = 0;
      return new TableRow({
        height: { value: 360, rule: HeightRule.ATLEAST },
        cantSplit: true,
        children: cells.map((cell) => {
          const span = cell.span ?? 1;
          const width = widths.slice(column, column + span).reduce((sum, w) => sum + w, 0);
          column += span;
          const lines = cell.merge === 'continue' ? [''] : cell.text.split('\n');
          return new TableCell({
            columnSpan: span > 1 ? span : undefined,
            verticalMerge: cell.merge === 'restart' ? VerticalMergeType.RESTART : cell.merge === 'continue' ? VerticalMergeType.CONTINUE : undefined,
            width: { size: width, type: WidthType.DXA },
            verticalAlign: VerticalAlignTable.CENTER,
            margins: { left: 60, right: 60, top: 30, bottom: 30 },
            children: lines.map((line) => new Paragraph({ alignment: alignment(cell.align ?? 'left'), children: [run(line, size, cell.bold ?? false)] })),
          });
        }),
      });
    }),
  });
}

function run(text: string, points: number, bold: boolean): TextRun {
  return new TextRun({ text, bold, size: Math.round(points * 2), font: { ascii: FONT_NAME, eastAsia: FONT_NAME, hAnsi: FONT_NAME } });
}

function alignment(align: Align) {
  return align === 'center' ? AlignmentType.CENTER : align === 'right' ? AlignmentType.RIGHT : AlignmentType.LEFT;
}

// ---------------------------------------------------------------------------------------------
// PDF

const require = createRequire(import.meta.url);
let fonts: { regular: Buffer; bold: Buffer } | null = null;

/** Noto Sans SC (OFL) as installed with the project; read once. */
export function cjkFonts(): { regular: Buffer; bold: Buffer } {
  fonts ??= {
    regular: fs.readFileSync(require.resolve('@expo-google-fonts/noto-sans-sc/400Regular/NotoSansSC_400Regular.ttf')),
    bold: fs.readFileSync(require.resolve('@expo-google-fonts/noto-sans-sc/700Bold/NotoSansSC_700Bold.ttf')),
  };
  return fonts;
}

const MARGIN = 48;
const PAD_X = 3;
const PAD_Y = 3;
const LINE_GAP = 1;
const MIN_ROW = 16;

type Pdf = InstanceType<typeof PDFDocument>;

export async function paperPdf(document: PaperDocument): Promise<Buffer> {
  const { regular, bold } = cjkFonts();
  const pdf = new PDFDocument({
    size: 'A4',
    layout: document.orientation,
    margin: MARGIN,
    bufferPages: true,
    info: { Title: document.title, Creator: '项目支出绩效自评系统', Producer: 'pdfkit' },
    lang: 'zh-CN',
    displayTitle: true,
  } as PDFKit.PDFDocumentOptions);
  pdf.registerFont('regular', regular);
  pdf.registerFont('bold', bold);
  const chunks: Buffer[] = [];
  pdf.on('data', (chunk: Buffer) => chunks.push(chunk));
  const done = new Promise<void>((resolve, reject) => {
    pdf.on('end', () => resolve());
    pdf.on('error', reject);
  });

  const width = pdf.page.width - 2 * MARGIN;
  const bottom = () => pdf.page.height - MARGIN - 14; // room for the page number
  let y = MARGIN;

  for (const block of document.blocks) {
    if (block.kind === 'title' || block.kind === 'text') {
      const size = block.kind === 'title' ? block.size : (block.size ?? 10.5);
      pdf.font(block.kind === 'title' && (block.bold ?? false) ? 'bold' : 'regular').fontSize(size);
      if (block.kind === 'text') y += block.spaceBefore ?? 0;
      const height = pdf.heightOfString(block.text, { width, lineGap: LINE_GAP });
      if (y + height > bottom()) {
        pdf.addPage();
        y = MARGIN;
      }
      pdf.text(block.text, MARGIN, y, { width, align: block.kind === 'title' ? 'center' : (block.align ?? 'left'), lineGap: LINE_GAP });
      y += height + (block.kind === 'title' ? 4 : 2);
    } else {
      y = pdfTable(pdf, block, MARGIN, y, width, bottom);
    }
  }

  // Page numbers, as on the Word file's footer
  const range = pdf.bufferedPageRange();
  for (let index = range.start; index < range.start + range.count; index++) {
    pdf.switchToPage(index);
    pdf.font('regular').fontSize(8);
    const text = `第 ${index + 1} 页，共 ${range.count} 页`;
    // Writing below the bottom margin must not open a new page.
    const savedBottom = pdf.page.margins.bottom;
    pdf.page.margins.bottom = 0;
    pdf.text(text, MARGIN, pdf.page.height - MARGIN + 8, { width, align: 'center', lineBreak: false });
    pdf.page.margins.bottom = savedBottom;
  }
  pdf.end();
  await done;
  return Buffer.concat(chunks);
}

interface PlacedCell {
  cell: PaperCell;
  row: number;
  column: number;
  span: number;
  rowSpan: number;
}

function pdfTable(pdf: Pdf, block: Extract<PaperBlock, { kind: 'table' }>, left: number, top: number, width: number, bottom: () => number): number {
  const total = block.columns.reduce((sum, w) => sum + w, 0);
  const widths = block.columns.map((w) => (w / total) * width);
  const xs = widths.reduce<number[]>((acc, w) => [...acc, acc[acc.length - 1]! + w], [left]);
  const size = block.fontSize ?? 9;

  // Where each cell stands, and how many rows a vertical merge covers
  const placed: PlacedCell[][] = block.rows.map((cells, row) => {
    let column = 0;
    return cells.map((cell) => {
      const span = cell.span ?? 1;
      const at = { cell, row, column, span, rowSpan: 1 };
      column += span;
      return at;
    });
  });
  placed.forEach((cells, row) => {
    for (const at of cells) {
      if (at.cell.merge !== 'restart') continue;
      for (let below = row + 1; below < placed.length; below++) {
        const next = placed[below]!.find((candidate) => candidate.column === at.column);
        if (!next || next.cell.merge !== 'continue') break;
        at.rowSpan++;
      }
    }
  });

  const cellWidth = (at: PlacedCell) => xs[at.column + at.span]! - xs[at.column]!;
  const maxRow = bottom() - MARGIN - 2;
  const textHeight = (at: PlacedCell) => {
    pdf.font(at.cell.bold ? 'bold' : 'regular').fontSize(size);
    return pdf.heightOfString(at.cell.text === '' ? ' ' : at.cell.text, { width: cellWidth(at) - 2 * PAD_X, lineGap: LINE_GAP }) + 2 * PAD_Y;
  };

  // Row heights: plain cells first, then merged cells that need more than their rows give
  const heights = placed.map((cells) => Math.min(maxRow, Math.max(MIN_ROW, ...cells.filter((at) => !at.cell.merge || (at.cell.merge === 'restart' && at.rowSpan === 1)).map(textHeight))));
  placed.forEach((cells, row) => {
    for (const at of cells) {
      if (at.cell.merge !== 'restart' || at.rowSpan === 1) continue;
      const have = heights.slice(row, row + at.rowSpan).reduce((sum, h) => sum + h, 0);
      const need = Math.min(maxRow, textHeight(at));
      if (need > have) heights[row + at.rowSpan - 1]! += need - have;
    }
  });

  // Rows onto pages
  const rowTop: number[] = [];
  const rowPage: number[] = [];
  let page = pdf.bufferedPageRange().start + pdf.bufferedPageRange().count - 1;
  let y = top;
  const pages: number[] = [];
  heights.forEach((height, row) => {
    if (y + height > bottom() && y > MARGIN + 1) {
      page++;
      pages.push(page);
      y = MARGIN;
    }
    rowTop[row] = y;
    rowPage[row] = page;
    y += height;
  });
  for (let n = 0; n < pages.length; n++) pdf.addPage();

  const draw = (at: PlacedCell, pageIndex: number, y0: number, height: number) => {
    pdf.switchToPage(pageIndex);
    const x = xs[at.column]!;
    const w = cellWidth(at);
    pdf.lineWidth(0.6).rect(x, y0, w, height).stroke();
    if (at.cell.text === '') return;
    pdf.font(at.cell.bold ? 'bold' : 'regular').fontSize(size);
    const options = { width: w - 2 * PAD_X, align: at.cell.align ?? 'left', lineGap: LINE_GAP, height: height - 2 * PAD_Y, ellipsis: true } as const;
    const needed = Math.min(height - 2 * PAD_Y, pdf.heightOfString(at.cell.text, options));
    pdf.text(at.cell.text, x + PAD_X, y0 + PAD_Y + Math.max(0, (height - 2 * PAD_Y - needed) / 2), options);
  };

  placed.forEach((cells, row) => {
    for (const at of cells) {
      if (at.cell.merge === 'continue') continue;
      // A merged cell is drawn once per page it reaches, its text in each part.
      let start = row;
      for (let r = row; r < row + at.rowSpan; r++) {
        const last = r === row + at.rowSpan - 1 || rowPage[r + 1] !== rowPage[r];
        if (!last) continue;
        draw(at, rowPage[start]!, rowTop[start]!, rowTop[r]! + heights[r]! - rowTop[start]!);
        start = r + 1;
      }
    }
  });
  pdf.switchToPage(page);
  return y + 6;
}
