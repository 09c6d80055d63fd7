import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { ApiProcess } from './support/api-process.js';
import { ApiClient } from './support/api-client.js';
import { newMediaForm } from './support/forms.js';

type Finding = { code: string; severity: string; path: string; message: string };
const codes = (findings: Finding[]) => findings.map((f) => f.code);

/** 产出指标 weighted 55 instead of 50: budget 10 + 55 + 30 + 10 = 105. */
function weights105() {
  const form = newMediaForm();
  form.indicators[0] = { ...form.indicators[0], weight: 30, score: 30 };
  return form;
}

/**
 * The command that changes a form scores it and records the scoring with its event: its answer carries
 * the scores and findings, and a GET right after it shows them, not pending. No worker runs in this
 * file, so nothing else can have scored these forms.
 */
describe('Scores and findings computed by the command (no worker running)', () => {
  const api = new ApiProcess();
  let drafter: ApiClient;
  let reviewer: ApiClient;
  let manager: ApiClient;

  beforeAll(async () => {
    await api.start({}, false);
    [drafter, reviewer, manager] = await Promise.all(['drafter', 'reviewer', 'manager'].map((u) => ApiClient.login(api.baseUrl, u)));
  });

  afterAll(async () => {
    await api.stop();
  });

  it('runs without a worker: the health check misses its heartbeat', async () => {
    expect((await manager.get('/api/health')).status).toBe(503);
  });

  it('answers POST and PUT with the scores and findings of the form they stored, and an immediate GET shows the same, not pending', async () => {
    const created = await drafter.post('/api/evaluations', newMediaForm());
    expect(created.status).toBe(201);
    expect(Object.keys(created.body).sort()).toEqual(['findings', 'id', 'scores', 'status', 'version']);
    expect(created.body).toMatchObject({ status: 'Draft', version: 1, scores: { executionRate: 100, budgetScore: 10, indicatorScore: 87, total: 97, grade: '优' } });
    expect(created.body.findings.filter((f: Finding) => f.severity === 'error')).toEqual([]);
    const id = created.body.id;
    const first = (await drafter.get(`/api/evaluations/${id}`)).body;
    expect(first.scoring).toEqual({ formVersion: 1, scoredVersion: 1, pending: false });
    expect(first.scores).toEqual(created.body.scores);
    expect(first.findings).toEqual(created.body.findings);

    const wrong = await drafter.put(`/api/evaluations/${id}`, { ...weights105(), expectedVersion: 1 });
    expect(wrong.status).toBe(200);
    expect(Object.keys(wrong.body).sort()).toEqual(['findings', 'id', 'scores', 'status', 'version']);
    expect(wrong.body).toMatchObject({ id, status: 'Draft', version: 2 });
    expect(codes(wrong.body.findings)).toContain('WEIGHT_TOTAL_NOT_100');
    expect(wrong.body.findings.find((f: Finding) => f.code === 'WEIGHT_TOTAL_NOT_100')).toMatchObject({ severity: 'error' });
    const afterWrong = (await drafter.get(`/api/evaluations/${id}`)).body;
    expect(afterWrong.scoring).toEqual({ formVersion: 2, scoredVersion: 2, pending: false });
    expect(afterWrong.findings).toEqual(wrong.body.findings);
    expect(afterWrong.scores).toEqual(wrong.body.scores);

    const fixed = await drafter.put(`/api/evaluations/${id}`, { ...newMediaForm(), expectedVersion: 2 });
    expect(fixed.status).toBe(200);
    expect(fixed.body).toMatchObject({ id, status: 'Draft', version: 3, scores: { total: 97 } });
    expect(codes(fixed.body.findings)).not.toContain('WEIGHT_TOTAL_NOT_100');
    const afterFix = (await drafter.get(`/api/evaluations/${id}`)).body;
    expect(afterFix.scoring).toEqual({ formVersion: 3, scoredVersion: 3, pending: false });
    expect(afterFix.findings).toEqual(fixed.body.findings);

    // One scoring per form version, recorded with the command; the list read model follows too.
    const recorded = await api.query<{ form_version: number; rule_version: string }>(
      'SELECT form_version, rule_version FROM evaluation_scorings WHERE evaluation_id = $1 ORDER BY form_version',
      [id],
    );
    expect(recorded.map((r) => r.form_version)).toEqual([1, 2, 3]);
    expect(recorded.every((r) => /^national-2020#[0-9a-f]{12}$/.test(r.rule_version))).toBe(true);
    const [row] = await api.query<{ computed_total: string; grade: string; error_count: number; self_score: string; scored_rule_version: string }>(
      'SELECT computed_total, grade, error_count, self_score, scored_rule_version FROM evaluations WHERE id = $1',
      [id],
    );
    expect(row).toEqual({ computed_total: '97.00', grade: '优', error_count: 0, self_score: '97.00', scored_rule_version: recorded[2].rule_version });
    // Drafting and editing have no consumer: they leave nothing in the outbox for a worker to relay.
    const [outbox] = await api.query<{ n: string }>('SELECT count(*) AS n FROM outbox WHERE evaluation_id = $1', [id]);
    expect(outbox.n).toBe('0');
    const events = await api.query<{ type: string }>('SELECT type FROM evaluation_events WHERE evaluation_id = $1 ORDER BY version', [id]);
    expect(events.map((e) => e.type)).toEqual(['EvaluationDrafted', 'EvaluationEdited', 'EvaluationEdited']);
    // An edit's payload is built from the state written with it (the form travels once): the same form.
    const [last] = await api.query<{ payload: unknown; form: { projectName: string } }>(
      `SELECT ev.payload, e.state->'form' AS form FROM evaluation_events ev JOIN evaluations e ON e.id = ev.evaluation_id AND ev.version = e.version WHERE ev.evaluation_id = $1`,
      [id],
    );
    expect(last.payload).toEqual({ form: last.form });
    expect(last.form.projectName).toBe(newMediaForm().projectName);
  });

  it('keeps the error count of the list read model in step with the command', async () => {
    const created = (await drafter.post('/api/evaluations', weights105())).body;
    const errors = created.findings.filter((f: Finding) => f.severity === 'error');
    const warnings = created.findings.filter((f: Finding) => f.severity === 'warning');
    expect(codes(errors)).toContain('WEIGHT_TOTAL_NOT_100');
    const [row] = await api.query<{ error_count: number; warning_count: number; scored_version: number }>(
      'SELECT error_count, warning_count, scored_version FROM evaluations WHERE id = $1',
      [created.id],
    );
    expect(row).toEqual({ error_count: errors.length, warning_count: warnings.length, scored_version: 1 });
  });

  it('answers the workflow commands with the scores and findings of the current form', async () => {
    const created = (await drafter.post('/api/evaluations', newMediaForm({ projectName: '工作流得分测试' }))).body;
    const id = created.id;
    const steps = [
      await drafter.post(`/api/evaluations/${id}/submit`, { expectedVersion: 1 }),
      await reviewer.post(`/api/evaluations/${id}/approve`, { expectedVersion: 2 }),
      await manager.post(`/api/evaluations/${id}/publish`, { expectedVersion: 3 }),
      await drafter.post(`/api/evaluations/${id}/reopen`, { expectedVersion: 4, reason: '更正' }),
    ];
    expect(steps.map((s) => [s.status, s.body.status, s.body.version])).toEqual([
      [200, 'Submitted', 2],
      [200, 'Reviewed', 3],
      [200, 'Published', 4],
      [200, 'Draft', 5],
    ]);
    for (const step of steps) {
      expect(step.body.scores).toEqual(created.scores);
      expect(step.body.findings).toEqual(created.findings);
    }
    const returned = await reviewer.post(`/api/evaluations/${(await drafter.post('/api/evaluations', newMediaForm())).body.id}/return`, { expectedVersion: 1, comments: [{ text: 'x' }] });
    expect(returned.status).toBe(409); // a draft cannot be returned: the refusal carries no scores
    expect(returned.body.scores).toBeUndefined();
    const view = (await drafter.get(`/api/evaluations/${id}`)).body;
    expect(view).toMatchObject({ revision: 2, status: 'Draft', scoring: { formVersion: 1, scoredVersion: 1, pending: false } });
  });

  it('scores imported forms in the import transaction: the seeded sample forms are scored without a worker', async () => {
    const [row] = await api.query<{ total: string; unscored: string }>(
      `SELECT count(*) AS total, count(*) FILTER (WHERE scored_version IS DISTINCT FROM form_version OR scores IS NULL) AS unscored
       FROM evaluations WHERE fiscal_year = 2021 AND status = 'Published'`,
    );
    expect(Number(row.total)).toBeGreaterThanOrEqual(7);
    expect(row.unscored).toBe('0');
  });
});
