/** An administrator taking the reviewer role from a unit's last reviewer while forms wait (Debian Chromium). */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Browser } from 'playwright-core';
import { ApiProcess } from '../support/api-process.js';
import { ApiClient } from '../support/api-client.js';
import { BrowserUser, LAN_HOST, freshScreenshots, launchBrowser, endBrowserSuite } from '../support/browser.js';
import { newMediaForm } from '../support/forms.js';

const SHOTS = 'last-reviewer';
const PASSWORD = 'last-reviewer-1';

describe('The last reviewer in the admin screen', () => {
  const api = new ApiProcess();
  let browser: Browser;
  let admin: ApiClient;
  let reviewerId: string;
  let user: BrowserUser;

  beforeAll(async () => {
    await api.start();
    freshScreenshots(SHOTS);
    admin = await ApiClient.login(api.baseUrl, 'admin');
    const unit = await admin.post('/api/units', { name: '北京市某街道办事处', competentDepartment: '北京市某区民政局' });
    const people = [
      { username: 'street-drafter', displayName: '街道填报人', roles: ['drafter'], unitIds: [unit.body.id] },
      { username: 'street-reviewer', displayName: '街道审核人', roles: ['reviewer'], unitIds: [unit.body.id] },
    ];
    for (const p of people) expect((await admin.post('/api/users', { ...p, password: PASSWORD })).status).toBe(201);
    reviewerId = (await admin.get('/api/users')).body.find((u: { username: string }) => u.username === 'street-reviewer').id;
    const drafter = await ApiClient.login(api.baseUrl, 'street-drafter', PASSWORD);
    const created = await drafter.post('/api/evaluations', newMediaForm({ projectName: '街道养老服务项目', unitId: unit.body.id }));
    expect((await drafter.post(`/api/evaluations/${created.body.id}/submit`, { expectedVersion: created.body.version })).status).toBe(200);
    browser = await launchBrowser();
    user = await BrowserUser.open(browser, 'admin', `http://${LAN_HOST}:${new URL(api.baseUrl).port}`);
  }, 120_000);

  afterAll(() => endBrowserSuite(api, browser, [user]));

  it('says in the dialog why the role cannot be taken away, and changes nothing', async () => {
    user.expectConsoleError(/status of 409/);
    await user.login('admin');
    await user.page.goto('/#/admin');
    const row = user.page.getByRole('row').filter({ hasText: 'street-reviewer' });
    await row.getByRole('button', { name: '修改' }).click();
    const dialog = user.page.getByRole('dialog');
    await dialog.getByRole('checkbox', { name: '审核人', exact: true }).uncheck();
    await dialog.getByRole('checkbox', { name: '填报人', exact: true }).check();
    await dialog.getByRole('button', { name: '保存', exact: true }).click();
    const alert = dialog.getByRole('alert').filter({ hasText: '最后一位审核人' });
    await alert.waitFor();
    expect(await alert.textContent()).toContain('「街道养老服务项目」');
    await user.shot(SHOTS, 'refused', false);
    const after = (await admin.get('/api/users')).body.find((u: { id: string }) => u.id === reviewerId);
    expect(after.roles).toEqual(['reviewer']);
  });
});
