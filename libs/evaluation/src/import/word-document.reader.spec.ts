import { describe, expect, it } from '@jest/globals';
import fs from 'node:fs';
import { Paragraph, Table, TableCell, TableRow, TextRun } from 'docx';
import { readWordDocument, WordDocumentError } from './word-document.reader.js';
import { cellText, type DocumentBlock, type DocumentTable } from './document-tables.js';
import { parseSelfEvaluationTables } from './self-evaluation-tables.parser.js';
import { parseSelfEvaluationText, SelfEvaluationParseError } from './self-evaluation-text.parser.js';
import { cell, docxOf, documentXml, formRows, paragraph, selfEvaluationDocx, table } from '../../../../test/support/word-documents.js';

const SEED = fs.readFileSync(new URL('../../../../samples/beijing-gwc-2021-self-evaluations.txt', import.meta.url), 'utf8');
const TEXT = parseSelfEvaluationText(SEED);

async function blocksOf(children: Array<Paragraph | Table>): Promise<DocumentBlock[]> {
  return readWordDocument(await documentXml(await docxOf(children)));
}

function tables(blocks: DocumentBlock[]): DocumentTable[] {
  return blocks.flatMap((block) => (block.kind === 'table' ? [block.table] : []));
}

/** A parse result without the places it was read from (lines for text, cells for Word). */
function withoutPlaces<T>(value: T): T {
  return JSON.parse(JSON.stringify(value, (key, v) => (key === 'line' || key === 'at' ? undefined : v)));
}

describe('readWordDocument (the table reader) on hand-built documents', () => {
  it('reads paragraphs and tables in document order', async () => {
    const blocks = await blocksOf([paragraph('标题'), table([[cell('甲'), cell('乙')]], 2), paragraph('之后')]);
    expect(blocks.map((block) => block.kind)).toEqual(['paragraph', 'table', 'paragraph']);
    expect(blocks[0]).toEqual({ kind: 'paragraph', text: '标题' });
    expect(tables(blocks)[0]!.source).toEqual({ kind: 'table', table: 1 });
  });

  it('keeps one cell per w:tc with its gridSpan and grid column', async () => {
    const [t] = tables(await blocksOf([table([[cell('项目名称', 2), cell('新媒体运营服务项目', 7)], [cell('a'), cell('b', 3), cell('c', 5)]])]));
    expect(t!.rows[0]!.cells.map((c) => [cellText(c), c.column, c.gridSpan])).toEqual([
      ['项目名称', 0, 2],
      ['新媒体运营服务项目', 2, 7],
    ]);
    expect(t!.rows[1]!.cells.map((c) => [c.column, c.gridSpan])).toEqual([
      [0, 1],
      [1, 3],
      [4, 5],
    ]);
  });

  it('reads vMerge restart/continue: the first cell spans its group, the continuations read empty', async () => {
    const [t] = tables(
      await blocksOf([
        table(
          [
            [cell('产出指标', 1, 'restart'), cell('数量指标', 1, 'restart'), cell('讲题策划')],
            [cell('', 1, 'continue'), cell('', 1, 'continue'), cell('发布内容')],
            [cell('', 1, 'continue'), cell('质量指标'), cell('公众号运维')],
            [cell('效益指标'), cell('社会效益指标'), cell('影响力')],
          ],
          3,
        ),
      ]),
    );
    expect(t!.rows.map((row) => row.cells.map((c) => c.vMerge))).toEqual([
      ['restart', 'restart', null],
      ['continue', 'continue', null],
      ['continue', null, null],
      [null, null, null],
    ]);
    expect(t!.rows.map((row) => row.cells.map((c) => c.rowSpan))).toEqual([
      [3, 2, 1],
      [0, 0, 1],
      [0, 1, 1],
      [1, 1, 1],
    ]);
    expect(t!.rows[1]!.cells.map(cellText)).toEqual(['', '', '发布内容']);
  });

  it('keeps a cell\'s paragraphs as its lines, empty paragraphs and line breaks included', async () => {
    const multi = new Table({
      rows: [
        new TableRow({
          children: [
            new TableCell({ children: [new Paragraph('绩'), new Paragraph('效'), new Paragraph(''), new Paragraph('指标')] }),
            new TableCell({ children: [new Paragraph({ children: [new TextRun('9月至'), new TextRun({ text: '次年1月', break: 1 })] })] }),
            new TableCell({ children: [new Paragraph('')] }),
          ],
        }),
      ],
    });
    const [t] = tables(await blocksOf([multi]));
    const [label, broken, empty] = t!.rows[0]!.cells;
    expect(label!.paragraphs).toEqual(['绩', '效', '', '指标']);
    expect(cellText(label!)).toBe('绩\n效\n\n指标');
    expect(cellText(broken!)).toBe('9月至\n次年1月');
    expect(empty!.paragraphs).toEqual(['']);
    expect(cellText(empty!)).toBe('');
  });

  it('reads a cell that holds a table of its own as its paragraphs, in order', async () => {
    const nested = new Table({
      rows: [
        new TableRow({
          children: [
            new TableCell({
              children: [
                new Paragraph('外层'),
                new Table({ rows: [new TableRow({ children: [new TableCell({ children: [new Paragraph('内层一')] }), new TableCell({ children: [new Paragraph('内层二')] })] })] }),
                new Paragraph('之后'),
              ],
            }),
          ],
        }),
      ],
    });
    const [t] = tables(await blocksOf([nested]));
    expect(t!.rows).toHaveLength(1);
    expect(t!.rows[0]!.cells[0]!.paragraphs).toEqual(['外层', '内层一', '内层二', '之后']);
  });

  it('reads runs the way a reader sees them: inserted text kept, deleted text, field codes and bookmarks left out', () => {
    const w = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"';
    const xml = `<?xml version="1.0"?><w:document ${w}><w:body><w:p><w:bookmarkStart w:id="0" w:name="_GoBack"/><w:r><w:t xml:space="preserve">9 </w:t></w:r><w:ins><w:r><w:t>分</w:t></w:r></w:ins><w:del><w:r><w:delText>8</w:delText></w:r></w:del><w:r><w:instrText>PAGE</w:instrText></w:r><w:r><w:tab/><w:t>x</w:t></w:r></w:p>
      <w:tbl><w:tr><w:trPr><w:gridBefore w:val="1"/></w:trPr><w:tc><w:tcPr><w:vMerge/></w:tcPr><w:p/></w:tc></w:tr></w:tbl></w:body></w:document>`;
    const blocks = readWordDocument(xml);
    expect(blocks[0]).toEqual({ kind: 'paragraph', text: '9 分\tx' });
    const cellOf = (blocks[1] as { table: DocumentTable }).table.rows[0]!.cells[0]!;
    // <w:vMerge/> without a value continues; gridBefore moves the cell's column.
    expect(cellOf).toMatchObject({ vMerge: 'continue', column: 1, paragraphs: [''] });
  });

  it('refuses XML that is not a Word body', () => {
    expect(() => readWordDocument('<not-closed')).toThrow(WordDocumentError);
    expect(() => readWordDocument('<?xml version="1.0"?><html/>')).toThrow(WordDocumentError);
    expect(() => readWordDocument('<!DOCTYPE x [<!ENTITY a "b">]><x/>')).toThrow(WordDocumentError);
  });
});

describe('parseSelfEvaluationTables on Word files laid out as the paper forms', () => {
  it('reads the seven samples as one Word file exactly as the text import reads the text dump', async () => {
    const docx = await selfEvaluationDocx(TEXT, {
      amounts: (index) => (['plain', 'plain', 'padded', 'fullWidth', 'unit', 'plain', 'plain'] as const)[index]!,
      fullWidthFigures: (index) => index === 6,
    });
    const parsed = parseSelfEvaluationTables(readWordDocument(await documentXml(docx)), { fileName: 'samples.docx' });
    expect(parsed.forms).toHaveLength(7);
    expect(withoutPlaces(parsed)).toEqual(withoutPlaces(TEXT));
    expect(parsed.summary!.total).toBe('334.61');
    // A merged 一级指标 cell reads on its first row only, as in the text dump.
    expect(parsed.forms[1]!.form.indicators.map((row) => row.level1)).toEqual(TEXT.forms[1]!.form.indicators.map((row) => row.level1));
    expect(parsed.forms[2]!.at).toEqual({ kind: 'table', table: 4, row: 1, cell: 1 });
  });

  it('finds the tables by their headers in any order, the 明细表 after the forms', async () => {
    const docx = await selfEvaluationDocx(TEXT, { forms: [4, 0], summaryLast: true });
    const parsed = parseSelfEvaluationTables(readWordDocument(await documentXml(docx)));
    expect(parsed.forms.map((entry) => entry.form.projectName)).toEqual(['市关工委网站运维项目', '青少年迷你冬奥会项目']);
    // The 明细表 is read first wherever it stands: the forms still get their 序号 and declared 自评得分.
    expect(parsed.forms.map((entry) => entry.form.declared?.summarySeq)).toEqual([5, 1]);
    expect(withoutPlaces(parsed.forms[0]!.form)).toEqual(withoutPlaces(TEXT.forms[4]!.form));
  });

  it('reads a file with one form and no 明细表', async () => {
    const parsed = parseSelfEvaluationTables(readWordDocument(await documentXml(await selfEvaluationDocx(TEXT, { forms: [2], withSummary: false }))));
    expect(parsed.summary).toBeNull();
    expect(parsed.forms).toHaveLength(1);
    expect(parsed.forms[0]!.form.funds.total).toEqual({ initialBudget: '84.61', fullYearBudget: '84.61', executed: '46.107788' });
    expect(parsed.forms[0]!.form.declared).toMatchObject({ total: 82.3, summarySeq: null });
  });

  it('reads a form that Word broke into two tables (a page break in the indicator table) as one', async () => {
    const rows = formRows(TEXT.forms[3]!, 0);
    const blocks = await blocksOf([paragraph('项目支出绩效自评表（2021年度）'), table(rows.slice(0, 15)), new Paragraph(''), table(rows.slice(15)), paragraph('填报人：张三')]);
    const parsed = parseSelfEvaluationTables(blocks);
    expect(parsed.forms).toHaveLength(1);
    expect(withoutPlaces(parsed.forms[0]!.form)).toEqual(withoutPlaces({ ...TEXT.forms[3]!.form, declared: { ...TEXT.forms[3]!.form.declared, summarySeq: null, summaryBudget: null, summarySelfScore: null } }));
    // A cell of the second part is named by its own table.
    const broken = rows.map((row, index) => (index === 16 ? row.map((spec, c) => (c === 6 ? cell('五') : spec)) : row));
    const blocksBroken = await blocksOf([paragraph('项目支出绩效自评表（2021年度）'), table(broken.slice(0, 15)), table(broken.slice(15))]);
    expect(() => parseSelfEvaluationTables(blocksBroken)).toThrow('表格 2 第 2 行第 7 个单元格：“分值”不是数字：“五”');
  });

  it('ignores tables that are neither a 明细表 nor a 自评表', async () => {
    const blocks = await blocksOf([paragraph('封面'), table([[cell('单位'), cell('北京')]], 2)]);
    expect(parseSelfEvaluationTables(blocks)).toEqual({ summary: null, forms: [] });
  });

  it('names the table, row and cell of a figure that is not a number', async () => {
    const broken = structuredClone(TEXT);
    broken.forms[1]!.form.indicators[2]!.weight = '十' as unknown as number;
    const docx = await selfEvaluationDocx(broken);
    let error: unknown;
    try {
      parseSelfEvaluationTables(readWordDocument(await documentXml(docx)), { fileName: '自评.docx' });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(SelfEvaluationParseError);
    const parseError = error as SelfEvaluationParseError;
    // Table 3 (明细表 = 1), header rows 1-11, indicator row 3 is table row 14; 分值 is its 7th cell.
    expect(parseError.at).toEqual({ kind: 'table', table: 3, row: 14, cell: 7 });
    expect(parseError.line).toBeNull();
    expect(parseError.formIndex).toBe(1);
    expect(parseError.message).toBe('自评.docx 第 2 张自评表（新媒体运营服务项目）表格 3 第 14 行第 7 个单元格：“分值”不是数字：“十”（绩效指标“公众号运维”）');
  });

  it('names the row of a funds row that lost a cell (rows are known exactly in Word)', async () => {
    const blocks = await blocksOf([
      paragraph('项目支出绩效自评表（2021年度）'),
      table([
        [cell('项目名称', 2), cell('甲', 7)],
        [cell('主管部门', 2), cell('乙', 3), cell('实施单位', 2), cell('丙', 2)],
        [cell('项目负责人', 2), cell('丁', 3), cell('联系电话', 2), cell('1', 2)],
        [cell('项目资金（万元）', 2, 'restart'), cell(''), cell('年初预算数'), cell('全年预算数'), cell('全年执行数'), cell('分值'), cell('执行率'), cell('得分')],
        [cell('', 2, 'continue'), cell('年度资金总额'), cell('1'), cell('1'), cell('1'), cell('10', 3)],
      ]),
    ]);
    expect(() => parseSelfEvaluationTables(blocks)).toThrow('第 1 张自评表（甲）表格 1 第 5 行第 1 个单元格：项目资金“年度资金总额”行应有 8 个单元格，实际 6 个');
  });
});
