/// <reference lib="dom" />
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Browser } from 'playwright-core';
import { ApiProcess } from '../support/api-process.js';
import { ApiClient } from '../support/api-client.js';
import { BrowserUser, LAN_HOST, freshScreenshots, launchBrowser, endBrowserSuite } from '../support/browser.js';
import { newMediaForm } from '../support/forms.js';

const SHOTS = 'departments';
const EDU = '北京市教育委员会';
const EDU_UNIT = '北京市某区教育委员会';

interface UnitBody {
  id: string;
  name: string;
  departmentId: string | null;
  reviewChain: string[];
}

/**
 * An admin at the web app: creates a 主管部门, links a unit to it, switches the unit to the two-step review chain
 * and creates a reviewer of that department, who then sees that department's forms and no other.
 */
describe('主管部门 and review chains in the admin screen (Debian Chromium)', () => {
  const api = new ApiProcess();
  let browser: Browser;
  let base: string;
  let adminApi: ApiClient;
  let eduProject: string;
  const people: BrowserUser[] = [];

  async function person(name: string, viewport?: { width: number; height: number }): Promise<BrowserUser> {
    const user = await BrowserUser.open(browser, name, base, viewport);
    people.push(user);
    return user;
  }

  const unitNamed = async (name: string): Promise<UnitBody> => (await adminApi.get('/api/units')).body.find((u: UnitBody) => u.name === name);

  beforeAll(async () => {
    await api.start({}, false);
    freshScreenshots(SHOTS);
    browser = await launchBrowser();
    base = `http://${LAN_HOST}:${new URL(api.baseUrl).port}`;
    adminApi = await ApiClient.login(api.baseUrl, 'admin');
    // A unit whose 主管部门 was written as the district government: the admin moves it under the education commission.
    const unit = await adminApi.post('/api/units', { name: EDU_UNIT, competentDepartment: '北京市某区人民政府' });
    await adminApi.post('/api/users', { username: 'edu-drafter', password: 'paper-lantern-river', displayName: '教委填报人', roles: ['drafter'], unitIds: [unit.body.id] });
    const drafter = await ApiClient.login(api.baseUrl, 'edu-drafter', 'paper-lantern-river');
    eduProject = '教委系统：校园安全宣传项目';
    const form = await drafter.post('/api/evaluations', newMediaForm({ projectName: eduProject }));
    expect((await drafter.post(`/api/evaluations/${form.body.id}/submit`, { expectedVersion: 1 })).status).toBe(200);
  }, 90_000);

  afterAll(() => endBrowserSuite(api, browser, people));

  it('creates a department, links a unit to it, sets its two-step chain and creates a department reviewer', async () => {
    const u = await person('admin');
    u.expectConsoleError(/status of (400|409)/);
    await u.login('admin');
    await u.page.goto('/#/admin');

    // 主管部门: the seeded one is listed with its unit; a new one is created, a taken name is refused next to the field.
    const departments = u.page.locator('section.card').filter({ has: u.page.getByRole('heading', { name: '主管部门', exact: true }) });
    await departments.getByRole('cell', { name: '中共北京市委老干部局' }).waitFor();
    await departments.getByLabel('主管部门名称').fill(EDU);
    await departments.getByRole('button', { name: '新建主管部门' }).click();
    await u.page.getByText(`已新建主管部门“${EDU}”`).waitFor();
    await departments.getByRole('cell', { name: EDU, exact: true }).waitFor();
    await departments.getByLabel('主管部门名称').fill('中共北京市委老干部局');
    await departments.getByRole('button', { name: '新建主管部门' }).click();
    await departments.locator('.field-error').filter({ hasText: '主管部门已存在' }).waitFor();
    await u.shot(SHOTS, 'departments');

    // The unit: its 主管部门, then its 审核流程.
    const department = u.page.getByLabel(`${EDU_UNIT}的主管部门`);
    const chain = u.page.getByLabel(`${EDU_UNIT}的审核流程`);
    expect(await chain.locator('option', { hasText: '主管部门审核' }).isDisabled()).toBe(false); // it has a department (the district government)
    // A choice is saved once the table is drawn again from the server: until then every select waits, disabled.
    const settled = (label: string, shows: string) =>
      u.page.waitForFunction(([label, shows]) => {
        const select = document.querySelector(`select[aria-label="${label}"]`) as HTMLSelectElement | null;
        return !!select && !select.disabled && select.selectedOptions[0]?.textContent === shows;
      }, [label, shows]);
    await department.selectOption({ label: EDU });
    await u.page.getByText(`已保存“${EDU_UNIT}”`).waitFor();
    await settled(`${EDU_UNIT}的主管部门`, EDU);
    await chain.selectOption({ label: '单位审核 → 主管部门审核' });
    await settled(`${EDU_UNIT}的审核流程`, '单位审核 → 主管部门审核');
    const unit = await unitNamed(EDU_UNIT);
    const eduId = (await adminApi.get('/api/departments')).body.find((d: { name: string }) => d.name === EDU).id;
    expect(unit).toMatchObject({ departmentId: eduId, reviewChain: ['unit', 'department'], competentDepartment: EDU });

    // Unlinking under a two-step chain is refused with the server's reason, and the choice goes back.
    await department.selectOption({ label: '（未关联）' });
    await u.page.getByText('该单位的审核流程含主管部门审核，不能取消关联主管部门（请先将审核流程改为“单位审核”）').waitFor();
    await u.page.waitForFunction((label) => (document.querySelector(`select[aria-label="${label}"]`) as HTMLSelectElement | null)?.value !== '', `${EDU_UNIT}的主管部门`);
    expect((await unitNamed(EDU_UNIT)).departmentId).toBe(eduId);
    await u.shot(SHOTS, 'units-two-step-chain');

    // A reviewer of the department, with no unit of their own.
    await u.page.getByRole('button', { name: '＋ 新建用户' }).click();
    const dialog = u.page.getByRole('dialog');
    await dialog.getByRole('textbox', { name: /^用户名/ }).fill('edu-reviewer');
    await dialog.getByRole('textbox', { name: /^姓名/ }).fill('教委审核人');
    await dialog.getByLabel(/^初始密码/).fill('copper-kettle-mist');
    await dialog.getByRole('checkbox', { name: '填报人' }).uncheck();
    await dialog.getByRole('checkbox', { name: '审核人' }).check();
    await dialog.getByRole('checkbox', { name: new RegExp(`^${EDU}`) }).check();
    await u.shot(SHOTS, 'new-department-reviewer');
    await dialog.getByRole('button', { name: '创建', exact: true }).click();
    await u.page.getByText('已创建用户 edu-reviewer').waitFor();
    const users = u.page.locator('section.card').filter({ has: u.page.getByRole('heading', { name: '用户' }) });
    await users.getByRole('row', { name: /edu-reviewer/ }).getByRole('cell', { name: EDU, exact: true }).waitFor();
    await u.shot(SHOTS, 'users');
    const created = (await adminApi.get('/api/users')).body.find((x: { username: string }) => x.username === 'edu-reviewer');
    expect(created).toMatchObject({ roles: ['reviewer'], unitIds: [], departmentIds: [eduId] });
    await u.close();
  });

  it('shows the department reviewer the forms of the department’s units and none of another department', async () => {
    const u = await person('edu-reviewer');
    await u.login('edu-reviewer', 'copper-kettle-mist');
    await u.page.goto('/#/evaluations');
    await u.page.getByRole('heading', { name: '自评表列表', exact: true }).waitFor();
    await u.page.getByText(eduProject).first().waitFor();
    // The sample unit's seven published forms belong to another department.
    expect(await u.page.getByText('青少年迷你冬奥会').count()).toBe(0);
    await u.shot(SHOTS, 'department-reviewer-list');
    await u.close();
  });
});
