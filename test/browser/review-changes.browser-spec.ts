/// <reference lib="dom" />
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Browser } from 'playwright-core';
import { ApiProcess } from '../support/api-process.js';
import { ApiClient } from '../support/api-client.js';
import { BrowserUser, LAN_HOST, freshScreenshots, launchBrowser, until, endBrowserSuite } from '../support/browser.js';
import { newMediaForm } from '../support/forms.js';

const SHOTS = 'review-changes';

describe('A reviewer opens a resubmitted form: what changed since their return is marked, and a comment is resolved', () => {
  const api = new ApiProcess();
  let browser: Browser;
  let reviewer: BrowserUser;
  let otherReviewer: BrowserUser;
  let id: string;

  beforeAll(async () => {
    await api.start();
    freshScreenshots(SHOTS);
    browser = await launchBrowser();
    const [drafterApi, reviewerApi, admin] = await Promise.all(['drafter', 'reviewer', 'admin'].map((u) => ApiClient.login(api.baseUrl, u)));
    const second = { username: 'reviewer-2', password: 'second-look-pass', displayName: '第二审核人', roles: ['reviewer'], unitIds: drafterApi.session!.user.unitIds };
    expect((await admin.post('/api/users', second)).status).toBe(201);

    // Drafted and submitted; returned on the name, row 2 and row 4; fixed (name, one funds cell, row 2, a row added) and resubmitted.
    id = (await drafterApi.post('/api/evaluations', newMediaForm())).body.id;
    expect((await drafterApi.post(`/api/evaluations/${id}/submit`, { expectedVersion: 1 })).status).toBe(200);
    const returned = await reviewerApi.post(`/api/evaluations/${id}/return`, {
      expectedVersion: 2,
      comments: [
        { target: 'projectName', text: '项目名称应与预算批复一致' },
        { target: 'indicators[1]', text: '公众号运维的分值偏高' },
        { target: 'indicators[3]', text: '满意度调查的样本量请说明' },
      ],
    });
    expect(returned.status).toBe(200);
    const form = newMediaForm();
    const indicators = [...form.indicators];
    indicators[1] = { ...indicators[1], weight: 20, score: 20 };
    indicators.splice(2, 0, { level1: '', level2: '', name: '专题座谈会', target: '2次', actual: '2次', weight: 5, score: 5, deviation: '' });
    const fixed = await drafterApi.put(`/api/evaluations/${id}`, {
      ...form,
      projectName: '新媒体运营服务项目（2021年度）',
      funds: { ...form.funds, total: { initialBudget: '30', fullYearBudget: '30', executed: '28.5' } },
      indicators,
      expectedVersion: 3,
    });
    expect(fixed.status).toBe(200);
    expect((await drafterApi.post(`/api/evaluations/${id}/submit`, { expectedVersion: 4 })).status).toBe(200);

    const base = `http://${LAN_HOST}:${new URL(api.baseUrl).port}`;
    reviewer = await BrowserUser.open(browser, 'reviewer', base);
    otherReviewer = await BrowserUser.open(browser, 'reviewer-2', base);
  }, 90_000);

  afterAll(() => endBrowserSuite(api, browser));

  it('marks the changed fields and rows with their former values, lists the comments as followed up or not, and resolves one', async () => {
    await reviewer.login('reviewer');
    const page = reviewer.page;
    await page.goto(`/#/evaluations/${id}`);
    const panel = page.getByRole('region', { name: '自上次审核以来的修改' });
    await panel.locator('.changes-summary').waitFor();
    expect(await panel.locator('.card-title').textContent()).toContain('版本号 3 → 当前 5');
    expect(await panel.locator('.changes-summary').textContent()).toBe('字段修改 2 处 · 指标修改 1 行 · 新增 1 行');

    // In the form: the changed header field and funds cell, each with its former value.
    const name = page.locator('.field.changed', { has: page.locator('[data-path="projectName"]') });
    await name.waitFor();
    expect(await name.locator('.change-note').textContent()).toBe('原值新媒体运营服务项目 → 新媒体运营服务项目（2021年度）');
    expect(await name.getAttribute('title')).toBe('原值：新媒体运营服务项目\n新值：新媒体运营服务项目（2021年度）');
    const executed = page.locator('td.changed', { has: page.locator('[data-path="funds.total.executed"]') });
    expect(await executed.locator('.change-note').textContent()).toBe('原值30 → 28.5');
    expect(await page.locator('.changed').count()).toBe(4); // 项目名称, 全年执行数, row 2's 分值 and 得分

    // The indicator rows: row 2 changed, row 3 added; the rows below only moved.
    await expect(page.locator('tr.ind-row[data-path="indicators[1]"]').getAttribute('class')).resolves.toContain('row-changed');
    await expect(page.locator('tr.ind-row[data-path="indicators[2]"]').getAttribute('class')).resolves.toContain('row-added');
    expect(await page.locator('tr.row-changed, tr.row-added').count()).toBe(2);
    expect(await page.locator('td.changed', { has: page.locator('[data-path="indicators[1].weight"]') }).locator('.change-note').textContent()).toBe('原值25 → 20');
    await reviewer.shot(SHOTS, 'changes-marked');

    // The comments of the return: followed up (已修改) or not (未修改).
    const followUps = panel.locator('li.follow-up');
    expect(await followUps.count()).toBe(3);
    const badges = await followUps.evaluateAll((items) => items.map((li) => [li.querySelector('.comment-text')?.textContent, li.querySelector('.target-changed, .target-unchanged')?.textContent]));
    expect(badges).toEqual([
      ['项目名称应与预算批复一致', '已修改'],
      ['公众号运维的分值偏高', '已修改'],
      ['满意度调查的样本量请说明', '未修改'],
    ]);
    await panel.scrollIntoViewIfNeeded();
    await reviewer.shot(SHOTS, 'changes-panel', false);

    // A located change: the link in the panel brings the cell into view.
    await panel.getByRole('button', { name: '第 3 行', exact: true }).click();
    await until(page, 'the added row highlighted', async () => (await page.locator('tr.ind-row[data-path="indicators[2]"].hl').count()) === 1);

    // 标记为已解决: recorded, the page reloads with the comment resolved and the version moved on.
    await followUps.first().getByRole('button', { name: /标记为已解决/ }).click();
    await until(page, 'the comment shown resolved', async () => (await page.locator('li.follow-up-resolved').count()) === 1);
    const resolved = page.locator('li.follow-up-resolved');
    expect(await resolved.locator('.comment-text').textContent()).toBe('项目名称应与预算批复一致');
    expect(await resolved.locator('.badge.status-reviewed').textContent()).toBe('已解决');
    expect(await resolved.getByRole('button').count()).toBe(1); // only the place link; no resolve button any more
    expect(await page.getByRole('region', { name: '自上次审核以来的修改' }).locator('.card-title').textContent()).toContain('当前 6');
    expect(await page.locator('.head-meta').textContent()).toContain('版本号 6');
    // The sidebar's list of comments says so too.
    expect(await page.locator('.sidebar .comments .badge.status-reviewed').count()).toBe(1);
    await reviewer.shot(SHOTS, 'comment-resolved');

    // A phone: the panel and the marks stay readable at 390 px.
    await page.setViewportSize({ width: 390, height: 844 });
    await panel.scrollIntoViewIfNeeded();
    await reviewer.shot(SHOTS, 'phone', false);

    expect(reviewer.errors).toEqual([]);
  });

  it('shows another reviewer, who never looked at the form, the changes since the last review by anyone', async () => {
    await otherReviewer.login('reviewer-2', 'second-look-pass');
    const page = otherReviewer.page;
    await page.goto(`/#/evaluations/${id}`);
    const panel = page.getByRole('region', { name: '自上次审核以来的修改' });
    await panel.locator('.changes-summary').waitFor();
    expect(await panel.locator('.card-title').textContent()).toContain('对比上次审核（审核人（演示））：版本号 3 → 当前 6');
    expect(await panel.locator('.changes-summary').textContent()).toBe('字段修改 2 处 · 指标修改 1 行 · 新增 1 行');
    expect(await panel.getByRole('button', { name: /标记为已解决/ }).count()).toBe(2);
    await otherReviewer.shot(SHOTS, 'other-reviewer', false);
    expect(otherReviewer.errors).toEqual([]);
  });
});
