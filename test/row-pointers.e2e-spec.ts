import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { ApiProcess } from './support/api-process.js';
import { ApiClient } from './support/api-client.js';
import { newMediaForm } from './support/forms.js';
import { evidence } from './support/evidence-files.js';
import { checkInvariants } from './support/invariants.js';

/**
 * A reviewer's comments, the evidence files and the 核查分 point at indicator rows by their place in the
 * form ("indicators[3]"). When the drafter inserts or deletes rows above them, they follow their rows:
 * through the real API, PostgreSQL and the projections, and in a replay of the history.
 */
describe('Comments, evidence and 核查分 follow their rows through an edit', () => {
  const api = new ApiProcess();
  let drafter: ApiClient;
  let reviewer: ApiClient;
  let id: string;

  beforeAll(async () => {
    await api.start();
    [drafter, reviewer] = await Promise.all(['drafter', 'reviewer'].map((u) => ApiClient.login(api.baseUrl, u)));
    const created = await drafter.post('/api/evaluations', newMediaForm());
    expect(created.status).toBe(201);
    id = created.body.id;
    // 读者满意度 (row 4) gets its questionnaire; then submitted and returned with comments and 核查分.
    const up = await drafter.upload(`/api/evaluations/${id}/attachments?target=indicators[3]`, evidence.pdf(20_000), '满意度问卷.pdf');
    expect(up.status).toBe(201);
    expect((await drafter.post(`/api/evaluations/${id}/submit`, { expectedVersion: 2 })).body).toMatchObject({ status: 'Submitted', version: 3 });
    const returned = await reviewer.post(`/api/evaluations/${id}/return`, {
      expectedVersion: 3,
      comments: [
        { target: 'indicators[2].score', text: '传播正能量的得分依据不足' },
        { target: 'indicators[1]', text: '公众号运维的指标值应可衡量' },
      ],
      verifiedScores: [
        { row: 0, score: 25, reason: null },
        { row: 1, score: 25, reason: null },
        { row: 2, score: 24, reason: '阅读量数据缺失' },
        { row: 3, score: 10, reason: null },
      ],
    });
    expect(returned.body).toMatchObject({ status: 'Draft', version: 4 });
  });

  afterAll(async () => {
    await api.stop();
  });

  it('moves them when rows are inserted above and one is deleted, and a replay agrees', async () => {
    const form = newMediaForm();
    const [planning, account, impact, satisfaction] = form.indicators;
    void account; // 公众号运维 is deleted
    const indicators = [
      { level1: '产出指标', level2: '时效指标', name: '按期发布率', target: '100%', actual: '100%', weight: 10, score: 10, deviation: '' },
      { level1: '产出指标', level2: '数量指标', name: '原创稿件数', target: '≥50篇', actual: '56篇', weight: 15, score: 15, deviation: '' },
      planning,
      impact,
      satisfaction,
    ];
    const saved = await drafter.put(`/api/evaluations/${id}`, { ...form, indicators, expectedVersion: 4 });
    expect(saved.status).toBe(200);

    const view = (await drafter.get(`/api/evaluations/${id}`)).body;
    expect(view.comments.map((c: { target: string | null; text: string }) => [c.target, c.text])).toEqual([
      ['indicators[3].score', '传播正能量的得分依据不足'],
      // Its row is gone: the comment stays, on the 绩效指标 section.
      ['indicators', '公众号运维的指标值应可衡量'],
    ]);
    expect(view.verification.rows.map((r: { row: number; score: number }) => [r.row, r.score])).toEqual([[2, 25], [3, 24], [4, 10]]);
    expect(view.verification).toMatchObject({ complete: false, total: null });
    // The 核查分 below the 自评得分 is named on the row where 传播正能量 is now.
    expect(view.findings).toEqual(
      expect.arrayContaining([expect.objectContaining({ code: 'VERIFIED_BELOW_SELF', path: 'indicators[3].score', message: expect.stringContaining('第 4 行「传播正能量」') })]),
    );
    const files = (await drafter.get(`/api/evaluations/${id}/attachments`)).body;
    expect(files.map((f: { fileName: string; target: string; place: string }) => [f.fileName, f.target, f.place])).toEqual([['满意度问卷.pdf', 'indicators[4]', '绩效指标第 5 行']]);

    await api.settled();
    const report = await checkInvariants((sql, params) => api.query(sql, params));
    expect(report.violations).toEqual([]);
  });

  it("shows the reviewer each comment where its row is now, changed only if the row's content changed", async () => {
    expect((await drafter.post(`/api/evaluations/${id}/submit`, { expectedVersion: 5 })).body).toMatchObject({ status: 'Submitted', version: 6 });
    const changes = (await reviewer.get(`/api/evaluations/${id}/changes?sinceMyLastReview=true`)).body;
    expect(changes.comments.map((c: { target: string; place: string; targetChanged: boolean }) => [c.target, c.place, c.targetChanged])).toEqual([
      ['indicators[3].score', '绩效指标第 4 行·得分', false],
      ['indicators', '绩效指标', true],
    ]);
    expect(changes.rows.map((r: { index: number; previousIndex: number | null; change: string }) => [r.change, r.index, r.previousIndex])).toEqual([
      ['added', 0, null],
      ['added', 1, null],
      ['removed', 1, 1],
    ]);
  });

  it('approves with 核查分 for the rows of the form as it is now', async () => {
    const approved = await reviewer.post(`/api/evaluations/${id}/approve`, {
      expectedVersion: 6,
      verifiedScores: [0, 1, 2, 3, 4].map((row) => ({ row, score: [10, 15, 25, 24, 10][row], reason: row === 3 ? '阅读量数据缺失' : null })),
    });
    expect(approved.body).toMatchObject({ status: 'Reviewed' });
    const view = (await reviewer.get(`/api/evaluations/${id}`)).body;
    expect(view.verification).toMatchObject({ complete: true });
    expect(view.verification.rows.map((r: { row: number }) => r.row)).toEqual([0, 1, 2, 3, 4]);
  });
});
