import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { ApiProcess } from './support/api-process.js';
import { ApiClient } from './support/api-client.js';
import { newMediaForm } from './support/forms.js';

interface Entry {
  version: number;
  type: string;
  actor: { id: string };
  payload: Record<string, unknown>;
}

const SAVES = 12;

/**
 * The history without the forms that saves carry (`forms=false`), and of some event types only (`types=`):
 * what the 操作记录 and the review page ask, instead of every save's whole form.
 */
describe('History: which events, with or without the forms', () => {
  const api = new ApiProcess();
  let drafter: ApiClient;
  let reviewer: ApiClient;
  let id: string;

  beforeAll(async () => {
    await api.start();
    [drafter, reviewer] = await Promise.all(['drafter', 'reviewer'].map((u) => ApiClient.login(api.baseUrl, u)));
    const created = await drafter.post('/api/evaluations', newMediaForm({ projectName: '多次保存的项目' }));
    expect(created.status).toBe(201);
    id = created.body.id;
    let version = created.body.version;
    for (let i = 1; i <= SAVES; i++) {
      const res = await drafter.put(`/api/evaluations/${id}`, { ...newMediaForm({ projectName: '多次保存的项目', projectLead: `负责人${i}` }), expectedVersion: version });
      expect(res.status).toBe(200);
      version = res.body.version;
    }
    expect((await drafter.post(`/api/evaluations/${id}/submit`, { expectedVersion: version })).status).toBe(200);
    const returned = await reviewer.post(`/api/evaluations/${id}/return`, { expectedVersion: version + 1, comments: [{ target: 'projectName', text: '项目名称应与预算批复一致' }] });
    expect(returned.status).toBe(200);
  }, 120_000);

  afterAll(async () => {
    await api.stop();
  });

  it('answers every event with its payload by default, the forms included', async () => {
    const all: Entry[] = (await drafter.get(`/api/evaluations/${id}/history`)).body;
    expect(all.map((e) => e.type)).toEqual(['EvaluationDrafted', ...Array(SAVES).fill('EvaluationEdited'), 'EvaluationSubmitted', 'EvaluationReturned']);
    expect((all[5].payload.form as { projectLead: string }).projectLead).toBe('负责人5');
  });

  it('leaves the forms out with forms=false and keeps everything else of the payloads', async () => {
    const full: Entry[] = (await drafter.get(`/api/evaluations/${id}/history`)).body;
    const brief = await drafter.get(`/api/evaluations/${id}/history?forms=false`);
    expect(brief.status).toBe(200);
    const entries: Entry[] = brief.body;
    expect(entries.map((e) => [e.version, e.type, e.actor.id])).toEqual(full.map((e) => [e.version, e.type, e.actor.id]));
    expect(entries.every((e) => !('form' in e.payload))).toBe(true);
    expect(entries[0].payload).toEqual({ ruleSetId: full[0].payload.ruleSetId });
    expect(entries.at(-1)!.payload).toEqual(full.at(-1)!.payload);
    expect(JSON.stringify(entries).length * 4).toBeLessThan(JSON.stringify(full).length);
  });

  it('answers only the event types asked for', async () => {
    const reviews: Entry[] = (await reviewer.get(`/api/evaluations/${id}/history?types=EvaluationApproved,EvaluationReturned,EvaluationStepApproved&forms=false`)).body;
    expect(reviews.map((e) => e.type)).toEqual(['EvaluationReturned']);
    expect(reviews[0].payload.comments).toEqual([expect.objectContaining({ target: 'projectName', text: '项目名称应与预算批复一致' })]);
    const edits: Entry[] = (await drafter.get(`/api/evaluations/${id}/history?types=EvaluationEdited`)).body;
    expect(edits).toHaveLength(SAVES);
    expect(edits.every((e) => typeof e.payload.form === 'object')).toBe(true);
    const repeated: Entry[] = (await drafter.get(`/api/evaluations/${id}/history?types=EvaluationSubmitted&types=EvaluationDrafted`)).body;
    expect(repeated.map((e) => e.type)).toEqual(['EvaluationDrafted', 'EvaluationSubmitted']);
  });

  it('refuses what is not an event type or a yes/no with VALIDATION_FAILED', async () => {
    const hostile = [
      'types=EvaluationDeleted',
      'types=',
      'types=EvaluationEdited,',
      `types=${'EvaluationEdited,'.repeat(40)}EvaluationEdited`,
      "types=EvaluationEdited'%20OR%201=1--",
      'types[$ne]=x',
      'forms=yes',
      'forms=',
      'forms=1',
      'since=3',
    ];
    for (const query of hostile) {
      const res = await drafter.get(`/api/evaluations/${id}/history?${query}`);
      expect({ query, status: res.status, code: res.body.code }).toEqual({ query, status: 400, code: 'VALIDATION_FAILED' });
    }
  });
});
