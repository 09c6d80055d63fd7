import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import JSZip from 'jszip';
import ExcelJS from 'exceljs';
import request from 'supertest';
import { ApiProcess } from './support/api-process.js';
import { ApiClient } from './support/api-client.js';
import { cell, docxOf, paragraph, selfEvaluationDocx, table } from './support/word-documents.js';
import { parseSelfEvaluationText } from '#perf-eval/evaluation';
import { newMediaForm } from './support/forms.js';

const SAMPLE = readFileSync(path.resolve(import.meta.dirname, '../samples/beijing-gwc-2021-self-evaluations.txt'), 'utf8');
const PARSED = parseSelfEvaluationText(SAMPLE);
const DOCX = 'application/vnd.openxmlformats-officedocument.wordprocessingml.document';
const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
const IMPORT = '/api/imports/self-evaluations';
const SEED_UNIT = '北京市关心下一代工作委员会办公室';

const PAPER_TABLE = [
  [1, '青少年迷你冬奥会项目', '90.00', 92],
  [2, '新媒体运营服务项目', '30.00', 96],
  [3, '关心下一代工作委员会运行保障经费', '84.61', 82.3],
  [4, '首都关心下一代大讲堂', '35.00', 82.84],
  [5, '市关工委网站运维项目', '30.00', 96],
  [6, '开展北京市家庭教育暨家校社共育服务', '30.00', 80.65],
  [7, '北京市关心下一代工作宣传推广', '35.00', 97],
];

/** The seven samples as the unit's Word file: amounts typed in several ways, one form's figures in full-width digits. */
function samplesDocx(options: Parameters<typeof selfEvaluationDocx>[1] = {}) {
  return selfEvaluationDocx(PARSED, {
    amounts: (index) => (['plain', 'unit', 'padded', 'fullWidth', 'plain', 'padded', 'plain'] as const)[index]!,
    fullWidthFigures: (index) => index === 3,
    ...options,
  });
}

interface FormView {
  id: string;
  form: Record<string, unknown> & { indicators: unknown[]; funds: unknown; declared: unknown };
  scores: Record<string, unknown>;
  findings: Array<{ code: string; severity: string; path: string; message: string; place: string }>;
}

describe('Import of the units\' own Word files', () => {
  const api = new ApiProcess();
  let manager: ApiClient;
  let admin: ApiClient;
  let drafter: ApiClient;
  let wordUnitId: string;
  let otherUnitId: string;

  const counts = async () => {
    const [events] = await api.query<{ n: string }>('SELECT count(*) AS n FROM evaluation_events');
    const [batches] = await api.query<{ n: string }>('SELECT count(*) AS n FROM import_batches');
    return { events: events!.n, batches: batches!.n };
  };

  beforeAll(async () => {
    await api.start({ IMPORT_BODY_LIMIT: '1mb' });
    [manager, admin, drafter] = await Promise.all(['manager', 'admin', 'drafter'].map((name) => ApiClient.login(api.baseUrl, name)));
    // The seed holds the samples imported from the text dump; the Word file goes to a unit of its own.
    wordUnitId = (await admin.post('/api/units', { name: '关工委（Word 导入）', competentDepartment: '中共北京市委老干部局' })).body.id;
    otherUnitId = (await admin.post('/api/units', { name: '关工委（单张表）', competentDepartment: '中共北京市委老干部局' })).body.id;
    await api.settled();
  });

  afterAll(async () => {
    await api.stop();
  });

  it('reads the seven samples as one .docx exactly as the text import: every amount, indicator row and finding', async () => {
    const res = await manager.postFile(`${IMPORT}?as=published&unitId=${wordUnitId}&fileName=${encodeURIComponent('2021年度自评表.docx')}`, await samplesDocx(), DOCX);
    expect(res.status).toBe(201);
    expect(res.body.duplicate).toBe(false);
    expect(res.body.evaluations).toHaveLength(7);

    const fromText: FormView[] = await Promise.all(
      (await manager.get(`/api/evaluations?fiscalYear=2021&pageSize=100`)).body.items
        .filter((item: { unitId: string }) => item.unitId !== wordUnitId)
        .map(async (item: { id: string }) => (await manager.get(`/api/evaluations/${item.id}`)).body),
    );
    expect(fromText).toHaveLength(7);
    const fromWord: FormView[] = await Promise.all(res.body.evaluations.map(async (e: { id: string }) => (await manager.get(`/api/evaluations/${e.id}`)).body));

    const byName = new Map(fromText.map((view) => [view.form.projectName as string, view]));
    for (const word of fromWord) {
      const text = byName.get(word.form.projectName as string)!;
      expect(text).toBeDefined();
      const strip = ({ unitId: _unit, cycleId: _cycle, ...form }: Record<string, unknown>) => form;
      expect(strip(word.form)).toEqual(strip(text.form));
      expect(word.scores).toEqual(text.scores);
      expect(word.findings).toEqual(text.findings);
    }
    // To the last decimal: 46.107788 万元 executed, 54.49 %, 5.45 points.
    const operations = fromWord.find((view) => view.form.projectName === '关心下一代工作委员会运行保障经费')!;
    expect(operations.form.funds).toMatchObject({ total: { initialBudget: '84.61', fullYearBudget: '84.61', executed: '46.107788' } });
    expect(operations.scores).toMatchObject({ executionRate: 54.49, budgetScore: 5.45, total: 82.25, grade: '良' });
  });

  it('gives the paper 明细表 with 合计 334.61 for the unit the Word file went to', async () => {
    const res = await manager.get(`/api/summary?fiscalYear=2021&unitId=${wordUnitId}`);
    expect(res.status).toBe(200);
    expect(res.body.rows.map((r: { seq: number; projectName: string; budget: string; selfScore: number }) => [r.seq, r.projectName, r.budget, r.selfScore])).toEqual(PAPER_TABLE);
    expect(res.body.total).toEqual({ budget: '334.61' });
  });

  it('answers the same document again, even saved anew, with the first import', async () => {
    const before = await counts();
    // Built again: new zip timestamps and ids, the same tables.
    const res = await manager.upload(`${IMPORT}?as=published&unitId=${wordUnitId}`, await samplesDocx(), '再次上传.docx');
    expect(res.status).toBe(201);
    expect(res.body.duplicate).toBe(true);
    expect(await counts()).toEqual(before);
  });

  it('takes a multipart upload of a file with one form, the 明细表 missing and the tables in another order', async () => {
    const docx = await selfEvaluationDocx(PARSED, { forms: [1], withSummary: false });
    const res = await manager.upload(`${IMPORT}?unitId=${otherUnitId}`, docx, '新媒体运营服务项目.docx');
    expect(res.status).toBe(201);
    expect(res.body.evaluations).toHaveLength(1);
    expect(res.body.evaluations[0]).toMatchObject({ projectName: '新媒体运营服务项目', status: 'Draft', unitName: '关工委（单张表）' });
    const view = (await manager.get(`/api/evaluations/${res.body.evaluations[0].id}`)).body;
    expect(view.origin).toMatchObject({ fileName: '新媒体运营服务项目.docx', position: 0 });

    const reordered = await selfEvaluationDocx(PARSED, { forms: [6, 2], summaryLast: true });
    const second = await manager.postFile(`${IMPORT}?unitId=${otherUnitId}`, reordered, DOCX);
    expect(second.status).toBe(201);
    expect(second.body.evaluations.map((e: { projectName: string }) => e.projectName)).toEqual(['北京市关心下一代工作宣传推广', '关心下一代工作委员会运行保障经费']);
  });

  it('lets a drafter upload their unit\'s Word file as drafts', async () => {
    const edited = structuredClone(PARSED);
    edited.forms[0]!.form.projectName = '青少年迷你冬奥会项目（草稿）';
    edited.summary!.rows[0]!.projectName = '青少年迷你冬奥会项目（草稿）';
    const res = await drafter.upload(IMPORT, await selfEvaluationDocx(edited, { forms: [0] }), 'draft.docx');
    expect(res.status).toBe(201);
    expect(res.body.evaluations[0]).toMatchObject({ status: 'Draft', unitName: SEED_UNIT });
  });

  it('imports form.xlsx with a data validation over whole columns (which ExcelJS would lay out cell by cell): the validation is left out', async () => {
    const created = await drafter.post('/api/evaluations', newMediaForm({ projectName: '带数据验证的工作簿' }));
    expect(created.status).toBe(201);
    const zip = await JSZip.loadAsync((await drafter.getBinary(`/api/evaluations/${created.body.id}/form.xlsx`)).body as Buffer);
    const sheetXml = await zip.file('xl/worksheets/sheet1.xml')!.async('string');
    const validation = '<dataValidations count="1"><dataValidation type="list" allowBlank="1" sqref="A1:Z1048576"><formula1>"是,否"</formula1></dataValidation></dataValidations>';
    zip.file('xl/worksheets/sheet1.xml', sheetXml.replace(/(<\/sheetData>(?:<mergeCells[\s\S]*?<\/mergeCells>)?)/, `$1${validation}`));
    expect(await zip.file('xl/worksheets/sheet1.xml')!.async('string')).toContain('sqref="A1:Z1048576"');
    const bytes = await zip.generateAsync({ type: 'nodebuffer', compression: 'DEFLATE' });
    const res = await drafter.postFile(`${IMPORT}?fileName=validated.xlsx`, bytes, XLSX);
    expect(res.status).toBe(201);
    expect(res.body.evaluations).toHaveLength(1);
  });

  it('refuses a far-reaching worksheet stored under /xl/worksheets/ (with a leading slash, as ExcelJS still finds it)', async () => {
    const far = new JSZip();
    far.file('xl/workbook.xml', '<workbook/>');
    far.file('/xl/worksheets/sheet1.xml', '<worksheet><sheetData/><mergeCells count="1"><mergeCell ref="$A$1:$AZ$200000"/></mergeCells></worksheet>');
    const res = await manager.postFile(IMPORT, await far.generateAsync({ type: 'nodebuffer', compression: 'DEFLATE' }), XLSX);
    expect({ status: res.status, code: res.body.code }).toEqual({ status: 400, code: 'IMPORT_FILE_UNREADABLE' });
  });

  it('imports form.xlsx as exported: export, then import, gives back the same form field by field', async () => {
    // Written as the web app writes it: a merged 一级指标 label on the first row of its group only.
    const original = newMediaForm({
      evaluationMethod: '部门评价',
      funds: {
        total: { initialBudget: '30', fullYearBudget: '30', executed: '27.123456' },
        currentYear: { initialBudget: '30', fullYearBudget: '30', executed: '27.123456' },
        carryOver: null,
        other: null,
      },
      goals: { expected: '第一行\n第二行', actual: '完成' },
      indicators: [
        { level1: '产出指标', level2: '数量指标', name: '讲题策划、推进会', target: '6次', actual: '5次', weight: 25, score: 20.83, deviation: '疫情影响' },
        { level1: '', level2: '质量指标', name: '公众号运维', target: '安全', actual: '安全', weight: 25, score: 25, deviation: '' },
        { level1: '效益指标', level2: '社会效益指标', name: '传播正能量', target: '扩大影响力', actual: '达成年度指标', weight: 30, score: 27, deviation: '效益数据收集和分析有待加强' },
        { level1: '满意度指标', level2: '服务对象满意度指标', name: '读者满意度', target: '≥90%', actual: '95%', weight: 10, score: 10, deviation: '' },
      ],
    });
    const created = await drafter.post('/api/evaluations', original);
    expect(created.status).toBe(201);
    const source = (await drafter.get(`/api/evaluations/${created.body.id}`)).body as FormView;
    const xlsx = await drafter.getBinary(`/api/evaluations/${created.body.id}/form.xlsx`);
    expect(xlsx.status).toBe(200);

    const res = await drafter.postFile(`${IMPORT}?fileName=form.xlsx`, xlsx.body as Buffer, XLSX);
    expect(res.status).toBe(201);
    expect(res.body.evaluations).toHaveLength(1);
    const imported = (await drafter.get(`/api/evaluations/${res.body.evaluations[0].id}`)).body as FormView;
    const entered = ({ declared: _declared, cycleId: _cycle, ...form }: Record<string, unknown>) => form;
    expect(entered(imported.form)).toEqual(entered(source.form));
    expect(imported.scores).toEqual(source.scores);
    expect(imported.findings).toEqual(source.findings);
    // What the sheet showed is kept as declared, and agrees with what the system computes.
    expect(imported.form.declared).toMatchObject({ budgetWeight: 10, executionRate: '90.41%', budgetScore: source.scores.budgetScore, total: source.scores.total });

    // The same workbook again, now as a multipart upload: the first import answers.
    const again = await drafter.upload(IMPORT, xlsx.body as Buffer, 'form.xlsx');
    expect(again.body).toMatchObject({ duplicate: true });
  });

  it('imports a Word file through the CLI too, by its bytes: the same content answers with the first import', async () => {
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'h6-')), '2021年度自评表.docx');
    writeFileSync(file, await samplesDocx());
    const output = JSON.parse(api.cli(['import', file, '--as-user', 'manager', '--published']));
    expect(output.duplicate).toBe(true);
    expect(output.evaluations).toHaveLength(7);
  });

  describe('refuses what it cannot read with a stable code, and stores nothing', () => {
    it('a workbook whose XML is broken: 400 IMPORT_FILE_UNREADABLE', async () => {
      const before = await counts();
      const broken = new JSZip();
      broken.file('[Content_Types].xml', '<Types/>');
      broken.file('xl/workbook.xml', '<workbook><sheets><sheet');
      await refused(await manager.postFile(IMPORT, await broken.generateAsync({ type: 'nodebuffer' }), XLSX), 400, 'IMPORT_FILE_UNREADABLE', before);
    });

    const refused = async (res: { status: number; body: { code: string } }, status: number, code: string, before: { events: string; batches: string }) => {
      expect({ status: res.status, code: res.body.code }).toEqual({ status, code });
      expect(await counts()).toEqual(before);
    };

    it('a figure that is not a number: 400 IMPORT_PARSE_ERROR naming the table, row and cell', async () => {
      const before = await counts();
      const broken = structuredClone(PARSED);
      broken.forms[1]!.form.funds.total!.executed = '三十' as string;
      const res = await manager.postFile(`${IMPORT}?unitId=${otherUnitId}&fileName=broken.docx`, await selfEvaluationDocx(broken), DOCX);
      await refused(res, 400, 'IMPORT_PARSE_ERROR', before);
      expect(res.body.details).toMatchObject({ line: null, at: { kind: 'table', table: 3, row: 5, cell: 5 }, form: 2, projectName: '新媒体运营服务项目', fileName: 'broken.docx' });
      expect(res.body.message).toContain('broken.docx 第 2 张自评表（新媒体运营服务项目）表格 3 第 5 行第 5 个单元格：“全年执行数”不是数字：“三十”');
    });

    it('a broken zip: 400 IMPORT_FILE_UNREADABLE', async () => {
      const before = await counts();
      const docx = await samplesDocx();
      const truncated = docx.subarray(0, Math.floor(docx.length / 2));
      await refused(await manager.postFile(IMPORT, truncated, DOCX), 400, 'IMPORT_FILE_UNREADABLE', before);
      await refused(await manager.upload(IMPORT, truncated, 'half.docx'), 400, 'IMPORT_FILE_UNREADABLE', before);
      await refused(await manager.postFile(IMPORT, Buffer.from('not a zip at all'), DOCX), 400, 'IMPORT_FILE_UNREADABLE', before);
    });

    it('a zip that is no Word file, or document.xml that is not XML: 415 / 400', async () => {
      const before = await counts();
      const other = new JSZip();
      other.file('readme.txt', 'hello');
      await refused(await manager.upload(IMPORT, await other.generateAsync({ type: 'nodebuffer' }), 'x.docx'), 415, 'IMPORT_UNSUPPORTED_TYPE', before);
      const garbled = new JSZip();
      garbled.file('word/document.xml', '<w:document><unclosed');
      await refused(await manager.postFile(IMPORT, await garbled.generateAsync({ type: 'nodebuffer' }), DOCX), 400, 'IMPORT_FILE_UNREADABLE', before);
    });

    it('a zip bomb: 400 IMPORT_FILE_UNREADABLE before it is unpacked', async () => {
      const before = await counts();
      const bomb = new JSZip();
      bomb.file('word/document.xml', '<'.padEnd(80 * 1024 * 1024, ' '));
      const bytes = await bomb.generateAsync({ type: 'nodebuffer', compression: 'DEFLATE', compressionOptions: { level: 9 } });
      expect(bytes.length).toBeLessThan(1024 * 1024);
      await refused(await manager.postFile(IMPORT, bytes, DOCX), 400, 'IMPORT_FILE_UNREADABLE', before);
    });

    it('a file of millions of tiny XML tags (small when packed, gigabytes as a DOM): 400 before it is parsed, the API still up', async () => {
      // 150k paragraphs, 900k tags in 5 MB unpacked (far under the 64 MB ceiling): as a DOM about 500 MB, past the API's heap
      // (API_HEAP_MB), so parsed it would end the process with "heap out of memory"; 64 MB of such tags would need gigabytes.
      const before = await counts();
      const tags = new JSZip();
      tags.file('word/document.xml', `<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>${'<w:p><w:r><w:t>x</w:t></w:r></w:p>'.repeat(150_000)}</w:body></w:document>`);
      const docx = await tags.generateAsync({ type: 'nodebuffer', compression: 'DEFLATE', compressionOptions: { level: 9 } });
      const sheet = new JSZip();
      sheet.file('xl/workbook.xml', '<workbook/>');
      sheet.file('xl/worksheets/sheet1.xml', `<worksheet><sheetData>${'<row><c><v>1</v></c></row>'.repeat(150_000)}</sheetData></worksheet>`);
      const xlsx = await sheet.generateAsync({ type: 'nodebuffer', compression: 'DEFLATE', compressionOptions: { level: 9 } });
      const answers = await Promise.all([manager.postFile(IMPORT, docx, DOCX), manager.postFile(IMPORT, xlsx, XLSX), manager.upload(IMPORT, docx, 'many.docx')]);
      for (const res of answers) {
        await refused(res, 400, 'IMPORT_FILE_UNREADABLE', before);
        expect(res.body.message).toContain('万个 XML 标记');
      }
      expect((await request(api.baseUrl).get('/api/health')).status).toBe(200);
      // A real year's file in the same minute still imports (it waits its turn behind any other document being opened).
      expect((await manager.postFile(`${IMPORT}?unitId=${otherUnitId}`, await samplesDocx(), DOCX)).status).toBeLessThan(300);
    });

    it('a wrong content type: 415 IMPORT_UNSUPPORTED_TYPE', async () => {
      const before = await counts();
      const docx = await samplesDocx();
      await refused(await manager.postFile(IMPORT, docx, 'application/pdf'), 415, 'IMPORT_UNSUPPORTED_TYPE', before);
      await refused(await manager.postFile(IMPORT, docx, 'text/plain'), 415, 'IMPORT_UNSUPPORTED_TYPE', before);
      await refused(await manager.upload(IMPORT, Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 0, 0, 0]), 'picture.docx'), 415, 'IMPORT_UNSUPPORTED_TYPE', before);
    });

    it('an oversized file: 413 PAYLOAD_TOO_LARGE', async () => {
      const before = await counts();
      const big = Buffer.concat([await samplesDocx(), Buffer.alloc(1100 * 1024)]);
      await refused(await manager.postFile(IMPORT, big, DOCX), 413, 'PAYLOAD_TOO_LARGE', before);
      await refused(await manager.upload(IMPORT, big, 'big.docx'), 413, 'PAYLOAD_TOO_LARGE', before);
    });

    it('a .docx with no recognisable table: 400 IMPORT_EMPTY', async () => {
      const before = await counts();
      const docx = await docxOf([paragraph('2021年度工作总结'), table([[cell('单位'), cell('北京')]], 2)]);
      await refused(await manager.postFile(IMPORT, docx, DOCX), 400, 'IMPORT_EMPTY', before);
      await refused(await manager.upload(IMPORT, docx, 'summary.docx'), 400, 'IMPORT_EMPTY', before);
    });

    it('a small workbook that reaches far (a cell at AZ200000, a merged range to row 200000): 400 before it is laid out, the API still up', async () => {
      // Each was an 11 KB file that blocked the API for two minutes at 3.8 GB and then answered 500 (found by fuzzing).
      const before = await counts();
      for (const sheetXml of [
        '<worksheet><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>项目支出绩效自评表</t></is></c></row><row r="200000"><c r="AZ200000" t="inlineStr"><is><t>x</t></is></c></row></sheetData></worksheet>',
        '<worksheet><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>项目支出绩效自评表</t></is></c></row></sheetData><mergeCells count="1"><mergeCell ref="AA1:AZ200000"/></mergeCells></worksheet>',
      ]) {
        const far = new JSZip();
        far.file('xl/workbook.xml', '<workbook/>');
        far.file('xl/worksheets/sheet1.xml', sheetXml);
        const res = await manager.postFile(IMPORT, await far.generateAsync({ type: 'nodebuffer', compression: 'DEFLATE' }), XLSX);
        await refused(res, 400, 'IMPORT_FILE_UNREADABLE', before);
        expect(res.body.message).toContain('工作表范围过大');
      }
      expect((await request(api.baseUrl).get('/api/health')).status).toBe(200);
    });

    it('a Word file nested 20,000 deep: 400 IMPORT_FILE_UNREADABLE (the readers ran out of stack: a 500)', async () => {
      const before = await counts();
      const deep = new JSZip();
      deep.file(
        'word/document.xml',
        `<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body><w:p>${'<w:hyperlink>'.repeat(20_000)}<w:r><w:t>x</w:t></w:r>${'</w:hyperlink>'.repeat(20_000)}</w:p></w:body></w:document>`,
      );
      const res = await manager.postFile(IMPORT, await deep.generateAsync({ type: 'nodebuffer', compression: 'DEFLATE' }), DOCX);
      await refused(res, 400, 'IMPORT_FILE_UNREADABLE', before);
      expect(res.body.message).toContain('嵌套过深');
    });

    it('a date cell whose number is no date, and a file name with a NUL: answered 400, never 500', async () => {
      const before = await counts();
      const workbook = new ExcelJS.Workbook();
      const sheet = workbook.addWorksheet('自评表');
      sheet.getCell('A1').value = '项目支出绩效自评表';
      sheet.getCell('A2').value = 1e20;
      sheet.getCell('A2').numFmt = 'yyyy-mm-dd';
      const res = await manager.postFile(IMPORT, Buffer.from(await workbook.xlsx.writeBuffer()), XLSX);
      expect(res.status).toBe(400);
      expect(await counts()).toEqual(before);

      const boundary = 'XB';
      const body = Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename*=UTF-8''a%00b.txt\r\nContent-Type: text/plain\r\n\r\n${SAMPLE}\r\n--${boundary}--\r\n`);
      const named = await request(api.baseUrl).post(IMPORT).set('Authorization', `Bearer ${manager.session!.token}`).set('Content-Type', `multipart/form-data; boundary=${boundary}`).send(body);
      await refused(named, 400, 'VALIDATION_FAILED', before);
      expect(named.body.details.fields.map((f: { field: string }) => f.field)).toEqual(['file.name']);
    });

    it('a multipart request without the file: 400 IMPORT_BODY_REQUIRED', async () => {
      const before = await counts();
      const res = await request(api.baseUrl).post(IMPORT).set('Authorization', `Bearer ${manager.session!.token}`).field('note', '没有文件');
      await refused(res, 400, 'IMPORT_BODY_REQUIRED', before);
    });
  });
});
