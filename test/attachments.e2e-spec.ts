import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import request from 'supertest';
import { ApiProcess } from './support/api-process.js';
import { ApiClient } from './support/api-client.js';
import { newMediaForm } from './support/forms.js';
import { evidence, sha256 } from './support/evidence-files.js';
import { S3Server } from './support/s3-server.js';
import { ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';

const MB = 1024 * 1024;
const attachments = (id: string) => `/api/evaluations/${id}/attachments`;

/**
 * 佐证材料 through HTTP on the real API and PostgreSQL: upload (multipart, field `file`), list, download, delete;
 * what a file is by its bytes; the limits of a file (ATTACHMENT_FILE_LIMIT, 20 MB by default) and of a form
 * (ATTACHMENT_FORM_LIMIT, lowered to 30 MB here so that the test sends tens of MB, not hundreds); who may do
 * what, in which state; and the history.
 */
describe('Evidence files (佐证材料) through the HTTP API', () => {
  const api = new ApiProcess();
  let drafter: ApiClient;
  let reviewer: ApiClient;
  let manager: ApiClient;
  let outsider: ApiClient;

  beforeAll(async () => {
    await api.start({ ATTACHMENT_FORM_LIMIT: '30mb' });
    let admin: ApiClient;
    [drafter, reviewer, manager, admin] = await Promise.all(['drafter', 'reviewer', 'manager', 'admin'].map((u) => ApiClient.login(api.baseUrl, u)));
    const unit = await admin.post('/api/units', { name: '北京市某区教育委员会', competentDepartment: '北京市教育委员会' });
    expect(unit.status).toBe(201);
    const user = await admin.post('/api/users', { username: 'other-drafter', password: 'other-unit-pass-1', displayName: '外单位填报人', roles: ['drafter', 'reviewer'], unitIds: [unit.body.id] });
    expect(user.status).toBe(201);
    outsider = await ApiClient.login(api.baseUrl, 'other-drafter', 'other-unit-pass-1');
  });

  afterAll(async () => {
    await api.stop();
  });

  async function draft(projectName = '新媒体运营服务项目'): Promise<{ id: string; version: number }> {
    const res = await drafter.post('/api/evaluations', newMediaForm({ projectName }));
    expect(res.status).toBe(201);
    return res.body;
  }

  /** The form's version and number of events: what a refused request must leave as it was. */
  async function written(id: string): Promise<{ version: number; events: number; blobs: number }> {
    const [row] = await api.query<{ version: number; events: string; blobs: string }>(
      'SELECT e.version, (SELECT count(*) FROM evaluation_events ev WHERE ev.evaluation_id = e.id) AS events, (SELECT count(*) FROM attachment_blobs) AS blobs FROM evaluations e WHERE e.id = $1',
      [id],
    );
    return { version: row.version, events: Number(row.events), blobs: Number(row.blobs) };
  }

  it('takes a PDF with a Chinese name for a row, lists it and gives back the very bytes under that name', async () => {
    const form = await draft();
    const pdf = evidence.pdf(300_000);
    const name = '2021年度 讲题策划推进会：结算单（终稿）.pdf';
    const up = await drafter.upload(`${attachments(form.id)}?target=indicators[0]`, pdf, name);
    expect(up.status).toBe(201);
    expect(up.body).toEqual({
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      fileName: name,
      size: pdf.length,
      sha256: sha256(pdf),
      contentType: 'application/pdf',
      target: 'indicators[0]',
      uploadedBy: drafter.id,
      uploadedAt: expect.any(String),
      version: form.version + 1,
    });

    const list = await reviewer.get(attachments(form.id));
    expect(list.status).toBe(200);
    const { version: _version, ...meta } = up.body;
    expect(list.body).toEqual([{ ...meta, place: '绩效指标第 1 行', uploaderName: drafter.session!.user.displayName }]);

    const file = await reviewer.getBinary(`${attachments(form.id)}/${up.body.id}`);
    expect(file.status).toBe(200);
    expect(file.headers['content-type']).toBe('application/pdf');
    expect(Buffer.compare(file.body as Buffer, pdf)).toBe(0);
    const disposition = String(file.headers['content-disposition']);
    expect(disposition).toMatch(/^attachment; /);
    expect(decodeURIComponent(/filename\*=UTF-8''([^;]+)/.exec(disposition)![1])).toBe(name);
  });

  it('answers the version it wrote, so the editor keeps saving with it; the form itself is unchanged', async () => {
    const form = await draft();
    const before = (await drafter.get(`/api/evaluations/${form.id}`)).body;
    const up = await drafter.upload(attachments(form.id), evidence.png(), '现场照片.png');
    expect(up.status).toBe(201);
    expect(up.body).toMatchObject({ target: null, contentType: 'image/png', version: form.version + 1 });
    const after = (await drafter.get(`/api/evaluations/${form.id}`)).body;
    expect(after).toMatchObject({ version: form.version + 1, form: before.form, scores: before.scores, scoring: before.scoring });
    const saved = await drafter.put(`/api/evaluations/${form.id}`, { ...newMediaForm({ projectLead: '李四' }), expectedVersion: up.body.version });
    expect(saved.status).toBe(200);
    expect(saved.body.version).toBe(form.version + 2);
  });

  it('knows JPEG, PNG, Word and Excel by their bytes, whatever their names say', async () => {
    const form = await draft();
    const files: [Buffer, string, string][] = [
      [evidence.jpeg(), '照片.dat', 'image/jpeg'],
      [evidence.png(), '截图', 'image/png'],
      [await evidence.docx(), '会议纪要.pdf', 'application/vnd.openxmlformats-officedocument.wordprocessingml.document'],
      [await evidence.xlsx(), '台账.docx', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'],
    ];
    for (const [bytes, name, type] of files) {
      const up = await drafter.upload(`${attachments(form.id)}?target=goals.actual`, bytes, name);
      expect([name, up.status, up.body.contentType]).toEqual([name, 201, type]);
      const back = await drafter.getBinary(`${attachments(form.id)}/${up.body.id}`);
      expect([name, back.headers['content-type'], Buffer.compare(back.body as Buffer, bytes)]).toEqual([name, type, 0]);
    }
  });

  it('refuses a renamed .exe, a zip that is no Office file and an empty file with 415, writing nothing', async () => {
    const form = await draft();
    const before = await written(form.id);
    for (const [bytes, name] of [
      [evidence.exe(), '自评报告.pdf'],
      [await evidence.zip(), '材料.docx'],
      [Buffer.alloc(0), '空.pdf'],
      [Buffer.from('%PD'), '截断.pdf'],
    ] as const) {
      const res = await drafter.upload(attachments(form.id), bytes, name);
      expect([name, res.status, res.body.code]).toEqual([name, 415, 'ATTACHMENT_TYPE_UNSUPPORTED']);
      expect(res.body.message).toMatch(/PDF/);
    }
    expect(await written(form.id)).toEqual(before);
  });

  it('stores the same bytes once, however often and on however many forms they are attached', async () => {
    const [a, b] = [await draft('项目甲'), await draft('项目乙')];
    const pdf = evidence.pdf(120_000);
    const ups = [
      await drafter.upload(attachments(a.id), pdf, '同一文件.pdf'),
      await drafter.upload(`${attachments(a.id)}?target=indicators[1]`, pdf, '同一文件（副本）.pdf'),
      await drafter.upload(attachments(b.id), pdf, '另一张表.pdf'),
    ];
    expect(ups.map((u) => u.status)).toEqual([201, 201, 201]);
    expect(new Set(ups.map((u) => u.body.id)).size).toBe(3);
    expect(new Set(ups.map((u) => u.body.sha256))).toEqual(new Set([sha256(pdf)]));
    const rows = await api.query<{ n: string; size: string }>('SELECT count(*) AS n, max(size) AS size FROM attachment_blobs WHERE sha256 = $1', [sha256(pdf)]);
    expect(rows[0]).toEqual({ n: '1', size: String(pdf.length) });
    for (const up of ups.slice(1)) expect(Buffer.compare((await drafter.getBinary(`${attachments(up.body.id === ups[2].body.id ? b.id : a.id)}/${up.body.id}`)).body as Buffer, pdf)).toBe(0);
  });

  it('takes a file of exactly 20 MB, refuses 21 MB with 413 ATTACHMENT_TOO_LARGE, and a form past its total with 413 ATTACHMENT_QUOTA_EXCEEDED', async () => {
    const form = await draft();
    const twenty = evidence.pdf(20 * MB);
    const accepted = await drafter.upload(attachments(form.id), twenty, '二十兆.pdf');
    expect(accepted.status).toBe(201);
    expect(accepted.body.size).toBe(20 * MB);

    const before = await written(form.id);
    const tooLarge = await drafter.upload(attachments(form.id), evidence.pdf(21 * MB), '二十一兆.pdf');
    expect(tooLarge.status).toBe(413);
    expect(tooLarge.body).toMatchObject({ code: 'ATTACHMENT_TOO_LARGE', details: { maxBytes: 20 * MB }, message: expect.stringContaining('20 MB') });
    expect(await written(form.id)).toEqual(before);

    // 20 MB attached, 30 MB for the form (ATTACHMENT_FORM_LIMIT of this test): 10 MB more fit, a byte more does not.
    const overQuota = await drafter.upload(attachments(form.id), evidence.pdf(10 * MB + 1), '超出合计.pdf');
    expect(overQuota.status).toBe(413);
    expect(overQuota.body).toMatchObject({ code: 'ATTACHMENT_QUOTA_EXCEEDED', details: { maxBytes: 30 * MB, usedBytes: 20 * MB, size: 10 * MB + 1 } });
    expect(await written(form.id)).toEqual(before);
    expect((await drafter.upload(attachments(form.id), evidence.pdf(10 * MB), '正好合计.pdf')).status).toBe(201);

    // Removing a file gives its room back.
    expect((await drafter.delete(`${attachments(form.id)}/${accepted.body.id}`)).status).toBe(204);
    expect((await drafter.upload(attachments(form.id), evidence.pdf(15 * MB), '删除后再传.pdf')).status).toBe(201);
  });

  it('deletes a Draft’s file with 204: gone from the list and the download, kept in the history', async () => {
    const form = await draft();
    const kept = (await drafter.upload(attachments(form.id), evidence.png(), '保留.png')).body;
    const removed = (await drafter.upload(`${attachments(form.id)}?target=funds.total.executed`, evidence.pdf(), '删除.pdf')).body;
    const res = await drafter.delete(`${attachments(form.id)}/${removed.id}`);
    expect(res.status).toBe(204);
    expect(res.text).toBe('');
    expect((await drafter.get(attachments(form.id))).body.map((a: { id: string }) => a.id)).toEqual([kept.id]);
    expect((await drafter.getBinary(`${attachments(form.id)}/${removed.id}`)).status).toBe(404);
    const again = await drafter.delete(`${attachments(form.id)}/${removed.id}`);
    expect([again.status, again.body.code]).toEqual([404, 'NOT_FOUND']);
    expect((await drafter.get(`/api/evaluations/${form.id}`)).body.version).toBe(form.version + 3);

    const history = (await manager.get(`/api/evaluations/${form.id}/history`)).body as { version: number; type: string; actor: { id: string }; payload: Record<string, unknown> }[];
    expect(history.map((e) => [e.version, e.type])).toEqual([
      [1, 'EvaluationDrafted'],
      [2, 'EvaluationAttachmentAdded'],
      [3, 'EvaluationAttachmentAdded'],
      [4, 'EvaluationAttachmentRemoved'],
    ]);
    expect(history[2].payload).toEqual({ attachment: { ...removed, version: undefined } });
    expect(history[3]).toMatchObject({ actor: { id: drafter.id }, payload: { attachmentId: removed.id } });
    const labels = (await request(api.baseUrl).get('/api/vocabulary')).body.events;
    expect(labels).toMatchObject({ EvaluationAttachmentAdded: '上传佐证材料', EvaluationAttachmentRemoved: '删除佐证材料' });
  });

  it('lets two uploads to one form run at once: both are recorded, one version each', async () => {
    const form = await draft();
    const ups = await Promise.all([1, 2, 3].map((n) => drafter.upload(attachments(form.id), evidence.jpeg(), `并发${n}.jpg`)));
    expect(ups.map((u) => u.status)).toEqual([201, 201, 201]);
    expect(ups.map((u) => u.body.version).sort()).toEqual([form.version + 1, form.version + 2, form.version + 3]);
    expect((await drafter.get(attachments(form.id))).body).toHaveLength(3);
  });

  describe('who, and when', () => {
    let form: { id: string; version: number };
    let file: { id: string };

    beforeAll(async () => {
      form = await draft('权限测试项目');
      file = (await drafter.upload(attachments(form.id), evidence.pdf(), '证明.pdf')).body;
    });

    it("answers another unit's drafter 404 for everything, as for the form", async () => {
      const before = await written(form.id);
      for (const res of [
        await outsider.get(attachments(form.id)),
        await outsider.getBinary(`${attachments(form.id)}/${file.id}`),
        await outsider.upload(attachments(form.id), evidence.pdf(), 'x.pdf'),
        await outsider.delete(`${attachments(form.id)}/${file.id}`),
      ]) {
        expect([res.status, (res.body as { code?: string }).code ?? JSON.parse(String(res.body)).code]).toEqual([404, 'NOT_FOUND']);
      }
      expect(await written(form.id)).toEqual(before);
    });

    it('lets a reviewer and a manager read the files, and refuses them adding or deleting with 403', async () => {
      const before = await written(form.id);
      for (const reader of [reviewer, manager]) {
        expect((await reader.get(attachments(form.id))).status).toBe(200);
        expect((await reader.getBinary(`${attachments(form.id)}/${file.id}`)).status).toBe(200);
        const up = await reader.upload(attachments(form.id), evidence.pdf(), '审核人上传.pdf');
        expect([up.status, up.body.code]).toEqual([403, 'FORBIDDEN']);
        const del = await reader.delete(`${attachments(form.id)}/${file.id}`);
        expect([del.status, del.body.code]).toEqual([403, 'FORBIDDEN']);
      }
      expect(await written(form.id)).toEqual(before);
    });

    it('refuses anyone without a token with 401', async () => {
      const anonymous = new ApiClient(api.baseUrl);
      expect((await anonymous.get(attachments(form.id))).status).toBe(401);
      expect((await anonymous.upload(attachments(form.id), evidence.pdf(), 'x.pdf')).status).toBe(401);
    });

    it('refuses adding and deleting once the form is submitted (409), and still serves the files', async () => {
      const submittable = await draft('已提交项目');
      const kept = (await drafter.upload(`${attachments(submittable.id)}?target=indicators[2]`, evidence.pdf(), '提交前.pdf')).body;
      expect((await drafter.post(`/api/evaluations/${submittable.id}/submit`, { expectedVersion: kept.version })).status).toBe(200);
      const before = await written(submittable.id);
      const up = await drafter.upload(attachments(submittable.id), evidence.pdf(), '提交后.pdf');
      expect([up.status, up.body.code, up.body.details]).toEqual([409, 'ILLEGAL_TRANSITION', { from: 'Submitted', action: 'attach' }]);
      const del = await drafter.delete(`${attachments(submittable.id)}/${kept.id}`);
      expect([del.status, del.body.code, del.body.details]).toEqual([409, 'ILLEGAL_TRANSITION', { from: 'Submitted', action: 'detach' }]);
      expect(await written(submittable.id)).toEqual(before);
      expect((await reviewer.get(attachments(submittable.id))).body.map((a: { id: string }) => a.id)).toEqual([kept.id]);
      const view = (await drafter.get(`/api/evaluations/${submittable.id}`)).body;
      expect(view.allowedActions).not.toContain('attach');
    });

    it('offers attach and detach on a Draft to its drafter only', async () => {
      expect((await drafter.get(`/api/evaluations/${form.id}`)).body.allowedActions).toEqual(expect.arrayContaining(['attach', 'detach']));
      expect((await reviewer.get(`/api/evaluations/${form.id}`)).body.allowedActions).toEqual([]);
    });
  });

  describe('bad requests', () => {
    let form: { id: string; version: number };

    beforeAll(async () => {
      form = await draft('坏请求项目');
    });

    it('refuses an unknown query field and a target the form does not have with 400, writing nothing', async () => {
      const before = await written(form.id);
      const unknown = await drafter.upload(`${attachments(form.id)}?target=indicators[0]&zz=1`, evidence.pdf(), 'a.pdf');
      expect([unknown.status, unknown.body.code, unknown.body.details.fields.map((f: { field: string }) => f.field)]).toEqual([400, 'VALIDATION_FAILED', ['zz']]);
      for (const target of ['indicators[9]', 'indicators[-1]', 'funds.total.nothing', 'unknownField', `${'x'.repeat(101)}`]) {
        const res = await drafter.upload(`${attachments(form.id)}?target=${encodeURIComponent(target)}`, evidence.pdf(), 'a.pdf');
        expect([target, res.status]).toEqual([target, 400]);
        expect(['INVALID_ATTACHMENT_TARGET', 'VALIDATION_FAILED']).toContain(res.body.code);
      }
      const missing = await drafter.upload(`${attachments(form.id)}?target=indicators[9]`, evidence.pdf(), 'a.pdf');
      expect(missing.body).toMatchObject({ code: 'INVALID_ATTACHMENT_TARGET', details: { target: 'indicators[9]' } });
      expect(await written(form.id)).toEqual(before);
    });

    it('refuses a body that is not a multipart upload of one file in the field file', async () => {
      const before = await written(form.id);
      const json = await drafter.post(attachments(form.id), { file: 'x' });
      expect([json.status, json.body.code]).toEqual([415, 'UNSUPPORTED_MEDIA_TYPE']);
      // Small: refused before it is read, a body still being sent when the answer comes can end in EPIPE for the client.
      const raw = await drafter.postFile(attachments(form.id), Buffer.from('%PDF-1.7\n%%EOF\n'), 'application/pdf');
      expect([raw.status, raw.body.code]).toEqual([415, 'UNSUPPORTED_MEDIA_TYPE']);
      const empty = await drafter.post(attachments(form.id));
      expect([empty.status, empty.body.code]).toEqual([415, 'UNSUPPORTED_MEDIA_TYPE']);
      const otherField = await drafter.upload(attachments(form.id), evidence.pdf(), 'a.pdf', 'upload');
      expect([otherField.status, otherField.body.code, otherField.body.details?.fields?.[0]?.field]).toEqual([400, 'VALIDATION_FAILED', 'upload']);
      const twoFiles = await request(api.baseUrl).post(attachments(form.id)).set('Authorization', `Bearer ${drafter.session!.token}`).attach('file', evidence.pdf(), 'a.pdf').attach('file', evidence.pdf(), 'b.pdf');
      expect([twoFiles.status, twoFiles.body.code]).toEqual([400, 'VALIDATION_FAILED']);
      const withField = await request(api.baseUrl).post(attachments(form.id)).set('Authorization', `Bearer ${drafter.session!.token}`).field('target', 'indicators[0]').attach('file', evidence.pdf(), 'a.pdf');
      expect([withField.status, withField.body.code, withField.body.details?.fields?.[0]?.field]).toEqual([400, 'VALIDATION_FAILED', 'target']);
      const noFile = await request(api.baseUrl).post(attachments(form.id)).set('Authorization', `Bearer ${drafter.session!.token}`).field('note', 'x');
      expect([noFile.status, noFile.body.code]).toEqual([400, 'VALIDATION_FAILED']);
      // A NUL in a part's header is no multipart at all (busboy's "Malformed part header").
      const nulInName = await drafter.upload(attachments(form.id), evidence.pdf(), 'a\u0000b.pdf');
      expect([nulInName.status, nulInName.body.code]).toEqual([400, 'BAD_REQUEST']);
      expect(await written(form.id)).toEqual(before);
    });

    it('keeps the name as sent but for its path and length', async () => {
      const long = `${'很长的佐证材料文件名'.repeat(12)}.pdf`;
      const up = await drafter.upload(attachments(form.id), evidence.pdf(), long);
      expect(up.status).toBe(201);
      expect([...up.body.fileName]).toHaveLength(80);
      expect(up.body.fileName.endsWith('….pdf')).toBe(true);
      const slashed = await request(api.baseUrl)
        .post(attachments(form.id))
        .set('Authorization', `Bearer ${drafter.session!.token}`)
        .attach('file', evidence.pdf(), { filename: 'C:\\Users\\张三\\桌面\\结算单.pdf', contentType: 'application/octet-stream' });
      expect([slashed.status, slashed.body.fileName]).toEqual([201, '结算单.pdf']);
      // A name without an extension, and one with the characters RFC 5987 wants encoded, come back as they went.
      for (const name of ['扫描件', "it's (v2) *final*.pdf"]) {
        const up = await drafter.upload(attachments(form.id), evidence.pdf(), name);
        const back = await drafter.getBinary(`${attachments(form.id)}/${up.body.id}`);
        expect(back.status).toBe(200);
        const disposition = String(back.headers['content-disposition']);
        expect(disposition).toMatch(/^attachment; filename="export(\.pdf)?"; filename\*=UTF-8''[A-Za-z0-9%._~!-]+$/);
        expect(decodeURIComponent(/filename\*=UTF-8''(.+)$/.exec(disposition)![1])).toBe(name);
      }
    });

    it('answers 404 for an attachment id the form does not hold, and for a form id that is no form', async () => {
      for (const path of [`${attachments(form.id)}/not-an-id`, `${attachments(form.id)}/00000000-0000-0000-0000-000000000000`, `${attachments('not-a-uuid')}`, `${attachments('00000000-0000-0000-0000-000000000000')}/x`]) {
        const res = await drafter.get(path);
        expect([path, res.status, res.body.code]).toEqual([path, 404, 'NOT_FOUND']);
      }
      const del = await drafter.delete(`${attachments(form.id)}/00000000-0000-0000-0000-000000000000`);
      expect([del.status, del.body.code]).toEqual([404, 'NOT_FOUND']);
    });
  });
});

/** The same API with STORAGE_URL naming a bucket of a real S3-compatible server: the bytes go there, not into PostgreSQL. */
describe('Evidence files in an S3-compatible bucket (STORAGE_URL)', () => {
  const s3 = new S3Server();
  const api = new ApiProcess();
  let drafter: ApiClient;

  beforeAll(async () => {
    await s3.start();
    await api.start({ STORAGE_URL: s3.storageUrl('perf-eval/'), AWS_ACCESS_KEY_ID: s3.accessKeyId, AWS_SECRET_ACCESS_KEY: s3.secretAccessKey }, false);
    drafter = await ApiClient.login(api.baseUrl, 'drafter');
  });

  afterAll(async () => {
    await api.stop();
    await s3.stop();
  });

  it('stores the upload as the object <prefix><sha256> and serves the very bytes back from it', async () => {
    const form = (await drafter.post('/api/evaluations', newMediaForm())).body;
    const pdf = evidence.pdf(250_000);
    const up = await drafter.upload(`${attachments(form.id)}?target=indicators[1]`, pdf, '对象存储中的结算单.pdf');
    expect(up.status).toBe(201);
    const again = await drafter.upload(attachments(form.id), pdf, '同一文件.pdf');
    expect(again.status).toBe(201);
    const client = new S3Client({ endpoint: s3.endpoint, region: 'us-east-1', forcePathStyle: true, credentials: { accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey } });
    const listed = await client.send(new ListObjectsV2Command({ Bucket: s3.bucket, Prefix: 'perf-eval/' }));
    expect((listed.Contents ?? []).map((o) => [o.Key, o.Size])).toEqual([[`perf-eval/${sha256(pdf)}`, pdf.length]]);
    client.destroy();
    expect(await api.query('SELECT sha256 FROM attachment_blobs')).toEqual([]);
    const back = await drafter.getBinary(`${attachments(form.id)}/${up.body.id}`);
    expect([back.status, back.headers['content-type'], Buffer.compare(back.body as Buffer, pdf)]).toEqual([200, 'application/pdf', 0]);
  });
});
