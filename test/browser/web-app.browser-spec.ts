/// <reference lib="dom" />
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Browser, Page } from 'playwright-core';
import { ApiProcess } from '../support/api-process.js';
import { ApiClient } from '../support/api-client.js';
import { BrowserUser, LAN_HOST, freshScreenshots, launchBrowser, until, endBrowserSuite } from '../support/browser.js';
import { newMediaForm } from '../support/forms.js';

const SHOTS = 'web-app';

async function seedFormId(api: ApiProcess, projectName: string): Promise<string> {
  const [row] = await api.query<{ id: string }>(`SELECT id FROM evaluations WHERE state->'form'->>'projectName' = $1`, [projectName]);
  return row.id;
}

/** No page-wide horizontal scroll (the indicator table may scroll inside its own box). */
async function pageWidth(page: Page): Promise<number> {
  return page.evaluate(() => document.documentElement.scrollWidth);
}

describe('The web app in a real browser (Debian Chromium), on a LAN host name over plain HTTP', () => {
  const api = new ApiProcess();
  let browser: Browser;
  let base: string;
  let drafterApi: ApiClient;
  let managerApi: ApiClient;
  let adminApi: ApiClient;
  const people: BrowserUser[] = [];

  async function person(name: string, viewport?: { width: number; height: number }): Promise<BrowserUser> {
    const user = await BrowserUser.open(browser, name, base, viewport);
    people.push(user);
    return user;
  }

  beforeAll(async () => {
    await api.start({ REMINDER_TICK_MS: '500' });
    freshScreenshots(SHOTS);
    browser = await launchBrowser();
    base = `http://${LAN_HOST}:${new URL(api.baseUrl).port}`;
    [drafterApi, managerApi, adminApi] = await Promise.all(['drafter', 'manager', 'admin'].map((u) => ApiClient.login(api.baseUrl, u)));
    await api.settled();
  }, 90_000);

  afterAll(() => endBrowserSuite(api, browser, people));

  it('loads over plain HTTP on a host name that is not localhost (no upgrade to https)', async () => {
    const u = await person('lan');
    const answer = await u.page.goto('/');
    expect(answer?.headers()['content-security-policy']).not.toContain('upgrade-insecure-requests');
    await u.page.getByLabel('用户名').waitFor();
    expect(await u.page.evaluate(() => getComputedStyle(document.querySelector('.login-card')!).borderRadius)).toBe('8px');
    // The demo is seeded here: its accounts are offered, named by role from the server's vocabulary.
    await u.page.getByRole('button', { name: '以审核人（reviewer）身份填入' }).click();
    expect(await u.page.getByLabel('用户名').inputValue()).toBe('reviewer');
    await u.shot(SHOTS, 'login');
    await u.close();
  });

  it('keeps one session for every tab, and returns to the page asked for before signing in', async () => {
    const u = await person('tabs');
    await u.page.goto('/#/summary');
    await u.page.getByLabel('用户名').waitFor();
    await u.login('drafter');
    await u.page.getByRole('heading', { name: '项目绩效评价明细表', exact: true }).waitFor();
    const second = await u.context.newPage();
    u.watch(second);
    await second.goto('/#/evaluations');
    await second.getByRole('heading', { name: '自评表列表', exact: true }).waitFor();
    await second.close();
    await u.close();
  });

  it('tells a disabled account that it is disabled', async () => {
    const created = await adminApi.post('/api/users', { username: 'leaver', password: 'leaver-pass-1', displayName: '王离职', roles: ['drafter'], unitIds: drafterApi.session!.user.unitIds });
    expect(created.status).toBe(201);
    expect((await adminApi.patch(`/api/users/${created.body.id}`, { active: false })).status).toBe(200);
    const u = await person('leaver');
    u.expectConsoleError(/status of 40[13]/);
    await u.page.goto('/#/login');
    await u.page.getByLabel('用户名').fill('leaver');
    await u.page.getByLabel('密码').fill('leaver-pass-1');
    await u.page.getByRole('button', { name: '登录', exact: true }).click();
    await u.page.getByRole('alert').filter({ hasText: '账号已停用' }).waitFor();
    await u.shot(SHOTS, 'disabled-account');
    await u.close();
  });

  it('tells an administrator creating a user why a password is refused, next to the password, and accepts a passphrase', async () => {
    const u = await person('new-user');
    u.expectConsoleError(/status of 400/);
    await u.login('admin');
    await u.page.goto('/#/admin');
    await u.page.getByRole('button', { name: '＋ 新建用户' }).click();
    const dialog = u.page.getByRole('dialog');
    await dialog.getByRole('textbox', { name: /^用户名/ }).fill('newcomer');
    await dialog.getByRole('textbox', { name: /^姓名/ }).fill('李新来');
    const password = dialog.getByLabel(/^初始密码/);
    const slot = dialog.locator('.field-error').filter({ hasText: /./ });

    await password.fill('short-pw');
    await dialog.getByRole('button', { name: '创建', exact: true }).click();
    await slot.filter({ hasText: '至少 10 个字符' }).waitFor();

    await password.fill('Password2021!'); // long enough, but a common password with a year: the server says why
    await dialog.getByRole('button', { name: '创建', exact: true }).click();
    await slot.filter({ hasText: '最常见的密码' }).waitFor();
    await u.shot(SHOTS, 'weak-password');
    expect((await adminApi.get('/api/users')).body.map((x: { username: string }) => x.username)).not.toContain('newcomer');

    await password.fill('春眠不觉晓处处闻啼鸟');
    await dialog.getByRole('button', { name: '创建', exact: true }).click();
    await u.page.getByText('已创建用户 newcomer').waitFor();
    await u.close();
    expect((await ApiClient.login(api.baseUrl, 'newcomer', '春眠不觉晓处处闻啼鸟')).session?.user.username).toBe('newcomer');
  });

  it('saves a new form without an error page or stray text, and shows its scores at once', async () => {
    const u = await person('new-form');
    await u.login('drafter');
    await u.page.getByRole('link', { name: '＋ 新建自评表' }).click();
    await u.page.getByRole('heading', { name: '新建项目支出绩效自评表', exact: true }).waitFor();
    expect(await u.page.locator('#main').evaluate((m) => [...m.childNodes].filter((n) => n.nodeType === Node.TEXT_NODE).map((n) => n.textContent).join(''))).toBe('');
    await u.page.getByLabel('项目名称', { exact: true }).fill('只填了名称的项目');
    await u.page.getByRole('button', { name: '保存草稿' }).click();
    await u.page.locator('.findings-card').waitFor();
    expect(await u.page.locator('.error-box').count()).toBe(0);
    expect(await u.page.locator('.findings .finding-error').count()).toBeGreaterThan(0);
    await u.shot(SHOTS, 'new-form-saved');
    await u.close();
  });

  it('shows findings in Chinese with their place, the 一级指标 groups as on paper, and grades above 100 as provisional', async () => {
    const u = await person('seed-form');
    await u.login('drafter');
    await u.page.goto(`/#/evaluations/${await seedFormId(api, '新媒体运营服务项目')}`);
    await u.page.locator('.findings').waitFor();
    const findings = await u.page.locator('.findings').innerText();
    expect(findings).not.toMatch(/[A-Za-z]{4,}/); // neither codes nor field names such as summarySelfScore
    const merged = await u.page.locator('.table-indicators td.merged').allInnerTexts();
    expect(merged).toEqual(expect.arrayContaining(['产出指标', '效益指标', '满意度指标', '社会效益指标']));
    expect(await u.page.locator('.score-card .grade-provisional').count()).toBe(1);
    await u.shot(SHOTS, 'seed-form');

    await u.page.goto(`/#/evaluations/${await seedFormId(api, '首都关心下一代大讲堂')}`);
    await u.page.locator('.table-indicators').waitFor();
    const first = await u.page.locator('.table-indicators tbody tr').first().locator('td.merged').first().innerText();
    expect(first).toBe('产出指标');
    await u.close();
  });

  it('makes the inbox usable while notices are unread: open one, mark one read, mark all read', async () => {
    // Three submissions tell the reviewer three times.
    for (const name of ['通知测试一', '通知测试二', '通知测试三']) {
      const created = await drafterApi.post('/api/evaluations', newMediaForm({ projectName: name }));
      expect((await drafterApi.post(`/api/evaluations/${created.body.id}/submit`, { expectedVersion: created.body.version })).status).toBe(200);
    }
    const u = await person('inbox');
    await u.login('reviewer');
    const badge = u.page.locator('#unread');
    await until(u.page, 'three unread notices in the badge', async () => Number(await badge.textContent()) >= 3, 20_000);
    await u.page.locator('#inbox-link').click();
    await u.page.locator('.note-unread').first().waitFor();
    const unreadBefore = await u.page.locator('.note-unread').count();
    expect(await u.page.locator('.note-body').first().innerText()).not.toContain('审核人审核人');
    await u.shot(SHOTS, 'inbox-unread');
    await u.page.locator('.note-unread').first().getByRole('button', { name: '标为已读' }).click();
    await until(u.page, 'one notice marked read', async () => (await u.page.locator('.note-unread').count()) === unreadBefore - 1);
    await u.page.getByRole('button', { name: '全部标为已读' }).click();
    await until(u.page, 'every notice read and the badge gone', async () => (await u.page.locator('.note-unread').count()) === 0 && (await badge.isHidden()));
    await u.page.locator('.note-title a').first().click();
    await u.page.locator('.findings-card').waitFor();
    await u.close();
  });

  it('reminds drafters of forms created before the cycle existed', async () => {
    const created = await drafterApi.post('/api/evaluations', newMediaForm({ projectName: '早于批次创建的项目' }));
    expect(created.status).toBe(201);
    const soon = new Date(Date.now() + 2 * 86_400_000).toISOString();
    const later = new Date(Date.now() + 9 * 86_400_000).toISOString();
    const cycle = await managerApi.post('/api/cycles', { fiscalYear: 2021, name: '2021 年度绩效自评', submissionDeadline: soon, reviewDeadline: later });
    expect(cycle.status).toBe(201);
    const u = await person('reminded');
    await u.login('drafter');
    await u.page.locator('#inbox-link').click();
    await until(u.page, 'a reminder about the older form', async () => {
      await u.page.reload();
      await u.page.locator('.inbox, .empty').first().waitFor();
      return (await u.page.locator('.note', { hasText: '早于批次创建的项目' }).count()) > 0;
    }, 30_000);
    // The list shows the deadline and what is left of it.
    await u.page.goto('/#/evaluations?queue=drafts');
    await u.page.locator('tr', { hasText: '早于批次创建的项目' }).locator('.deadline-left').filter({ hasText: '还剩' }).waitFor();
    await u.shot(SHOTS, 'drafts-with-deadline');
    await u.close();
  });

  it('keeps the published figures in the 明细表 while a correction is under way', async () => {
    const id = await seedFormId(api, '市关工委网站运维项目');
    const u = await person('correction');
    await u.login('manager');
    await u.page.goto(`/#/evaluations/${id}`);
    await u.page.getByRole('button', { name: '更正' }).click();
    await u.page.locator('dialog.modal textarea').fill('执行数填报有误');
    await u.page.locator('dialog.modal').getByRole('button', { name: '开始更正' }).click();
    await u.page.locator('.head-meta .status-draft').waitFor();
    const drafted = await drafterApi.get(`/api/evaluations/${id}`);
    const edited = await drafterApi.put(`/api/evaluations/${id}`, { ...stripToForm(drafted.body.form), funds: { ...drafted.body.form.funds, total: { ...drafted.body.form.funds.total, fullYearBudget: '31' } }, expectedVersion: drafted.body.version });
    expect(edited.status).toBe(200);
    await u.page.goto('/#/summary?fiscalYear=2021');
    const row = u.page.locator('.table-paper tbody tr', { hasText: '市关工委网站运维项目' });
    await row.locator('.tag-warning', { hasText: '更正中' }).waitFor();
    expect(await row.innerText()).not.toContain('31');
    await u.shot(SHOTS, 'summary-correcting');
    await u.close();
  });

  it("starts next year's form from this year's by clicking 复制到新年度", async () => {
    const u = await person('copy');
    await u.login('drafter');
    await u.page.goto(`/#/evaluations/${await seedFormId(api, '青少年迷你冬奥会项目')}`);
    await u.page.getByRole('button', { name: '复制到新年度' }).click();
    await u.page.getByLabel('新年度').selectOption('2022');
    await u.page.locator('dialog.modal').getByRole('button', { name: '复制', exact: true }).click();
    await u.page.locator('.head-meta .status-draft').waitFor();
    expect(await u.page.getByLabel('项目名称', { exact: true }).inputValue()).toBe('青少年迷你冬奥会项目');
    expect(await u.page.locator('.head-meta').innerText()).toContain('2022 年度');
    expect(await u.page.getByLabel('第 1 行 · 实际完成值', { exact: true }).inputValue()).toBe('');
    expect(await u.page.getByLabel('第 1 行 · 年度指标值', { exact: true }).inputValue()).not.toBe('');
    // What the year still needs is listed with the findings, each a link into the form.
    const missing = u.page.locator('.findings-card .finding-missing');
    await missing.first().waitFor();
    expect(await u.page.locator('.findings-card .card-title').innerText()).toMatch(/待填写 \d+/);
    expect(await missing.first().innerText()).toContain('未填写年度资金总额的全年执行数');
    await u.shot(SHOTS, 'copied-to-2022');

    // Submitting it as copied is refused with the same list; a click on an item goes to the empty cell.
    u.expectConsoleError(/status of 422/);
    await u.page.getByRole('button', { name: '提交', exact: true }).click();
    await u.page.locator('dialog.modal').getByRole('button', { name: '提交', exact: true }).click();
    const refusal = u.page.locator('dialog.modal', { hasText: '无法提交' });
    await refusal.waitFor();
    expect(await refusal.innerText()).toMatch(/还有 \d+ 处未填写/);
    await u.shot(SHOTS, 'copied-submit-refused');
    await refusal.getByRole('button', { name: /未填写年度总体目标的实际完成情况/ }).click();
    await until(u.page, 'the empty 实际完成情况 located in the form', async () =>
      u.page.getByLabel('年度总体目标 · 实际完成情况', { exact: true }).evaluate((el) => !!el.closest('.hl') || el.classList.contains('hl')));
    expect(await u.page.locator('.head-meta .status-draft').count()).toBe(1);

    // On this laptop-wide screen the indicator table is wider than its card: a hint says so and scrolls to 偏差原因分析.
    const hint = u.page.getByRole('button', { name: /右侧还有列/ });
    await hint.waitFor();
    await hint.click();
    await until(u.page, 'the hint to go once the table is scrolled to its right end', async () => !(await hint.isVisible()));
    const table = u.page.locator('.table-indicators').locator('..');
    expect(await table.evaluate((el) => el.scrollLeft + el.clientWidth >= el.scrollWidth - 4)).toBe(true);
    await u.shot(SHOTS, 'indicators-scrolled-right');

    // 我的草稿 shows which drafts are not ready to submit.
    await u.page.getByRole('link', { name: /我的草稿/ }).click();
    const row = u.page.locator('.table-list tbody tr', { hasText: '青少年迷你冬奥会项目' });
    expect(await row.locator('.count-missing').innerText()).toMatch(/^待填写 \d+$/);
    await u.shot(SHOTS, 'drafts-with-gaps');
    await u.close();
  });

  it('deletes a draft made by mistake (删除草稿): asked to confirm, with a reason, then gone from 我的草稿', async () => {
    const created = await drafterApi.post('/api/evaluations', newMediaForm({ projectName: '误建的测试项目', fiscalYear: 2036 }));
    expect(created.status).toBe(201);
    const u = await person('discard');
    await u.login('drafter');
    await u.page.goto(`/#/evaluations/${created.body.id}`);
    const badge = u.page.locator('[data-count-for="drafts"]');
    const draftsCount = async () => ((await badge.isHidden()) ? 0 : Number(await badge.innerText()));
    await until(u.page, 'the drafts badge to count the new draft', async () => (await draftsCount()) > 0);
    const before = await draftsCount();
    await u.page.getByRole('button', { name: '删除草稿' }).click();
    const dialog = u.page.locator('dialog.modal', { hasText: '确定删除草稿' });
    await dialog.waitFor();
    expect(await dialog.innerText()).toContain('误建的测试项目');
    await dialog.locator('textarea').fill('重复创建');
    await u.shot(SHOTS, 'discard-confirm');
    await dialog.getByRole('button', { name: '删除', exact: true }).click();
    await u.page.getByRole('heading', { name: '我的草稿', exact: true }).waitFor();
    await until(u.page, 'the list without the discarded draft', async () => (await u.page.locator('.table-list, .empty, p.muted').count()) > 0);
    expect(await u.page.locator('body').innerText()).not.toContain('误建的测试项目');
    expect((await drafterApi.get(`/api/evaluations/${created.body.id}`)).status).toBe(404);
    // The nav's count follows (live stream).
    await until(u.page, 'the drafts badge one lower', async () => (await draftsCount()) === before - 1);
    await u.shot(SHOTS, 'discarded');
    await u.close();
  });

  it('keeps 全部年度 on the board when chosen', async () => {
    const u = await person('board');
    await u.login('manager');
    await u.page.getByRole('link', { name: '看板' }).click();
    await u.page.getByRole('heading', { name: '看板', exact: true }).waitFor();
    await u.page.getByLabel('年度').selectOption('');
    await until(u.page, 'the address to keep 全部年度', async () => u.page.url().includes('fiscalYear=all'));
    await u.page.locator('.kpis').waitFor();
    expect(await u.page.getByLabel('年度').inputValue()).toBe('');
    await u.close();
  });

  it('tells a person looking at a form when someone else acts on it, without touching their edits', async () => {
    const created = await drafterApi.post('/api/evaluations', newMediaForm({ projectName: '实时提示测试项目' }));
    const u = await person('live-form');
    await u.login('drafter');
    await u.page.goto(`/#/evaluations/${created.body.id}`);
    await u.page.getByLabel('项目负责人', { exact: true }).fill('正在输入的名字');
    await drafterApi.post(`/api/evaluations/${created.body.id}/submit`, { expectedVersion: created.body.version }); // the same person, elsewhere: ignored
    const reviewerApi = await ApiClient.login(api.baseUrl, 'reviewer');
    const current = await reviewerApi.get(`/api/evaluations/${created.body.id}`);
    expect((await reviewerApi.post(`/api/evaluations/${created.body.id}/return`, { expectedVersion: current.body.version, comments: [{ target: null, text: '请补充' }] })).status).toBe(200);
    await u.page.locator('.live-banner').getByRole('button', { name: '重新加载' }).waitFor({ timeout: 15_000 });
    expect(await u.page.getByLabel('项目负责人', { exact: true }).inputValue()).toBe('正在输入的名字');
    await u.shot(SHOTS, 'live-banner');
    await u.close();
  });

  it('prints the form on A4 without the app around it, with 总分, 等级, 填报日期 and signature lines', async () => {
    const u = await person('print');
    await u.login('manager');
    await u.page.goto(`/#/evaluations/${await seedFormId(api, '开展北京市家庭教育暨家校社共育服务')}`);
    await u.page.locator('.table-indicators').waitFor();
    await u.page.emulateMedia({ media: 'print' });
    expect(await u.page.locator('.topbar').isHidden()).toBe(true);
    expect(await u.page.locator('.sidebar').isHidden()).toBe(true);
    const footer = await u.page.locator('.print-footer').innerText();
    for (const word of ['总分', '等级', '填报日期', '单位负责人', '填报人']) expect(footer).toContain(word);
    await u.shot(SHOTS, 'print');
    const pdf = await u.page.pdf({ format: 'A4' });
    expect(pdf.subarray(0, 4).toString()).toBe('%PDF');
    await u.close();
  });

  it('names every control on every page (screen readers, getByLabel) and shows each role its pages; a screenshot of each', async () => {
    const pages: [string, string, string][] = [
      ['drafter', '/evaluations?queue=drafts', '我的草稿'],
      ['drafter', '/evaluations/new', '新建项目支出绩效自评表'],
      ['drafter', '/import', ''],
      ['reviewer', '/evaluations?queue=review', '待我审核'],
      ['manager', '/evaluations?queue=publish', '待公开'],
      ['manager', '/evaluations?queue=overdue', '逾期'],
      ['manager', '/board', '看板'],
      ['manager', '/summary?fiscalYear=2021', '项目绩效评价明细表'],
      ['manager', '/cycles', ''],
      ['admin', '/admin', ''],
      ['reviewer', '/inbox', '通知'],
    ];
    const sessions = new Map<string, BrowserUser>();
    for (const [role, route, heading] of pages) {
      let u = sessions.get(role);
      if (!u) {
        u = await person(`tour-${role}`);
        await u.login(role);
        sessions.set(role, u);
      }
      await u.page.goto(`/#${route}`);
      if (heading) await u.page.getByRole('heading', { name: heading, exact: true }).waitFor();
      await until(u.page, `${route} loaded`, async () => (await u.page.locator('#main .loading').count()) === 0);
      const unnamed = await u.page.evaluate(() =>
        [...document.querySelectorAll<HTMLElement>('#main input, #main select, #main textarea')]
          .filter((el) => el.offsetParent !== null && (el as HTMLInputElement).type !== 'hidden')
          .filter((el) => !(el.getAttribute('aria-label') || (el as HTMLInputElement).labels?.length || el.getAttribute('aria-labelledby') || el.title))
          .map((el) => el.outerHTML.slice(0, 120)));
      expect({ route, unnamed }).toEqual({ route, unnamed: [] });
      expect(await pageWidth(u.page)).toBeLessThanOrEqual(1360);
      await u.shot(SHOTS, `page${route.replace(/[^a-z0-9]+/gi, '-')}`);
    }
    for (const u of sessions.values()) await u.close();
  });

  describe('on a phone (390 px)', () => {
    const phone = { width: 390, height: 844 };
    it('shows the list, a form and the inbox without page-wide horizontal scroll, the nav usable', async () => {
      const u = await person('phone', phone);
      await u.login('drafter');
      await u.page.goto('/#/evaluations');
      await u.page.locator('.table-cards').waitFor();
      expect(await pageWidth(u.page)).toBeLessThanOrEqual(390);
      expect(await u.page.locator('#nav').evaluate((n) => n.getBoundingClientRect().width)).toBeGreaterThan(300);
      expect(await u.page.locator('.cell-title a').first().evaluate((a) => a.getBoundingClientRect().width)).toBeGreaterThan(100);
      await u.shot(SHOTS, 'phone-list');
      await u.page.goto(`/#/evaluations/${await seedFormId(api, '新媒体运营服务项目')}`);
      await u.page.locator('.table-indicators').waitFor();
      expect(await pageWidth(u.page)).toBeLessThanOrEqual(390);
      await u.shot(SHOTS, 'phone-form');
      await u.page.goto('/#/inbox');
      await u.page.locator('.inbox, .empty').first().waitFor();
      expect(await pageWidth(u.page)).toBeLessThanOrEqual(390);
      await u.shot(SHOTS, 'phone-inbox');
      await u.close();
    });
  });
});

/** The editable part of a form as GET answers it (the API refuses unknown fields). */
function stripToForm(form: Record<string, unknown>): Record<string, unknown> {
  const { fiscalYear, projectName, competentDepartment, projectLead, contactPhone, evaluationMethod, funds, goals, indicators } = form;
  return { fiscalYear, projectName, competentDepartment, projectLead, contactPhone, evaluationMethod, funds, goals, indicators };
}
