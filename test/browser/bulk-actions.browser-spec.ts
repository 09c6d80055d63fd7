/// <reference lib="dom" />
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Browser, Page } from 'playwright-core';
import { ApiProcess } from '../support/api-process.js';
import { ApiClient } from '../support/api-client.js';
import { BrowserUser, LAN_HOST, freshScreenshots, launchBrowser, until, endBrowserSuite } from '../support/browser.js';
import { newMediaForm } from '../support/forms.js';

const SHOTS = 'bulk-actions';
const NAMES = ['社区老年助餐服务项目', '青少年心理健康讲座项目', '关工委宣传阵地建设项目', '家庭教育指导服务项目', '校外教育辅导站运维项目', '五老志愿服务培训项目'];

async function pageWidth(page: Page): Promise<number> {
  return page.evaluate(() => document.documentElement.scrollWidth);
}

async function rowNames(page: Page): Promise<string[]> {
  return page.locator('.table-list tbody .cell-title a').allTextContents();
}

describe('Bulk actions in the queues, by clicking', () => {
  const api = new ApiProcess();
  let browser: Browser;
  let base: string;
  let drafterApi: ApiClient;
  let reviewerApi: ApiClient;
  const people: BrowserUser[] = [];
  const ids = new Map<string, string>();

  async function person(name: string, viewport?: { width: number; height: number }): Promise<BrowserUser> {
    const user = await BrowserUser.open(browser, name, base, viewport);
    people.push(user);
    return user;
  }

  async function statusOf(name: string): Promise<string> {
    return (await reviewerApi.get(`/api/evaluations/${ids.get(name)}`)).body.status;
  }

  beforeAll(async () => {
    await api.start();
    freshScreenshots(SHOTS);
    browser = await launchBrowser();
    base = `http://${LAN_HOST}:${new URL(api.baseUrl).port}`;
    const adminApi = await ApiClient.login(api.baseUrl, 'admin');
    [drafterApi, reviewerApi] = await Promise.all(['drafter', 'reviewer'].map((u) => ApiClient.login(api.baseUrl, u)));
    const second = { username: 'reviewer2', password: 'second-reviewer-1', displayName: '第二审核人', roles: ['reviewer'], unitIds: drafterApi.session!.user.unitIds };
    expect((await adminApi.post('/api/users', second)).status).toBe(201);
    // Submitted one after another, so the queue (oldest submission first) lists them in this order.
    for (const projectName of NAMES) {
      const created = await drafterApi.post('/api/evaluations', newMediaForm({ projectName }));
      expect((await drafterApi.post(`/api/evaluations/${created.body.id}/submit`, { expectedVersion: 1 })).status).toBe(200);
      ids.set(projectName, created.body.id);
    }
    await api.settled();
  }, 90_000);

  afterAll(() => endBrowserSuite(api, browser, people));

  it('lets a reviewer tick three forms in 待我审核 and approve them in one go, then shows the outcome and the shorter queue', async () => {
    const reviewer = await person('reviewer');
    const r = reviewer.page;
    await reviewer.login('reviewer');
    await r.getByRole('heading', { name: '待我审核', exact: true }).waitFor();
    await r.locator('.table-list tbody tr').nth(NAMES.length - 1).waitFor();
    expect(await rowNames(r)).toEqual(NAMES);
    const bar = r.getByRole('toolbar', { name: '批量操作' });
    expect(await bar.getByRole('button', { name: '批量通过' }).isDisabled()).toBe(true);
    expect(await bar.getByRole('button', { name: '批量公开' }).count()).toBe(0);

    for (const name of NAMES.slice(0, 3)) await r.getByLabel(`选择《${name}》`).check();
    expect(await bar.textContent()).toContain('已选 3 项');
    expect(await r.getByLabel('全选本页').evaluate((box: HTMLInputElement) => box.indeterminate)).toBe(true);
    // Ticking a box does not open the form.
    expect(r.url()).toContain('queue=review');
    await reviewer.shot(SHOTS, 'review-queue-three-ticked');

    await bar.getByRole('button', { name: '批量通过' }).click();
    const confirm = r.locator('dialog.modal', { hasText: '批量审核通过' });
    await confirm.getByLabel('审核意见（可选）').fill('资料齐全，同意');
    await confirm.getByRole('button', { name: '通过 3 张' }).click();
    const result = r.locator('dialog.modal', { hasText: '批量审核通过结果' });
    await result.waitFor();
    expect(await result.locator('.bulk-totals').textContent()).toBe('成功 3 项，失败 0 项');
    await reviewer.shot(SHOTS, 'review-bulk-approved-summary', false);
    await result.getByRole('button', { name: '知道了' }).click();

    await until(r, 'the queue without the approved forms', async () => JSON.stringify(await rowNames(r)) === JSON.stringify(NAMES.slice(3)));
    expect(await bar.textContent()).toContain('未选择');
    for (const name of NAMES.slice(0, 3)) expect(await statusOf(name)).toBe('Reviewed');
    const approved = (await reviewerApi.get(`/api/evaluations/${ids.get(NAMES[0])}`)).body;
    expect(approved.comments.map((c: { text: string }) => c.text)).toEqual(['资料齐全，同意']);
    await reviewer.shot(SHOTS, 'review-queue-after');
  });

  it('on a phone, returns every form of the page with one comment and names the one someone else approved meanwhile', async () => {
    const phone = await person('reviewer2-phone', { width: 390, height: 844 });
    const p = phone.page;
    // A network that does not pass the live stream through (a buffering proxy): the list is not refreshed
    // when someone else acts, so the form approved meanwhile is still ticked when the request goes out.
    await p.route('**/api/me/stream?**', (route) => route.abort());
    phone.expectConsoleError(/ERR_FAILED/);
    await phone.login('reviewer2', 'second-reviewer-1');
    await p.getByRole('heading', { name: '待我审核', exact: true }).waitFor();
    await until(p, 'the three forms left in the queue', async () => JSON.stringify(await rowNames(p)) === JSON.stringify(NAMES.slice(3)));
    await p.getByLabel('全选本页').check();
    const bar = p.getByRole('toolbar', { name: '批量操作' });
    expect(await bar.textContent()).toContain('已选 3 项');
    expect(await pageWidth(p)).toBeLessThanOrEqual(390);
    await phone.shot(SHOTS, 'phone-review-queue-all-ticked');

    const taken = NAMES[4];
    expect((await reviewerApi.post(`/api/evaluations/${ids.get(taken)}/approve`, { expectedVersion: 2 })).status).toBe(200);

    await bar.getByRole('button', { name: '批量退回' }).click();
    const ask = p.locator('dialog.modal', { hasText: '批量退回' });
    await ask.getByRole('button', { name: '退回 3 张' }).click();
    // No comment, no return: the dialog stays, pointing at the empty comment.
    expect(await ask.getByLabel('退回意见').evaluate((t) => t.classList.contains('invalid'))).toBe(true);
    await ask.getByLabel('退回意见').fill('请补充项目实施方案和验收材料');
    expect(await ask.getByLabel('退回意见').evaluate((t) => t.classList.contains('invalid'))).toBe(false);
    await phone.shot(SHOTS, 'phone-return-comment', false);
    await ask.getByRole('button', { name: '退回 3 张' }).click();

    const result = p.locator('dialog.modal', { hasText: '批量退回结果' });
    await result.waitFor();
    expect(await result.locator('.bulk-totals').textContent()).toBe('成功 2 项，失败 1 项');
    expect(await result.locator('.bulk-failures li').allTextContents()).toEqual([`《${taken}》当前状态「已审核」不允许执行「退回」`]);
    expect(await pageWidth(p)).toBeLessThanOrEqual(390);
    await phone.shot(SHOTS, 'phone-return-summary-with-failure', false);
    await result.getByRole('button', { name: '知道了' }).click();
    await until(p, 'the emptied queue', async () => (await p.locator('.empty').count()) === 1);

    for (const name of [NAMES[3], NAMES[5]]) {
      const view = (await drafterApi.get(`/api/evaluations/${ids.get(name)}`)).body;
      expect([name, view.status, view.returned, view.comments.map((c: { text: string }) => c.text)]).toEqual([name, 'Draft', true, ['请补充项目实施方案和验收材料']]);
    }
    expect(await statusOf(taken)).toBe('Reviewed');
  });

  it('lets a manager publish two of the forms in 待公开; an admin, who sees the queue but may not publish, gets no check boxes', async () => {
    const manager = await person('manager');
    const m = manager.page;
    await manager.login('manager');
    await m.getByRole('heading', { name: '待公开', exact: true }).waitFor();
    const waiting = [...NAMES.slice(0, 3), NAMES[4]];
    await until(m, 'the four reviewed forms', async () => JSON.stringify(await rowNames(m)) === JSON.stringify(waiting));
    // They wait since their approval (the column showed the submission time as 状态时间).
    expect(await m.getByRole('columnheader', { name: '审核通过时间' }).count()).toBe(1);
    await m.getByLabel(`选择《${waiting[0]}》`).check();
    await m.getByLabel(`选择《${waiting[3]}》`).check();
    await manager.shot(SHOTS, 'publish-queue-two-ticked');
    const bar = m.getByRole('toolbar', { name: '批量操作' });
    expect(await bar.getByRole('button', { name: '批量通过' }).count()).toBe(0);
    await bar.getByRole('button', { name: '批量公开' }).click();
    await m.locator('dialog.modal', { hasText: '批量公开' }).getByRole('button', { name: '公开 2 张' }).click();
    const result = m.locator('dialog.modal', { hasText: '批量公开结果' });
    await result.waitFor();
    expect(await result.locator('.bulk-totals').textContent()).toBe('成功 2 项，失败 0 项');
    await manager.shot(SHOTS, 'publish-summary', false);
    await result.getByRole('button', { name: '知道了' }).click();
    await until(m, 'the queue without the published forms', async () => JSON.stringify(await rowNames(m)) === JSON.stringify(waiting.slice(1, 3)));
    expect([await statusOf(waiting[0]), await statusOf(waiting[3]), await statusOf(waiting[1])]).toEqual(['Published', 'Published', 'Reviewed']);

    const admin = await person('admin');
    await admin.login('admin');
    await admin.page.goto('/#/evaluations?queue=publish');
    await admin.page.getByRole('heading', { name: '待公开', exact: true }).waitFor();
    await until(admin.page, 'the reviewed forms', async () => (await rowNames(admin.page)).length === 2);
    expect(await admin.page.locator('.cell-pick, .bulk-bar').count()).toBe(0);
  });
});
