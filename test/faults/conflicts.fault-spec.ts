import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { FaultSystem, figure } from '../support/fault-system.js';
import { newMediaForm } from '../support/forms.js';
import type { ApiClient } from '../support/api-client.js';

const FORMS = 20;
const CONTENDERS = 50;

/** 50 people acting on the same version of a form at once, on 20 forms at once: exactly one of each 50 wins. */
describe('Faults: concurrent conflicting commands', () => {
  const system = new FaultSystem();
  let drafters: ApiClient[];
  let reviewers: ApiClient[];

  beforeAll(async () => {
    await system.start({ LOGIN_RATE_LIMIT: '100000' });
    const admin = await system.login('admin');
    const unitIds = (await system.login('drafter')).session!.user.unitIds;
    for (const [username, roles] of [
      ['drafter-2', ['drafter']],
      ['reviewer-2', ['reviewer']],
    ] as const) {
      expect((await admin.post('/api/users', { username, password: 'concurrent-people-1', displayName: username, roles, unitIds })).status).toBe(201);
    }
    drafters = [await system.login('drafter'), await system.login('drafter-2', 'concurrent-people-1')];
    reviewers = [await system.login('reviewer'), await system.login('reviewer-2', 'concurrent-people-1')];
  }, 120_000);

  afterAll(async () => {
    await system.stop();
  });

  it(`lets exactly one of ${CONTENDERS} concurrent conflicting commands through on each of ${FORMS} forms`, async () => {
    // Half the forms are Drafts (edits and submissions by two drafters), half Submitted (approvals and returns by two reviewers).
    const forms: { id: string; version: number; status: string }[] = [];
    for (let i = 0; i < FORMS; i++) {
      const created = await drafters[0].post('/api/evaluations', newMediaForm({ projectName: `并发冲突 ${i + 1}` }));
      expect(created.status).toBe(201);
      if (i % 2 === 1) {
        expect((await drafters[0].post(`/api/evaluations/${created.body.id}/submit`, { expectedVersion: 1 })).status).toBe(200);
        forms.push({ id: created.body.id, version: 2, status: 'Submitted' });
      } else forms.push({ id: created.body.id, version: 1, status: 'Draft' });
    }
    const before = new Map((await system.query<{ id: string; n: string }>('SELECT evaluation_id AS id, count(*) AS n FROM evaluation_events GROUP BY 1')).map((r) => [r.id, Number(r.n)]));

    const started = Date.now();
    const answers = await Promise.all(
      forms.flatMap((form) =>
        Array.from({ length: CONTENDERS }, (_, k) => {
          if (form.status === 'Draft') {
            const who = drafters[k % 2];
            return k % 4 < 2
              ? who.put(`/api/evaluations/${form.id}`, { ...newMediaForm({ projectName: `并发修改 ${k}` }), expectedVersion: form.version }).then((r) => ({ form: form.id, command: 'edit', status: r.status, code: r.body.code }))
              : who.post(`/api/evaluations/${form.id}/submit`, { expectedVersion: form.version }).then((r) => ({ form: form.id, command: 'submit', status: r.status, code: r.body.code }));
          }
          const who = reviewers[k % 2];
          return k % 4 < 2
            ? who.post(`/api/evaluations/${form.id}/approve`, { expectedVersion: form.version }).then((r) => ({ form: form.id, command: 'approve', status: r.status, code: r.body.code }))
            : who.post(`/api/evaluations/${form.id}/return`, { expectedVersion: form.version, comments: [{ target: null, text: `退回 ${k}` }] }).then((r) => ({ form: form.id, command: 'return', status: r.status, code: r.body.code }));
        }),
      ),
    );
    const tookMs = Date.now() - started;

    const byStatus: Record<string, number> = {};
    for (const a of answers) byStatus[`${a.status} ${a.code ?? ''}`.trim()] = (byStatus[`${a.status} ${a.code ?? ''}`.trim()] ?? 0) + 1;
    const after = new Map((await system.query<{ id: string; n: string }>('SELECT evaluation_id AS id, count(*) AS n FROM evaluation_events GROUP BY 1')).map((r) => [r.id, Number(r.n)]));
    const winners = forms.map((form) => answers.filter((a) => a.form === form.id && a.status === 200).length);
    await figure(`${CONTENDERS} concurrent conflicting commands on each of ${FORMS} forms`, { requests: answers.length, tookMs, answers: byStatus, formsWithOneWinner: winners.filter((w) => w === 1).length });

    expect(answers).toHaveLength(FORMS * CONTENDERS);
    expect(winners).toEqual(forms.map(() => 1));
    // The losers are told why, with a 409; never a 5xx (and if one comes, the API's own words on it are printed).
    if (answers.some((a) => a.status >= 500)) console.log(`API errors:\n${system.api.log.split('\n').filter((line) => /ERROR|Error|^\s+at /.test(line)).slice(-80).join('\n')}`);
    for (const a of answers.filter((x) => x.status !== 200)) expect([a.status, ['VERSION_CONFLICT', 'ILLEGAL_TRANSITION'].includes(a.code)]).toEqual([409, true]);
    // Each form took exactly one event, and its version moved by one.
    for (const form of forms) expect([form.id, after.get(form.id)! - before.get(form.id)!]).toEqual([form.id, 1]);
    const versions = await system.query<{ id: string; version: number }>('SELECT id, version FROM evaluations WHERE id = ANY($1::uuid[])', [forms.map((f) => f.id)]);
    for (const row of versions) expect(row.version).toBe(forms.find((f) => f.id === row.id)!.version + 1);
  });

  it('keeps every invariant: replayed read models, versions, transitions, outbox, scores', async () => {
    const report = await system.invariants();
    await figure('conflicts: invariants', { evaluations: report.evaluations, events: report.events, violations: report.violations.length });
    expect(report.violations).toEqual([]);
  });
});
