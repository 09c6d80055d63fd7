/// <reference lib="dom" />
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Browser } from 'playwright-core';
import { ApiProcess } from '../support/api-process.js';
import { ApiClient } from '../support/api-client.js';
import { BrowserUser, LAN_HOST, freshScreenshots, launchBrowser, until, endBrowserSuite } from '../support/browser.js';

const SHOTS = 'cycles';

interface Cycle {
  id: string;
  fiscalYear: number;
  name: string;
  submissionDeadline: string;
  reviewDeadline: string;
  reminderPolicy: { before: string[]; reviewWait: string };
}

/** A manager sets up a 评价批次 in the browser and corrects it (editing always failed: the dialog sent the year, which the API refused). */
describe('评价批次 in the browser: create, then correct its deadline and year', () => {
  const api = new ApiProcess();
  let browser: Browser;
  let manager: BrowserUser;
  let managerApi: ApiClient;

  beforeAll(async () => {
    await api.start({}, false);
    freshScreenshots(SHOTS);
    browser = await launchBrowser();
    managerApi = await ApiClient.login(api.baseUrl, 'manager');
    manager = await BrowserUser.open(browser, 'manager', `http://${LAN_HOST}:${new URL(api.baseUrl).port}`);
  }, 90_000);

  afterAll(() => endBrowserSuite(api, browser));

  const cycleNamed = async (name: string): Promise<Cycle | undefined> => ((await managerApi.get('/api/cycles')).body as Cycle[]).find((c) => c.name === name);

  it('creates a cycle, then moves its deadlines and its year in the 修改 dialog', async () => {
    await manager.login('manager');
    const page = manager.page;
    await page.goto('/#/cycles');
    await page.getByRole('button', { name: '＋ 新建批次' }).click();
    let dialog = page.getByRole('dialog');
    await dialog.getByLabel('年度').fill('2026');
    await dialog.getByLabel('批次名称').fill('2026 年度项目支出绩效自评');
    await dialog.getByLabel('提交截止').fill('2027-03-31T18:00');
    await dialog.getByLabel('审核截止').fill('2027-04-30T18:00');
    await dialog.getByRole('button', { name: '保存' }).click();
    await until(page, 'the cycle listed', async () => (await page.getByRole('cell', { name: '2026 年度项目支出绩效自评' }).count()) === 1);
    expect(await cycleNamed('2026 年度项目支出绩效自评')).toMatchObject({ fiscalYear: 2026, submissionDeadline: '2027-03-31T10:00:00.000Z' });

    // The deadline was a week too early, and the year is 2025's: corrected in the dialog.
    await page.getByRole('row', { name: /2026 年度项目支出绩效自评/ }).getByRole('button', { name: '修改' }).click();
    dialog = page.getByRole('dialog');
    await dialog.getByLabel('年度').fill('2025');
    await dialog.getByLabel('批次名称').fill('2025 年度项目支出绩效自评');
    await dialog.getByLabel('提交截止').fill('2027-04-07T18:00');
    await manager.shot(SHOTS, 'edit-dialog', false);
    await dialog.getByRole('button', { name: '保存' }).click();
    await page.getByText('已保存').waitFor();
    await until(page, 'the corrected cycle listed', async () => (await page.getByRole('cell', { name: '2025 年度项目支出绩效自评' }).count()) === 1);
    expect(await cycleNamed('2025 年度项目支出绩效自评')).toMatchObject({ fiscalYear: 2025, submissionDeadline: '2027-04-07T10:00:00.000Z', reviewDeadline: '2027-04-30T10:00:00.000Z' });
    expect(await page.locator('.error-box, .field-errors').count()).toBe(0);
    await manager.shot(SHOTS, 'corrected');
    expect(manager.errors).toEqual([]);
  });
});
