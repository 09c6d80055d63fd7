import { existsSync, mkdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { expect } from '@jest/globals';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

const ROOT = path.resolve(import.meta.dirname ?? '.', '../..');
export const SCREENSHOT_DIR = path.join(ROOT, 'screenshots');

/** The name a LAN user types: not localhost, so Chromium applies the rules for insecure origins. */
export const LAN_HOST = 'evalhost.test';

function chromiumPath(): string {
  const candidates = [process.env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser'].filter(Boolean) as string[];
  const found = candidates.find((p) => existsSync(p));
  if (!found) throw new Error("Debian's chromium is not installed: apt-get install -y chromium fonts-noto-cjk (.ci/run does it)");
  return found;
}

/** Empties a suite's screenshot folder, so what people look at is this run's. */
export function freshScreenshots(test: string): void {
  rmSync(path.join(SCREENSHOT_DIR, test), { recursive: true, force: true });
}

/** Debian's Chromium, headless, with the LAN host name mapped to this machine; nothing is downloaded. */
export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: chromiumPath(),
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      `--host-resolver-rules=MAP ${LAN_HOST} 127.0.0.1`,
    ],
  });
}

/**
 * Ends a browser suite: the browser closes and the API stops whatever failed before (a leaked API or Chromium keeps
 * an in-band Jest alive after its last test), then no person saw a page or console error.
 */
export async function endBrowserSuite(api: { stop(): Promise<void> }, browser: Browser | undefined, people: (BrowserUser | undefined)[] = []): Promise<void> {
  try {
    await browser?.close();
  } finally {
    await api.stop();
  }
  for (const p of people) if (p) expect({ user: p.name, errors: p.errors }).toEqual({ user: p.name, errors: [] });
}

/**
 * One person at one browser: a context of their own (storage, cookies) whose page errors and
 * console errors are collected, so a test can assert that none happened.
 */
export class BrowserUser {
  readonly errors: string[] = [];
  private expected: RegExp[] = [];
  private shots = 0;

  private constructor(
    readonly name: string,
    readonly context: BrowserContext,
    readonly page: Page,
  ) {}

  static async open(browser: Browser, name: string, baseUrl: string, viewport = { width: 1360, height: 900 }): Promise<BrowserUser> {
    const context = await browser.newContext({ baseURL: baseUrl, viewport, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' });
    const page = await context.newPage();
    const user = new BrowserUser(name, context, page);
    user.watch(page);
    return user;
  }

  watch(page: Page): void {
    page.on('pageerror', (err) => this.errors.push(`pageerror: ${err.message}`));
    page.on('console', (msg) => {
      if (msg.type() !== 'error') return;
      const text = msg.text();
      if (!this.expected.some((re) => re.test(text))) this.errors.push(`console: ${text}`);
    });
  }

  /** Console errors the browser prints for an answer the test provoked on purpose (e.g. a 422). */
  expectConsoleError(pattern: RegExp): void {
    this.expected.push(pattern);
  }

  async login(username: string, password = 'demo1234'): Promise<void> {
    const { page } = this;
    if (!page.url().includes('#/login')) await page.goto('/#/login');
    await page.getByLabel('用户名').fill(username);
    await page.getByLabel('密码').fill(password);
    await page.getByRole('button', { name: '登录', exact: true }).click();
    await page.locator('#main').waitFor();
  }

  /** Writes screenshots/<test>/<nn>-<user>-<what>.png for people to look at. */
  async shot(test: string, what: string, fullPage = true): Promise<string> {
    const dir = path.join(SCREENSHOT_DIR, test);
    mkdirSync(dir, { recursive: true });
    const file = path.join(dir, `${String(++this.shots).padStart(2, '0')}-${this.name}-${what}.png`);
    await this.page.screenshot({ path: file, fullPage });
    return file;
  }

  async close(): Promise<void> {
    await this.context.close();
  }
}

/** Waits until `check` holds in the page (polling), or fails naming what was awaited. */
export async function until(page: Page, what: string, check: () => Promise<boolean>, timeoutMs = 15_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    if (await check().catch(() => false)) return;
    await page.waitForTimeout(100);
  }
  throw new Error(`timed out waiting for: ${what}`);
}
