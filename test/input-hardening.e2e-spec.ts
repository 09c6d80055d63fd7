import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import request from 'supertest';
import { ApiProcess } from './support/api-process.js';
import { ApiClient } from './support/api-client.js';
import { newMediaForm } from './support/forms.js';
import { CHINESE, documented, fields, nested, signedToken as signedWith, type FieldError } from './support/hostile.js';

const JWT_SECRET = 'input-hardening-test-secret';
const signedToken = (claims: object) => signedWith(JWT_SECRET, claims);

/** What arrives over HTTP is refused before it reaches PostgreSQL or class-transformer, with a code and a field. */
describe('Input hardening', () => {
  const api = new ApiProcess();
  let drafter: ApiClient;
  let reviewer: ApiClient;
  let admin: ApiClient;
  const answeredCodes = new Set<string>();

  beforeAll(async () => {
    await api.start({ JWT_SECRET }, false);
    [drafter, reviewer, admin] = await Promise.all(['drafter', 'reviewer', 'admin'].map((u) => ApiClient.login(api.baseUrl, u)));
  });

  afterAll(async () => {
    await api.stop();
  });

  /** Every refusal keeps the error model: a stable, documented code and a Chinese message. */
  function refusal(res: request.Response, status: number, code: string): void {
    expect({ status: res.status, code: res.body.code }).toEqual({ status, code });
    expect(res.body.statusCode).toBe(status);
    expect(res.body.message).toMatch(CHINESE);
    answeredCodes.add(code);
  }

  async function eventCount(): Promise<number> {
    return Number((await api.query<{ n: string }>('SELECT count(*) AS n FROM evaluation_events'))[0].n);
  }

  describe('NUL characters and lone surrogates', () => {
    it('refuses a NUL in the login username with 400 naming the field (not 500)', async () => {
      const res = await request(api.baseUrl).post('/api/auth/login').send({ username: 'adm\u0000in', password: 'demo1234' });
      refusal(res, 400, 'VALIDATION_FAILED');
      expect(fields(res.body)).toEqual(['username']);
    });

    it('refuses NULs and lone surrogates anywhere in a form, naming each field, and stores nothing', async () => {
      const before = await eventCount();
      const form = newMediaForm({ projectName: '新媒体\u0000运营', goals: { expected: '目标', actual: 'a\ud800b' } });
      form.indicators[1] = { ...form.indicators[1], name: '公众号\udc00运维' };
      const res = await drafter.post('/api/evaluations', form);
      refusal(res, 400, 'VALIDATION_FAILED');
      expect(fields(res.body).sort()).toEqual(['goals.actual', 'indicators[1].name', 'projectName']);
      expect(res.body.details.fields.find((f: FieldError) => f.field === 'projectName').messages.join()).toContain('U+0000');
      expect(await eventCount()).toBe(before);
    });

    it('refuses them in comments, names and query strings', async () => {
      const { id } = (await drafter.post('/api/evaluations', newMediaForm({ projectName: '意见测试项目' }))).body;
      expect((await drafter.post(`/api/evaluations/${id}/submit`, { expectedVersion: 1 })).status).toBe(200);
      const returned = await reviewer.post(`/api/evaluations/${id}/return`, { expectedVersion: 2, comments: [{ target: null, text: '请补充\u0000' }, { target: 'projectName', text: '\ud83d' }] });
      refusal(returned, 400, 'VALIDATION_FAILED');
      expect(fields(returned.body)).toEqual(['comments[0].text', 'comments[1].text']);
      const approved = await reviewer.post(`/api/evaluations/${id}/approve`, { expectedVersion: 2, comment: '同意\u0000' });
      expect(fields(approved.body)).toEqual(['comment']);

      const unit = await admin.post('/api/units', { name: '单位\ud800', competentDepartment: '主管部门' });
      refusal(unit, 400, 'VALIDATION_FAILED');
      expect(fields(unit.body)).toEqual(['name']);
      expect((await admin.get('/api/units')).body.map((u: { name: string }) => u.name)).not.toContain('单位\ufffd');
      const user = await admin.post('/api/users', { username: 'nul-user', password: 'nul-pass-1', displayName: '张\u0000三', roles: ['drafter'], unitIds: [] });
      expect(fields(user.body)).toEqual(['displayName']);

      const query = await drafter.get('/api/evaluations?q=%E9%A1%B9%00');
      refusal(query, 400, 'VALIDATION_FAILED');
      expect(fields(query.body)).toEqual(['q']);
    });

    it('refuses them in import text (naming the line) and in file names from the query or X-File-Name', async () => {
      const forms = async () => Number((await api.query<{ n: string }>('SELECT count(*) AS n FROM evaluations'))[0].n);
      const before = await forms();
      const sample = readFileSync(path.resolve(import.meta.dirname, '../samples/beijing-gwc-2021-self-evaluations.txt'), 'utf8');
      const lines = sample.split('\n');
      lines[4] = `${lines[4]}\u0000`;
      const text = await drafter.postText('/api/imports/self-evaluations?fiscalYear=2021&as=draft', lines.join('\n'));
      refusal(text, 400, 'VALIDATION_FAILED');
      expect(fields(text.body)).toEqual(['body']);
      expect(text.body.details.fields[0].messages.join()).toContain('第 5 行');

      const byQuery = await drafter.postText('/api/imports/self-evaluations?fiscalYear=2021&as=draft&fileName=a%00.txt', sample);
      expect(fields(byQuery.body)).toEqual(['fileName']);
      const byHeader = await drafter.postText('/api/imports/self-evaluations?fiscalYear=2021&as=draft', sample).set('X-File-Name', 'a%00.txt');
      refusal(byHeader, 400, 'VALIDATION_FAILED');
      expect(fields(byHeader.body)).toEqual(['X-File-Name']);
      expect(await forms()).toBe(before);
    });

    it('keeps tabs and line breaks, turns a pasted vertical tab or form feed into a line break and drops other control characters', async () => {
      const res = await drafter.post('/api/evaluations', newMediaForm({ projectName: '控制\u0007字符', goals: { expected: '第一行\u000b第二行\f第三行', actual: '甲\t乙\r\n丙\u001f\u007f' } }));
      expect(res.status).toBe(201);
      const form = (await drafter.get(`/api/evaluations/${res.body.id}`)).body.form;
      expect(form.projectName).toBe('控制字符');
      expect(form.goals).toEqual({ expected: '第一行\n第二行\n第三行', actual: '甲\t乙\r\n丙' });
    });
  });

  describe('deeply nested JSON', () => {
    it('refuses 100k levels with 400 JSON_TOO_DEEP on login, forms and users, before parsing', async () => {
      const body = nested(100_000);
      for (const [client, path] of [
        [null, '/api/auth/login'],
        [drafter, '/api/evaluations'],
        [admin, '/api/users'],
      ] as const) {
        const req = request(api.baseUrl).post(path).set('Content-Type', 'application/json');
        if (client) req.set('Authorization', `Bearer ${client.session!.token}`);
        const started = Date.now();
        const res = await req.send(body);
        refusal(res, 400, 'JSON_TOO_DEEP');
        expect(res.body.details).toEqual({ maxDepth: 32 });
        expect(Date.now() - started).toBeLessThan(5_000);
      }
      const { id } = (await drafter.post('/api/evaluations', newMediaForm())).body;
      const put = await request(api.baseUrl).put(`/api/evaluations/${id}`).set('Authorization', `Bearer ${drafter.session!.token}`).set('Content-Type', 'application/json').send(`{"expectedVersion":1,"goals":{"expected":${nested(40, '"x"')}}}`);
      refusal(put, 400, 'JSON_TOO_DEEP');
    });

    it('allows 32 levels and counts brackets inside strings as text', async () => {
      const deep32 = await request(api.baseUrl).post('/api/auth/login').set('Content-Type', 'application/json').send(`{"username":${nested(31, '"x"')},"password":"x"}`);
      refusal(deep32, 400, 'VALIDATION_FAILED');
      expect(fields(deep32.body)).toContain('username');
      const deep33 = await request(api.baseUrl).post('/api/auth/login').set('Content-Type', 'application/json').send(`{"username":${nested(32, '"x"')},"password":"x"}`);
      refusal(deep33, 400, 'JSON_TOO_DEEP');
      const res = await drafter.post('/api/evaluations', newMediaForm({ projectName: `括号${'[{'.repeat(50)}\\"${'}]'.repeat(10)}` }));
      expect(res.status).toBe(201);
    });
  });

  describe('amounts, weights and scores', () => {
    it('refuses negative amounts and weights or scores outside 0–100, naming the field', async () => {
      const negative = await drafter.post('/api/evaluations', newMediaForm({ funds: { total: { initialBudget: -1, fullYearBudget: '30', executed: '-5' } } }));
      refusal(negative, 400, 'VALIDATION_FAILED');
      expect(fields(negative.body).sort()).toEqual(['funds.total.executed', 'funds.total.initialBudget']);

      const form = newMediaForm();
      form.indicators[0] = { ...form.indicators[0], weight: -1000, score: 101 };
      form.indicators[1] = { ...form.indicators[1], weight: 100.5, score: -0.01 };
      const rows = await drafter.post('/api/evaluations', form);
      refusal(rows, 400, 'VALIDATION_FAILED');
      expect(fields(rows.body).sort()).toEqual(['indicators[0].score', 'indicators[0].weight', 'indicators[1].score', 'indicators[1].weight']);

      const edges = newMediaForm({ funds: { total: { initialBudget: 0, fullYearBudget: '0', executed: '0.000000' } } });
      edges.indicators[0] = { ...edges.indicators[0], weight: 100, score: 0 };
      expect((await drafter.post('/api/evaluations', edges)).status).toBe(201);
    });
  });

  describe('numbers with an exponent, deadlines and reminder policies (found by fuzzing: each was a 500)', () => {
    it('refuses 分值, 得分 and 核查分 written with an exponent below hundredths, and takes whole ones', async () => {
      const before = await eventCount();
      const form = newMediaForm();
      form.indicators[0] = { ...form.indicators[0], weight: 1e-7, score: 5e-324 };
      const tiny = await drafter.post('/api/evaluations', form);
      refusal(tiny, 400, 'VALIDATION_FAILED');
      expect(fields(tiny.body).sort()).toEqual(['indicators[0].score', 'indicators[0].weight']);
      const verified = await reviewer.post('/api/evaluations/00000000-0000-4000-8000-000000000000/approve', { expectedVersion: 1, verifiedScores: [{ row: 0, score: 1e-7, reason: 'x' }] });
      refusal(verified, 400, 'VALIDATION_FAILED');
      expect(fields(verified.body)).toEqual(['verifiedScores[0].score']);
      expect(await eventCount()).toBe(before);
      const whole = newMediaForm();
      whole.indicators[0] = { ...whole.indicators[0], weight: 2.5e1, score: 2.5e1 };
      expect((await drafter.post('/api/evaluations', whole)).status).toBe(201);
    });

    it('refuses blank names of units, departments and people', async () => {
      const units = (await admin.get('/api/units')).body.length;
      for (const body of [{ name: ' ', competentDepartment: '主管部门' }, { name: '\u3000\t', competentDepartment: '主管部门' }, { name: '某单位', competentDepartment: '  ' }]) {
        refusal(await admin.post('/api/units', body), 400, 'VALIDATION_FAILED');
      }
      refusal(await admin.post('/api/users', { username: 'blank-name', password: 'blank-name-pass-1', displayName: '   ', roles: ['drafter'], unitIds: [] }), 400, 'VALIDATION_FAILED');
      expect((await admin.get('/api/units')).body.length).toBe(units);
    });

    it('refuses a deadline with a signed year, a reminder policy that is an array, and reminders a year or more long', async () => {
      const manager = await ApiClient.login(api.baseUrl, 'manager');
      const cycle = { fiscalYear: 2031, name: '2031 年度评价', submissionDeadline: '2032-03-31T23:59:59+08:00', reviewDeadline: '2032-04-30T23:59:59+08:00' };
      const cycles = async () => Number((await api.query<{ n: string }>('SELECT count(*) AS n FROM cycles'))[0].n);
      const before = await cycles();
      for (const deadline of ['+2030-01-01T00:00:00Z', '-2026-01-01T00:00:00Z']) {
        refusal(await manager.post('/api/cycles', { ...cycle, submissionDeadline: deadline }), 400, 'INVALID_CYCLE');
      }
      for (const reminderPolicy of [[], [[]]]) refusal(await manager.post('/api/cycles', { ...cycle, reminderPolicy }), 400, 'VALIDATION_FAILED');
      const huge = await manager.post('/api/cycles', { ...cycle, reminderPolicy: { before: ['P9999999999999999999999999999D'], reviewWait: 'P3D' } });
      refusal(huge, 400, 'INVALID_CYCLE');
      expect(huge.body.details).toEqual({ field: 'reminderPolicy.before[0]' });
      refusal(await manager.post('/api/cycles', { ...cycle, reminderPolicy: { before: ['P7D'], reviewWait: 'P367D' } }), 400, 'INVALID_CYCLE');
      expect(await cycles()).toBe(before);

      const created = await manager.post('/api/cycles', { ...cycle, reminderPolicy: { before: ['P7D', 'P1D'], reviewWait: 'P366D' } });
      expect(created.status).toBe(201);
      refusal(await manager.patch(`/api/cycles/${created.body.id}`, { reviewDeadline: '+2030-01-01T00:00:00Z' }), 400, 'INVALID_CYCLE');
      refusal(await manager.patch(`/api/cycles/${created.body.id}`, { reminderPolicy: [] }), 400, 'VALIDATION_FAILED');
    });
  });

  describe('prototype keys, tokens and framework errors', () => {
    it('refuses __proto__ and constructor keys as unknown fields, at any depth and in query strings', async () => {
      const form = JSON.stringify(newMediaForm());
      const send = (json: string) => request(api.baseUrl).post('/api/evaluations').set('Authorization', `Bearer ${drafter.session!.token}`).set('Content-Type', 'application/json').send(json);
      const proto = await send(`{"__proto__":{"isAdmin":true},${form.slice(1)}`);
      refusal(proto, 400, 'VALIDATION_FAILED');
      expect(fields(proto.body)).toEqual(['__proto__']);
      const ctor = await send(`{"constructor":{"prototype":{"x":1}},${form.slice(1)}`);
      expect(fields(ctor.body)).toEqual(['constructor']);
      const deep = await send(form.replace('"funds":{', '"funds":{"__proto__":{"polluted":1},'));
      expect(fields(deep.body)).toEqual(['funds.__proto__']);
      const login = await request(api.baseUrl).post('/api/auth/login').set('Content-Type', 'application/json').send('{"username":"drafter","password":"demo1234","__proto__":{}}');
      expect(fields(login.body)).toEqual(['__proto__']);
      const query = await drafter.get('/api/evaluations?__proto__=x');
      refusal(query, 400, 'VALIDATION_FAILED');
      expect(fields(query.body)).toEqual(['__proto__']);
    });

    it('answers a validly signed token whose subject is not a user id with 401', async () => {
      for (const sub of ['not-a-uuid', 'x\u0000', '']) {
        const res = await request(api.baseUrl).get('/api/evaluations').set('Authorization', `Bearer ${signedToken({ sub, username: 'x', roles: ['admin'], units: [] })}`);
        refusal(res, 401, 'UNAUTHENTICATED');
      }
    });

    it('gives framework errors stable, documented codes and Chinese messages', async () => {
      const token = `Bearer ${drafter.session!.token}`;
      const post = (path: string) => request(api.baseUrl).post(path).set('Authorization', token);

      const compress = await post('/api/evaluations').set('Content-Type', 'application/json').set('Content-Encoding', 'compress').send('{}');
      refusal(compress, 415, 'UNSUPPORTED_MEDIA_TYPE');
      const charset = await post('/api/evaluations').set('Content-Type', 'application/json; charset=ebcdic').send('{}');
      refusal(charset, 415, 'UNSUPPORTED_MEDIA_TYPE');
      // Unicode charsets other than UTF-8 too (UTF-16/32/7 were a 403 FORBIDDEN, UTF-16LE was read), at login as anywhere.
      for (const other of ['utf-16', 'utf-16le', 'UTF-16BE', 'utf-32', 'utf-7']) {
        refusal(await post('/api/evaluations').set('Content-Type', `application/json; charset=${other}`).send('{}'), 415, 'UNSUPPORTED_MEDIA_TYPE');
        refusal(await request(api.baseUrl).post('/api/auth/login').set('Content-Type', `application/json; charset="${other}"`).send('{}'), 415, 'UNSUPPORTED_MEDIA_TYPE');
      }
      expect((await post('/api/evaluations').set('Content-Type', 'application/json; charset=UTF-8').send(JSON.stringify(newMediaForm()))).status).toBe(201);
      const xml = await post('/api/evaluations').set('Content-Type', 'application/xml').send('<form/>');
      refusal(xml, 415, 'UNSUPPORTED_MEDIA_TYPE');
      const text = await post('/api/evaluations').set('Content-Type', 'text/plain').send(JSON.stringify(newMediaForm()));
      refusal(text, 415, 'UNSUPPORTED_MEDIA_TYPE');
      const malformed = await post('/api/evaluations').set('Content-Type', 'application/json').send('{"fiscalYear": 2021,');
      refusal(malformed, 400, 'MALFORMED_JSON');
      const importJson = await post('/api/imports/self-evaluations').send({ text: 'x' });
      refusal(importJson, 415, 'IMPORT_UNSUPPORTED_TYPE');
      const tooLarge = await post('/api/evaluations').set('Content-Type', 'application/json').send(`{"projectName":"${'x'.repeat(1_100_000)}"}`);
      refusal(tooLarge, 413, 'PAYLOAD_TOO_LARGE');
      refusal(await request(api.baseUrl).get('/api/no-such-thing'), 404, 'NOT_FOUND');
      refusal(await request(api.baseUrl).get('/api/evaluations'), 401, 'UNAUTHENTICATED');
      refusal(await request(api.baseUrl).get('/api/evaluations/%E0%A4%A'), 400, 'BAD_REQUEST');
    });

    it('documents every code answered here in the README', () => {
      expect(answeredCodes.size).toBeGreaterThan(5);
      for (const code of answeredCodes) expect([code, documented(code)]).toEqual([code, true]);
    });
  });
});
