import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createHash } from 'node:crypto';
import JSZip from 'jszip';
import { ApiProcess } from './support/api-process.js';
import { ApiClient } from './support/api-client.js';
import { pdfText } from './support/pdf-text.js';
import { newMediaForm } from './support/forms.js';
import { eventually } from './support/eventually.js';
import { readWordDocument, cellText, type DocumentTable, parseSelfEvaluationTables } from '#perf-eval/evaluation';

const OPERATIONS = '关心下一代工作委员会运行保障经费';
const PHONES = ['13501271919', '64258007'];

async function wordTables(docx: Buffer): Promise<{ paragraphs: string[]; tables: DocumentTable[] }> {
  const zip = await JSZip.loadAsync(docx);
  const blocks = readWordDocument(await zip.file('word/document.xml')!.async('string'));
  return {
    paragraphs: blocks.flatMap((block) => (block.kind === 'paragraph' ? [block.text] : [])),
    tables: blocks.flatMap((block) => (block.kind === 'table' ? [block.table] : [])),
  };
}

/** Every text a person or a program could read out of a file: PDF text, every XML part of a zip, the raw bytes. */
async function everyText(name: string, bytes: Buffer): Promise<string> {
  const texts = [bytes.toString('utf8'), bytes.toString('latin1')];
  if (name.endsWith('.pdf')) texts.push((await pdfText(bytes)).text);
  if (name.endsWith('.docx')) {
    const zip = await JSZip.loadAsync(bytes);
    for (const entry of Object.values(zip.files)) if (!entry.dir) texts.push(await entry.async('string'));
  }
  return texts.join('\n');
}

describe('Documents out: form and summary as Word and PDF, the publication pack, a new year from last year', () => {
  const api = new ApiProcess();
  let manager: ApiClient;
  let drafter: ApiClient;
  let reviewer: ApiClient;
  let admin: ApiClient;
  let ids: Record<string, string> = {};

  const eventCount = async () => (await api.query<{ n: string }>('SELECT count(*) AS n FROM evaluation_events'))[0]!.n;

  beforeAll(async () => {
    await api.start();
    [manager, drafter, reviewer, admin] = await Promise.all(['manager', 'drafter', 'reviewer', 'admin'].map((name) => ApiClient.login(api.baseUrl, name)));
    const summary = (await manager.get('/api/summary?fiscalYear=2021')).body;
    ids = Object.fromEntries(summary.rows.map((row: { projectName: string; evaluationId: string }) => [row.projectName, row.evaluationId]));
    await api.settled();
  });

  afterAll(async () => {
    await api.stop();
  });

  describe('form.docx and form.pdf', () => {
    it('form.docx reads back as the paper table: its cells hold the form', async () => {
      const res = await drafter.getBinary(`/api/evaluations/${ids[OPERATIONS]}/form.docx`);
      expect(res.status).toBe(200);
      expect(res.headers['content-type']).toContain('wordprocessingml');
      expect(decodeURIComponent(res.headers['content-disposition']!)).toContain(`${OPERATIONS}-项目支出绩效自评表.docx`);
      const { paragraphs, tables } = await wordTables(res.body as Buffer);
      expect(paragraphs.slice(0, 2)).toEqual(['项目支出绩效自评表', '（2021年度）']);
      const rows = tables[0]!.rows.map((row) => row.cells.map(cellText));
      expect(rows[0]).toEqual(['项目名称', OPERATIONS, '评价方式', '单位自评']);
      expect(rows[1]).toEqual(['主管部门', '中共北京市委老干部局', '实施单位', '北京市关心下一代工作委员会办公室']);
      expect(rows[4]).toEqual(['', '年度资金总额', '84.61', '84.61', '46.107788', '10', '54.49%', '5.45']);
      expect(rows.at(-2)!.slice(0, 3)).toEqual(['总分', '100', '82.25']);
      expect(rows.at(-1)).toEqual(['等级', '良']);
      // The Word import reads the exported file as the same form.
      const view = (await drafter.get(`/api/evaluations/${ids[OPERATIONS]}`)).body;
      const zip = await JSZip.loadAsync(res.body as Buffer);
      const parsed = parseSelfEvaluationTables(readWordDocument(await zip.file('word/document.xml')!.async('string')));
      expect(parsed.forms[0]!.form.indicators).toEqual(view.form.indicators);
      expect(parsed.forms[0]!.form.funds).toEqual(view.form.funds);
    });

    it('form.pdf is text a reader can search and copy: project name, 总分, 等级', async () => {
      const res = await drafter.getBinary(`/api/evaluations/${ids[OPERATIONS]}/form.pdf`);
      expect(res.status).toBe(200);
      expect(res.headers['content-type']).toBe('application/pdf');
      const { text } = await pdfText(res.body as Buffer);
      for (const expected of [OPERATIONS, '总分', '82.25', '等级', '良', '46.107788', '54.49%']) expect(text).toContain(expected);
    });

    it('answers 404 for a form that does not exist or is another unit\'s, 400 for a malformed revision', async () => {
      expect((await drafter.getBinary('/api/evaluations/00000000-0000-4000-8000-000000000000/form.pdf')).status).toBe(404);
      const res = await drafter.get(`/api/evaluations/${ids[OPERATIONS]}/form.docx?revision=abc`);
      expect(res.headers['content-type']).toContain('application/json');
      expect({ status: res.status, code: res.body.code }).toEqual({ status: 400, code: 'VALIDATION_FAILED' });
    });
  });

  describe('summary.docx and summary.pdf', () => {
    it('give the paper 明细表 with 合计 334.61', async () => {
      const docx = await manager.getBinary('/api/summary.docx?fiscalYear=2021');
      expect(docx.status).toBe(200);
      const rows = (await wordTables(docx.body as Buffer)).tables[0]!.rows.map((row) => row.cells.map(cellText));
      expect(rows[0]).toEqual(['序号', '项目名称', '项目预算\n（万元）', '评价方式', '自评\n得分']);
      expect(rows[3]).toEqual(['3', OPERATIONS, '84.61', '单位自评', '82.30']);
      expect(rows.at(-1)).toEqual(['合计', '334.61', '', '']);
      const pdf = await manager.getBinary('/api/summary.pdf?fiscalYear=2021');
      expect(pdf.status).toBe(200);
      const { text } = await pdfText(pdf.body as Buffer);
      for (const expected of ['北京市关心下一代工作委员会办公室2021年度项目绩效评价明细表', '合计', '334.61', '青少年迷你冬奥会项目']) expect(text).toContain(expected);
    });

    it('refuses a malformed year or unit with 400 VALIDATION_FAILED, as JSON', async () => {
      for (const query of ['fiscalYear=二〇二一', 'fiscalYear=2021&unitId=not-a-uuid']) {
        for (const ext of ['docx', 'pdf']) {
          const res = await manager.get(`/api/summary.${ext}?${query}`);
          expect({ status: res.status, code: res.body.code, type: res.headers['content-type'] }).toEqual({ status: 400, code: 'VALIDATION_FAILED', type: expect.stringContaining('application/json') });
        }
      }
    });
  });

  describe('a new year from last year', () => {
    let copyId: string;

    it('copies a form into a Draft for 2022: header and targets kept, funds, actual values and scores cleared; the history says where it came from', async () => {
      const source = (await drafter.get(`/api/evaluations/${ids[OPERATIONS]}`)).body;
      const res = await drafter.post(`/api/evaluations/${ids[OPERATIONS]}/copy`, { fiscalYear: 2022 });
      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({ status: 'Draft', version: 1 });
      copyId = res.body.id;
      const copy = (await drafter.get(`/api/evaluations/${res.body.id}`)).body;
      expect(copy.form).toMatchObject({
        fiscalYear: 2022,
        unitId: source.form.unitId,
        projectName: OPERATIONS,
        competentDepartment: source.form.competentDepartment,
        projectLead: source.form.projectLead,
        contactPhone: source.form.contactPhone,
        evaluationMethod: '单位自评',
        funds: { total: null, currentYear: null, carryOver: null, other: null },
        goals: { expected: source.form.goals.expected, actual: '' },
      });
      expect(copy.form.declared ?? null).toBeNull();
      expect(copy.form.indicators).toEqual(
        source.form.indicators.map((row: Record<string, unknown>) => ({ ...row, actual: '', score: null, deviation: '' })),
      );
      const history = (await drafter.get(`/api/evaluations/${res.body.id}/history`)).body;
      expect(history).toHaveLength(1);
      expect(history[0]).toMatchObject({ type: 'EvaluationDrafted', actor: { username: 'drafter' } });
      expect(history[0].payload.copiedFrom).toEqual({ evaluationId: ids[OPERATIONS], revision: 1, fiscalYear: 2021, projectName: OPERATIONS });
      // The source is untouched.
      expect((await drafter.get(`/api/evaluations/${ids[OPERATIONS]}`)).body.version).toBe(source.version);
    });

    it('cannot be submitted while the year\'s results are empty: the refusal and the view name each cell to fill, then it goes through', async () => {
      const copy = (await drafter.get(`/api/evaluations/${copyId}`)).body;
      const rows = copy.form.indicators.length;
      expect(copy.missing).toEqual([
        { path: 'funds.total.executed', message: '未填写年度资金总额的全年执行数（当年没有支出的填 0）', place: expect.stringContaining('全年执行数') },
        { path: 'goals.actual', message: '未填写年度总体目标的实际完成情况', place: expect.stringContaining('实际完成情况') },
        ...copy.form.indicators.map((row: { name: string }, index: number) => ({
          path: `indicators[${index}].actual`,
          message: `绩效指标第 ${index + 1} 行“${row.name}”未填写实际完成值、得分`,
          place: expect.any(String),
        })),
      ]);
      const before = await eventCount();
      const refused = await drafter.post(`/api/evaluations/${copyId}/submit`, { expectedVersion: copy.version });
      expect({ status: refused.status, code: refused.body.code }).toEqual({ status: 422, code: 'SUBMISSION_BLOCKED' });
      expect(refused.body.message).toContain(`还有 ${rows + 2} 处未填写`);
      expect(refused.body.details.missing).toEqual(copy.missing);
      expect(await eventCount()).toBe(before);
      // The list counts them, so that a drafter sees which drafts are not ready.
      const listed = async () => (await drafter.get('/api/evaluations?fiscalYear=2022')).body.items.find((item: { id: string }) => item.id === copyId).findings;
      expect(await listed()).toEqual({ errors: expect.any(Number), warnings: expect.any(Number), missing: rows + 2 });

      // The drafter writes the year's results (last year's funds and goals, every target met in full), and the form goes to review.
      const source = (await drafter.get(`/api/evaluations/${ids[OPERATIONS]}`)).body;
      const { projectName, competentDepartment, projectLead, contactPhone, evaluationMethod, goals, funds } = source.form;
      const indicators = source.form.indicators.map((row: { weight: number | null }) => ({ ...row, score: row.weight }));
      const filled = await drafter.put(`/api/evaluations/${copyId}`, {
        fiscalYear: 2022, projectName, competentDepartment, projectLead, contactPhone, evaluationMethod, goals, indicators, funds,
        expectedVersion: copy.version,
      });
      expect(filled.status).toBe(200);
      expect((await drafter.get(`/api/evaluations/${copyId}`)).body.missing).toEqual([]);
      expect((await listed()).missing).toBe(0);
      const submitted = await drafter.post(`/api/evaluations/${copyId}/submit`, { expectedVersion: filled.body.version });
      expect({ status: submitted.status, state: submitted.body.status }).toEqual({ status: 200, state: 'Submitted' });
      expect((await drafter.get(`/api/evaluations/${copyId}`)).body.missing).toEqual([]);
    });

    it('refuses a year that is not later, a malformed year, a role that cannot draft and an unknown form, storing nothing', async () => {
      const before = await eventCount();
      const same = await drafter.post(`/api/evaluations/${ids[OPERATIONS]}/copy`, { fiscalYear: 2021 });
      expect({ status: same.status, code: same.body.code }).toEqual({ status: 422, code: 'COPY_YEAR_INVALID' });
      const malformed = await drafter.post(`/api/evaluations/${ids[OPERATIONS]}/copy`, { fiscalYear: '2022年' });
      expect({ status: malformed.status, code: malformed.body.code }).toEqual({ status: 400, code: 'VALIDATION_FAILED' });
      const reviewerCopy = await reviewer.post(`/api/evaluations/${ids[OPERATIONS]}/copy`, { fiscalYear: 2022 });
      expect({ status: reviewerCopy.status, code: reviewerCopy.body.code }).toEqual({ status: 403, code: 'FORBIDDEN' });
      const unknown = await drafter.post('/api/evaluations/00000000-0000-4000-8000-000000000000/copy', { fiscalYear: 2022 });
      expect(unknown.status).toBe(404);
      expect(await eventCount()).toBe(before);
    });
  });

  describe('the publication pack', () => {
    let correctedId: string;

    beforeAll(async () => {
      // A correction under way: the pack keeps the published revision (reopened, renamed in the draft).
      correctedId = ids['新媒体运营服务项目']!;
      const view = (await drafter.get(`/api/evaluations/${correctedId}`)).body;
      const reopened = await manager.post(`/api/evaluations/${correctedId}/reopen`, { expectedVersion: view.version, reason: '更正联系电话' });
      expect(reopened.status).toBe(200);
      const { unitId: _unit, cycleId: _cycle, declared: _declared, ...form } = view.form;
      const edited = await drafter.put(`/api/evaluations/${correctedId}`, { ...form, projectName: '新媒体运营服务项目（更正中）', contactPhone: '13900001111', expectedVersion: reopened.body.version });
      expect({ status: edited.status, body: edited.status === 200 ? null : edited.body }).toEqual({ status: 200, body: null });
      // A form never published contributes nothing (the 2022 copy is another year; this one is 2021).
      const { unitId: _u, declared: _d, cycleId: _c, ...draft } = (await drafter.get(`/api/evaluations/${ids[OPERATIONS]}`)).body.form;
      expect((await drafter.post('/api/evaluations', { ...draft, projectName: '未公开的草稿项目' })).status).toBe(201);
    });

    it('holds the 明细表 and every published form as PDF and Word, named 序号-项目名称, with manifest.json', async () => {
      const res = await manager.getBinary('/api/publication?fiscalYear=2021');
      expect(res.status).toBe(200);
      expect(res.headers['content-type']).toBe('application/zip');
      expect(decodeURIComponent(res.headers['content-disposition']!)).toContain('北京市关心下一代工作委员会办公室2021年度绩效自评公开材料.zip');
      const zip = await JSZip.loadAsync(res.body as Buffer);
      const names = Object.keys(zip.files).sort();
      const projects = ['青少年迷你冬奥会项目', '新媒体运营服务项目', OPERATIONS, '首都关心下一代大讲堂', '市关工委网站运维项目', '开展北京市家庭教育暨家校社共育服务', '北京市关心下一代工作宣传推广'];
      expect(names).toEqual(
        ['manifest.json', '0-项目绩效评价明细表.pdf', '0-项目绩效评价明细表.docx', ...projects.flatMap((name, i) => [`${i + 1}-${name}.pdf`, `${i + 1}-${name}.docx`])].sort(),
      );
      const manifest = JSON.parse(await zip.file('manifest.json')!.async('string'));
      expect(manifest).toMatchObject({ fiscalYear: 2021, unit: { name: '北京市关心下一代工作委员会办公室' }, variant: 'publication' });
      expect(manifest.files).toHaveLength(16);
      for (const file of manifest.files) {
        const bytes = await zip.file(file.name)!.async('nodebuffer');
        expect(file.sha256).toBe(createHash('sha256').update(bytes).digest('hex'));
        expect(file.bytes).toBe(bytes.length);
        if (file.kind === 'form') {
          expect(file).toMatchObject({ revision: 1, evaluationId: ids[file.projectName] });
          expect(Number.isNaN(Date.parse(file.publishedAt))).toBe(false);
        }
      }
      // The corrected form contributes its published revision, not the draft under way.
      const corrected = manifest.files.find((file: { evaluationId?: string; format: string }) => file.evaluationId === correctedId && file.format === 'pdf');
      expect(corrected).toMatchObject({ name: '2-新媒体运营服务项目.pdf', revision: 1 });
      const summaryText = (await pdfText(await zip.file('0-项目绩效评价明细表.pdf')!.async('nodebuffer'))).text;
      expect(summaryText).toContain('334.61');
      expect(summaryText).not.toContain('未公开的草稿项目');
      expect(summaryText).not.toContain('更正中');
      const formText = (await pdfText(await zip.file(`3-${OPERATIONS}.pdf`)!.async('nodebuffer'))).text;
      for (const expected of [OPERATIONS, '总分', '82.25', '等级', '良', '（不公开）']) expect(formText).toContain(expected);
    });

    it('contains no contact phone number anywhere: no file\'s text, no XML part, no byte', async () => {
      const res = await manager.getBinary('/api/publication?fiscalYear=2021');
      const zip = await JSZip.loadAsync(res.body as Buffer);
      for (const [name, entry] of Object.entries(zip.files)) {
        const text = await everyText(name, await entry.async('nodebuffer'));
        for (const phone of [...PHONES, '13900001111']) expect({ name, found: text.includes(phone) }).toEqual({ name, found: false });
        // Any mainland mobile number at all. Not read as one: the manifest's sha256 digests, and a PDF's file
        // identifier (/ID, 32 random hex digits, which hold 11 decimal digits in a row in about 1 PDF of 200).
        const readable = text.replace(/\b[0-9a-f]{64}\b/g, '').replace(/<[0-9a-f]{32}>/g, '');
        expect({ name, mobile: /(?<!\d)1[3-9]\d{9}(?!\d)/.test(readable) }).toEqual({ name, mobile: false });
      }
    });

    it('is for managers; refuses a missing year, a year with nothing published and several units without unitId', async () => {
      const before = await eventCount();
      expect((await drafter.get('/api/publication?fiscalYear=2021')).status).toBe(403);
      const missing = await manager.get('/api/publication');
      expect({ status: missing.status, code: missing.body.code }).toEqual({ status: 400, code: 'VALIDATION_FAILED' });
      const empty = await manager.get('/api/publication?fiscalYear=2019');
      expect({ status: empty.status, code: empty.body.code }).toEqual({ status: 404, code: 'PUBLICATION_EMPTY' });
      expect(await eventCount()).toBe(before);

      const unit = (await admin.post('/api/units', { name: '另一单位', competentDepartment: '中共北京市委老干部局' })).body;
      const text = (await import('node:fs')).readFileSync(new URL('../samples/beijing-gwc-2021-self-evaluations.txt', import.meta.url), 'utf8');
      const imported = await manager.postText(`/api/imports/self-evaluations?as=published&unitId=${unit.id}`, `${text}\n`.replace('青少年迷你冬奥会项目\n', '另一单位的项目\n'));
      expect(imported.status).toBe(201);
      const several = await manager.get('/api/publication?fiscalYear=2021');
      expect({ status: several.status, code: several.body.code }).toEqual({ status: 400, code: 'UNIT_REQUIRED' });
      const chosen = await manager.getBinary(`/api/publication?fiscalYear=2021&unitId=${unit.id}`);
      expect(chosen.status).toBe(200);
      // Another unit's form is not there for this unit's drafter, in any format.
      const foreign = imported.body.evaluations[0].id;
      for (const ext of ['docx', 'pdf', 'xlsx']) expect((await drafter.get(`/api/evaluations/${foreign}/form.${ext}`)).status).toBe(404);
      expect((await drafter.post(`/api/evaluations/${foreign}/copy`, { fiscalYear: 2022 })).status).toBe(404);
      const chosenNames = Object.keys((await JSZip.loadAsync(chosen.body as Buffer)).files);
      expect(chosenNames.filter((name) => name.endsWith('.pdf'))).toHaveLength(8);
      // Without its row in the 明细表 (renamed there) the form comes last.
      expect(chosenNames).toContain('7-青少年迷你冬奥会项目.pdf');
    });

    /** Each form file of a pack by evaluation and format: its sha256 as the manifest states it. */
    const formDigests = async (query: string) => {
      const res = await manager.getBinary(`/api/publication?${query}`);
      expect(res.status).toBe(200);
      const manifest = JSON.parse(await (await JSZip.loadAsync(res.body as Buffer)).file('manifest.json')!.async('string'));
      const forms = manifest.files.filter((f: { kind: string }) => f.kind === 'form') as { evaluationId: string; format: string; sha256: string }[];
      return Object.fromEntries(forms.map((f) => [`${f.evaluationId}.${f.format}`, f.sha256]));
    };
    const storedDigests = async (evaluationIds: string[]) =>
      Object.fromEntries(
        (await api.query<{ id: string; format: string; sha256: string }>('SELECT evaluation_id AS id, format, sha256 FROM published_documents WHERE evaluation_id = ANY($1::uuid[])', [evaluationIds])).map((r) => [`${r.id}.${r.format}`, r.sha256]),
      );

    it('renders a published revision once: the same files and sha256 at every download, as stored', async () => {
      // Rendering stamps the time into PDF and Word: rendered afresh, the same revision would differ at each download.
      const pack = `fiscalYear=2021&unitId=${drafter.session!.user.unitIds[0]}`;
      const first = await formDigests(pack);
      expect(Object.keys(first)).toHaveLength(14);
      await new Promise((resolve) => setTimeout(resolve, 1100));
      expect(await formDigests(pack)).toEqual(first);
      const ids = [...new Set(Object.keys(first).map((k) => k.split('.')[0]))];
      expect(await storedDigests(ids)).toEqual(first);
    });

    it('has a worker back-fill the files of forms published before they were stored, without a pack asked', async () => {
      // The seed's forms were imported as published: no publication event, no files. A second worker with no delay renders them.
      await api.query('DELETE FROM published_documents');
      api.startWorker({ PUBLISHED_BACKFILL_DELAY_MS: '0' });
      const published = Number((await api.query<{ n: string }>('SELECT count(DISTINCT evaluation_id) AS n FROM evaluation_revisions'))[0].n);
      expect(published).toBeGreaterThanOrEqual(8);
      await eventually(async () => Number((await api.query<{ n: string }>('SELECT count(*) AS n FROM published_documents'))[0].n), (n) => n === 2 * published, 60_000);
      // And the pack reads them: its files are the stored ones.
      const pack = `fiscalYear=2021&unitId=${drafter.session!.user.unitIds[0]}`;
      const digests = await formDigests(pack);
      expect(await storedDigests([...new Set(Object.keys(digests).map((k) => k.split('.')[0]))])).toEqual(digests);
    });

    it('has the worker render a form\'s files when it is published, and renders them again for a renamed unit', async () => {
      const created = await drafter.post('/api/evaluations', newMediaForm({ fiscalYear: 2023, projectName: '公开即生成的项目' }));
      expect(created.status).toBe(201);
      const id = created.body.id as string;
      expect((await drafter.post(`/api/evaluations/${id}/submit`, { expectedVersion: 1 })).status).toBe(200);
      expect((await reviewer.post(`/api/evaluations/${id}/approve`, { expectedVersion: 2 })).status).toBe(200);
      expect((await manager.post(`/api/evaluations/${id}/publish`, { expectedVersion: 3 })).status).toBe(200);
      // Stored by the worker, before anyone asked for a pack.
      const rendered = await eventually(
        () => api.query<{ format: string; unit_name: string }>('SELECT format, unit_name FROM published_documents WHERE evaluation_id = $1 ORDER BY format', [id]),
        (rows) => rows.length === 2,
        30_000,
      );
      expect(rendered).toEqual([
        { format: 'docx', unit_name: '北京市关心下一代工作委员会办公室' },
        { format: 'pdf', unit_name: '北京市关心下一代工作委员会办公室' },
      ]);
      const before = await storedDigests([id]);
      expect(await formDigests('fiscalYear=2023')).toEqual(before);

      const unitId = created.body.unitId ?? (await drafter.get(`/api/evaluations/${id}`)).body.form.unitId;
      await api.query('UPDATE units SET name = $2 WHERE id = $1', [unitId, '北京市关心下一代工作委员会']);
      try {
        const renamed = await formDigests('fiscalYear=2023');
        expect(renamed[`${id}.pdf`]).not.toBe(before[`${id}.pdf`]);
        expect(await storedDigests([id])).toEqual(renamed);
        const res = await manager.getBinary('/api/publication?fiscalYear=2023');
        const pdf = await (await JSZip.loadAsync(res.body as Buffer)).file('1-公开即生成的项目.pdf')!.async('nodebuffer');
        expect((await pdfText(pdf)).text).toContain('北京市关心下一代工作委员会');
      } finally {
        await api.query('UPDATE units SET name = $2 WHERE id = $1', [unitId, '北京市关心下一代工作委员会办公室']);
      }
    });
  });
});
