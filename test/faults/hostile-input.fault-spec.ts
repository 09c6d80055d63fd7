import { randomUUID } from 'node:crypto';
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import request from 'supertest';
import { FaultSystem, figure } from '../support/fault-system.js';
import { newMediaForm } from '../support/forms.js';
import { CHINESE, documented, fields, nested } from '../support/hostile.js';
import type { ApiClient } from '../support/api-client.js';

interface Operation {
  method: 'get' | 'post' | 'put' | 'patch' | 'delete';
  path: string;
  hasBody: boolean;
}

interface Sent {
  what: string;
  method: string;
  path: string;
  status: number;
  code: string | undefined;
  message: string | undefined;
  fields: string[];
  expect4xx: boolean;
}

/** A body as raw text with its content type. */
interface Payload {
  name: string;
  contentType: string;
  body: string;
  /** Fields the refusal must name (VALIDATION_FAILED), when the endpoint reads a form. */
  names?: string[];
}

const ONE_MB_STRING = 'x'.repeat(1_000_000);
const form = () => JSON.parse(JSON.stringify(newMediaForm())) as Record<string, unknown> & { funds: Record<string, Record<string, unknown>>; indicators: Record<string, unknown>[]; goals: Record<string, unknown> };

/** The hostile bodies: every one must be refused with a 4xx by an endpoint that reads a body, and none may write. */
function payloads(op: Operation): Payload[] {
  const json = (name: string, value: unknown, names?: string[]): Payload => ({ name, contentType: 'application/json', body: JSON.stringify(value), names });
  const raw = (name: string, body: string, contentType = 'application/json'): Payload => ({ name, contentType, body });
  const formEndpoint = op.path === '/api/evaluations' || (op.method === 'put' && op.path === '/api/evaluations/{id}');
  const list: Payload[] = [
    raw('malformed JSON', '{"expectedVersion": 1,'),
    raw('NaN literal', '{"expectedVersion": NaN, "fiscalYear": NaN}'),
    raw('Infinity by overflow', '{"expectedVersion": 1e999, "fiscalYear": -1e999, "weight": 1e999}'),
    json('NaN and Infinity as strings', { expectedVersion: 'NaN', fiscalYear: 'Infinity', page: '-Infinity' }),
    raw('XML', '<evaluation><projectName>x</projectName></evaluation>', 'application/xml'),
    raw('form-urlencoded', 'expectedVersion=1&projectName=x', 'application/x-www-form-urlencoded'),
    raw('JSON as text/plain', '{"expectedVersion":1}', 'text/plain'),
    raw('over the body limit', `{"projectName":"${'y'.repeat(1_100_000)}"}`),
    json('a huge array', { indicators: new Array(250_000).fill(0), comments: new Array(1000).fill({ text: 'x' }), roles: new Array(1000).fill('admin') }),
    json('1 MB strings', { projectName: ONE_MB_STRING.slice(0, 900_000), expectedVersion: 1 }),
    raw('deep JSON', nested(100_000)),
    raw('__proto__ at the top', '{"__proto__":{"isAdmin":true},"expectedVersion":1}'),
    raw('constructor.prototype', '{"constructor":{"prototype":{"polluted":1}},"expectedVersion":1}'),
    json('NUL in a key and a value', { 'proj\u0000ectName': 'a', projectName: 'a\u0000b', expectedVersion: 1, username: 'x\u0000', name: '\u0000' }),
    json('lone surrogates', { projectName: 'a\ud800b', expectedVersion: 1, username: '\udc00', name: '\ud83d' }),
    json('an unknown field at the top', { expectedVersion: 1, zzUnknown: true }),
    raw('a JSON array', '[1,2,3]'),
    raw('a JSON string', '"just a string"'),
    raw('null', 'null'),
  ];
  if (formEndpoint) {
    const nestedUnknown = form();
    nestedUnknown.funds.total.zz = 1;
    nestedUnknown.indicators[2].zz = 'x';
    nestedUnknown.goals.zz = [];
    (nestedUnknown as Record<string, unknown>).expectedVersion = 1;
    list.push({ ...json('unknown fields at every level', nestedUnknown), names: ['funds.total.zz', 'indicators[2].zz', 'goals.zz'] });
    const nestedProto = JSON.stringify({ ...form(), expectedVersion: 1 }).replace('"funds":{', '"funds":{"__proto__":{"polluted":1},');
    list.push({ ...raw('__proto__ nested', nestedProto), names: ['funds.__proto__'] });
    const bad = form();
    bad.funds.total.executed = '-5';
    bad.indicators[0].weight = 'Infinity';
    bad.indicators[1].score = 'NaN';
    (bad as Record<string, unknown>).fiscalYear = 1e308;
    (bad as Record<string, unknown>).expectedVersion = 1;
    list.push({ ...json('NaN, Infinity and negatives in a form', bad), names: ['funds.total.executed', 'indicators[0].weight', 'indicators[1].score', 'fiscalYear'] });
    const many = form();
    many.indicators = new Array(5_000).fill(form().indicators[0]);
    (many as Record<string, unknown>).expectedVersion = 1;
    list.push(json('5,000 indicator rows', many));
  }
  if (op.path === '/api/evaluations/{id}/return') list.push({ ...json('an unknown field in a comment', { expectedVersion: 2, comments: [{ target: null, text: 'x', zz: 1 }] }), names: ['comments[0].zz'] });
  if (op.path === '/api/cycles' || op.path === '/api/cycles/{id}') {
    list.push({ ...json('an unknown field in the reminder policy', { fiscalYear: 2031, name: 'x', submissionDeadline: '2031-03-31T18:00:00+08:00', reviewDeadline: '2031-04-30T18:00:00+08:00', reminderPolicy: { before: ['P1D'], reviewWait: 'P3D', zz: 1 } }), names: ['reminderPolicy.zz'] });
  }
  return list;
}

/** Query strings no person sends: absurd paging, wrong types, NUL, prototype keys, huge values. */
const QUERIES = [
  'page=-1&pageSize=0',
  'page=99999999999999999999&pageSize=1000000',
  'page=1.5&pageSize=abc',
  'limit=-5&unread=maybe',
  'limit=1e999',
  'fiscalYear=NaN&unitId=not-a-uuid',
  'fiscalYear=Infinity&status=Bogus&queue=everything',
  'fiscalYear=1e999&revision=-1',
  'q=%00&fileName=%00',
  'q=%ED%A0%80',
  'q=%E0%A4%A',
  '__proto__=x&constructor[prototype][x]=1',
  'status=Draft&status=Submitted&status[]=x',
  `q=${'长'.repeat(2_000)}`,
  'ticket=%00',
];

/** Path ids that are not ids. */
const IDS = ['not-a-uuid', '%00', '..%2F..%2Fetc%2Fpasswd', '1e999', 'a'.repeat(300), '%E0%A4%A', '00000000-0000-0000-0000-00000000000g', '%ED%A0%80'];

/**
 * The hostile-input catalogue on every endpoint of the OpenAPI document (issue 8): never a 5xx; where the
 * endpoint reads a body, a 4xx; every 4xx with a stable code documented in the README, a Chinese message,
 * the field path for VALIDATION_FAILED; nothing written.
 */
describe('Faults: hostile input on every endpoint', () => {
  const system = new FaultSystem();
  let omni: ApiClient;
  let operations: Operation[];
  const sent: Sent[] = [];
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    await system.start({ LOGIN_RATE_LIMIT: '100000' });
    const admin = await system.login('admin');
    const drafter = await system.login('drafter');
    // One person with every role, in the demo unit: every guard lets the request through to the input checks.
    expect((await admin.post('/api/users', { username: 'omni', password: 'every-role-there-is', displayName: '全角色', roles: ['drafter', 'reviewer', 'manager', 'admin'], unitIds: drafter.session!.user.unitIds })).status).toBe(201);
    omni = await system.login('omni', 'every-role-there-is');
    const manager = await system.login('manager');
    ids.draft = (await drafter.post('/api/evaluations', newMediaForm({ projectName: '敌意输入草稿' }))).body.id;
    const submitted = (await drafter.post('/api/evaluations', newMediaForm({ projectName: '敌意输入已提交' }))).body.id;
    await drafter.post(`/api/evaluations/${submitted}/submit`, { expectedVersion: 1 });
    ids.submitted = submitted;
    ids.published = (await manager.get('/api/evaluations?status=Published&fiscalYear=2021')).body.items[0].id;
    ids.cycle = (await manager.post('/api/cycles', { fiscalYear: 2030, name: '敌意输入批次', submissionDeadline: '2031-03-31T18:00:00+08:00', reviewDeadline: '2031-04-30T18:00:00+08:00' })).body.id;
    ids.user = omni.id;
    const doc = (await request(system.baseUrl).get('/api/docs-json')).body as { paths: Record<string, Record<string, { requestBody?: unknown }>> };
    operations = Object.entries(doc.paths).flatMap(([path, methods]) =>
      Object.entries(methods).map(([method, op]) => ({ method: method as Operation['method'], path, hasBody: op.requestBody !== undefined })),
    );
    await system.settled();
  }, 120_000);

  afterAll(async () => {
    await system.stop();
  });

  /** What must not move while the catalogue runs: every table people's requests write. */
  async function fingerprint(): Promise<string> {
    const [row] = await system.query<{ f: string }>(`SELECT md5(concat_ws('|',
      (SELECT count(*) || ':' || coalesce(max(position), 0) FROM evaluation_events),
      (SELECT string_agg(id || ':' || version || ':' || status || ':' || updated_at, ',' ORDER BY id) FROM evaluations),
      (SELECT string_agg(id || ':' || username || ':' || active || ':' || roles::text || ':' || unit_ids::text || ':' || password_hash || ':' || token_generation || ':' || display_name || ':' || coalesce(email, ''), ',' ORDER BY id) FROM users),
      (SELECT string_agg(id || ':' || name, ',' ORDER BY id) FROM units),
      (SELECT count(*) FROM cycles), (SELECT string_agg(row_to_json(c)::text, ',' ORDER BY id) FROM cycles c),
      (SELECT count(*) FROM import_batches), (SELECT count(*) FROM recompute_runs), (SELECT count(*) FROM notifications),
      (SELECT count(*) FROM notifications WHERE read_at IS NOT NULL))) AS f`);
    return row.f;
  }

  /** The path with `{id}` filled: a real resource of the right kind (body-reading endpoints) or an id that names nothing. */
  function pathOf(op: Operation, id?: string): string {
    if (!op.path.includes('{')) return op.path;
    let real: string = randomUUID();
    if (op.hasBody) {
      if (op.path.startsWith('/api/evaluations/')) real = op.path.endsWith('/approve') || op.path.endsWith('/return') ? ids.submitted : ids.draft;
      else if (op.path.startsWith('/api/cycles/')) real = ids.cycle;
      else if (op.path.startsWith('/api/users/')) real = ids.user;
    } else if (op.path.startsWith('/api/evaluations/') && op.method === 'get') real = ids.published;
    return op.path.replace(/\{[^}]+\}/g, id ?? real);
  }

  async function send(what: string, op: Operation, path: string, payload: Payload | null, expect4xx: boolean, token: string | null = omni.session!.token): Promise<void> {
    let req = request(system.baseUrl)[op.method](path).timeout(30_000);
    if (token) req = req.set('Authorization', `Bearer ${token}`);
    if (payload) req = req.set('Content-Type', payload.contentType).send(payload.body);
    const res = await req.catch((error: { response?: request.Response; code?: string }) => error.response ?? ({ status: 0, body: { code: error.code } } as unknown as request.Response));
    const body = (res.body ?? {}) as { code?: string; message?: string; details?: { fields?: { field: string; messages: string[] }[] } };
    sent.push({ what, method: op.method.toUpperCase(), path, status: res.status, code: body.code, message: body.message, fields: fields(body), expect4xx });
    if (payload?.names && res.status === 400 && body.code === 'VALIDATION_FAILED') {
      for (const name of payload.names) expect([what, path, fields(body)]).toEqual([what, path, expect.arrayContaining([name])]);
    }
  }

  it('never answers 5xx, refuses every hostile body with a documented 4xx, and writes nothing', async () => {
    const before = await fingerprint();
    for (const op of operations) {
      if (op.method !== 'get') {
        for (const payload of payloads(op)) await send(payload.name, op, pathOf(op), payload, op.hasBody);
      }
      if (op.method === 'get') for (const query of QUERIES) await send(`query ${query.slice(0, 40)}`, op, `${pathOf(op)}?${query}`, null, false);
      if (op.path.includes('{')) {
        for (const id of IDS) {
          const payload = op.method === 'get' ? null : { name: 'a valid-looking body', contentType: 'application/json', body: JSON.stringify({ expectedVersion: 1, fiscalYear: 2022, active: true, comments: [{ target: null, text: 'x' }] }) };
          await send(`id ${id.slice(0, 20)}`, op, op.path.replace(/\{[^}]+\}/g, id), payload, true);
        }
      }
    }
    // The import: hostile texts and files.
    const importOp: Operation = { method: 'post', path: '/api/imports/self-evaluations', hasBody: true };
    for (const [name, contentType, body] of [
      ['import: NUL in the text', 'text/plain', '项目名称\u0000'],
      ['import: garbage text', 'text/plain', ONE_MB_STRING],
      ['import: a zip that is nothing', 'application/vnd.openxmlformats-officedocument.wordprocessingml.document', 'PK\u0003\u0004garbage'],
      ['import: empty multipart', 'multipart/form-data; boundary=xyz', '--xyz--\r\n'],
    ] as const) {
      await send(name, importOp, '/api/imports/self-evaluations?fiscalYear=2021&as=draft', { name, contentType, body }, true);
    }
    await send('import: absurd year', importOp, '/api/imports/self-evaluations?fiscalYear=1e999&as=everything', { name: 'x', contentType: 'text/plain', body: 'x' }, true);
    await system.settled();
    expect(await fingerprint()).toBe(before);

    const fivexx = sent.filter((s) => s.status >= 500 || s.status === 0);
    const undocumented = sent.filter((s) => s.status >= 400 && s.status < 500 && !(s.code && documented(s.code) && CHINESE.test(s.message ?? '')));
    const accepted = sent.filter((s) => s.expect4xx && !(s.status >= 400 && s.status < 500));
    const nameless = sent.filter((s) => s.code === 'VALIDATION_FAILED' && s.fields.length === 0);
    // A 2xx to a hostile write only where the endpoint reads no body and stores nothing in PostgreSQL (a stream ticket lives in Redis).
    const acceptedWrites = sent.filter((s) => s.method !== 'GET' && s.status < 300 && !s.path.endsWith('/me/stream-ticket'));
    const codes: Record<string, number> = {};
    for (const s of sent) codes[`${s.status} ${s.code ?? ''}`.trim()] = (codes[`${s.status} ${s.code ?? ''}`.trim()] ?? 0) + 1;
    await figure('hostile-input catalogue', { endpoints: operations.length, requests: sent.length, fivexx: fivexx.length, answers: codes });
    const show = (list: Sent[]) => list.map((s) => `${s.method} ${s.path.slice(0, 80)} [${s.what}] → ${s.status} ${s.code ?? ''}`);
    expect(operations.length).toBeGreaterThan(35);
    expect(show(fivexx)).toEqual([]);
    expect(show(undocumented)).toEqual([]);
    expect(show(accepted)).toEqual([]);
    expect(show(nameless)).toEqual([]);
    expect(show(acceptedWrites)).toEqual([]);
  }, 300_000);

  it("answers what Node's HTTP parser refuses (headers over 16 KB, bytes that are not HTTP) in the error model too", async () => {
    const port = Number(new URL(system.baseUrl).port);
    const raw = (text: string) =>
      new Promise<string>((resolve) => {
        let answer = '';
        const socket = net.connect(port, '127.0.0.1', () => socket.write(text));
        socket.on('data', (d) => (answer += d));
        socket.on('close', () => resolve(answer));
        socket.on('error', () => resolve(answer));
      });
    const huge = await raw(`GET /api/vocabulary HTTP/1.1\r\nHost: x\r\nX-Junk: ${'a'.repeat(20_000)}\r\n\r\n`);
    expect(huge.split('\r\n')[0]).toBe('HTTP/1.1 431 Request Header Fields Too Large');
    expect(JSON.parse(huge.slice(huge.indexOf('\r\n\r\n') + 4))).toMatchObject({ statusCode: 431, code: 'HEADERS_TOO_LARGE', message: expect.stringMatching(CHINESE) });
    const garbage = await raw('HELLO THERE\r\n\r\n');
    expect(garbage.split('\r\n')[0]).toBe('HTTP/1.1 400 Bad Request');
    expect(JSON.parse(garbage.slice(garbage.indexOf('\r\n\r\n') + 4))).toMatchObject({ code: 'BAD_REQUEST' });
    for (const code of ['HEADERS_TOO_LARGE', 'BAD_REQUEST']) expect([code, documented(code)]).toEqual([code, true]);
  });

  it('refuses illegal transitions with 409 ILLEGAL_TRANSITION and writes nothing', async () => {
    const before = await fingerprint();
    const versionOf = async (id: string) => (await omni.get(`/api/evaluations/${id}`)).body.version as number;
    const attempts: [string, string, object][] = [];
    for (const [id, actions] of [
      [ids.draft, ['approve', 'return', 'publish', 'reopen']],
      [ids.submitted, ['submit', 'publish', 'reopen']],
      [ids.published, ['submit', 'approve', 'return', 'publish']],
    ] as const) {
      const expectedVersion = await versionOf(id);
      for (const action of actions) attempts.push([id, action, { expectedVersion, ...(action === 'return' ? { comments: [{ target: null, text: '退回' }] } : {}) }]);
      if (id !== ids.draft) attempts.push([id, 'edit', { ...newMediaForm(), expectedVersion }]);
    }
    const answers = [];
    for (const [id, action, body] of attempts) {
      const res = action === 'edit' ? await omni.put(`/api/evaluations/${id}`, body) : await omni.post(`/api/evaluations/${id}/${action}`, body);
      answers.push(`${action} ${res.status} ${res.body.code}`);
    }
    await figure('illegal transitions', { requests: attempts.length, answers });
    expect(answers).toEqual(attempts.map(([, action]) => `${action} 409 ILLEGAL_TRANSITION`));
    expect(await fingerprint()).toBe(before);
  });

  it('keeps every invariant', async () => {
    const report = await system.invariants();
    expect(report.violations).toEqual([]);
  });
});
