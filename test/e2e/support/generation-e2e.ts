/// <reference lib="dom" />
import fs from 'node:fs';
import path from 'node:path';
import { AxeBuilder } from '@axe-core/playwright';
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { expect } from 'vitest';
import { WEB_ROOT, type TestServer } from '../../helpers/app.js';
import { apiClient, newAccount, registerAndLogin } from '../../helpers/http.js';
import { SCREENSHOTS } from '../../helpers/screenshots.js';

export { remoteModel } from '../../helpers/catalogue.js';
export { SCREENSHOTS } from '../../helpers/screenshots.js';

/** Fails fast with a clear message when the web app was not built. */
export function requireBuiltWebApp(): void {
  if (!fs.existsSync(path.join(WEB_ROOT, 'index.html'))) {
    throw new Error('dist/web is missing: run npm run build before the browser tests');
  }
  fs.mkdirSync(SCREENSHOTS, { recursive: true });
}

export interface OpenedPage {
  page: Page;
  context: BrowserContext;
  /** Console errors, page errors and CSP violations seen so far. */
  problems: string[];
}

export interface PageOptions {
  width?: number;
  height?: number;
  colorScheme?: 'light' | 'dark';
  /** HTTP statuses the test provokes on purpose: their console errors are not problems. */
  expectedStatuses?: number[];
  /** Grant clipboard read and write on `origin`. */
  clipboard?: { origin: string };
}

/**
 * A page in a new browser context (cookie jar), signed out. Any console
 * error, page error or CSP violation is collected in `problems`, except
 * HTTP answers the test provokes on purpose (`expectedStatuses`).
 */
export async function openPage(browser: Browser, options: PageOptions = {}): Promise<OpenedPage> {
  const context = await browser.newContext({
    viewport: { width: options.width ?? 1280, height: options.height ?? 800 },
    colorScheme: options.colorScheme ?? 'light',
    acceptDownloads: true,
  });
  if (options.clipboard) {
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], {
      origin: options.clipboard.origin,
    });
  }
  const page = await context.newPage();
  const problems: string[] = [];
  const expected = options.expectedStatuses ?? [];
  page.on('console', (msg) => {
    if (msg.type() !== 'error') {
      return;
    }
    const status = /status of (\d{3})/.exec(msg.text())?.[1];
    if (status && expected.includes(Number(status))) {
      return;
    }
    problems.push(msg.text());
  });
  page.on('pageerror', (err) => problems.push(err.message));
  return { page, context, problems };
}

/** A signed-in page and the account behind it. */
export interface SignedInPage extends OpenedPage, Awaited<ReturnType<typeof registerAndLogin>> {
  /** The session's bearer token (the same session as the page's cookie). */
  token: string;
  userId: string;
}

/**
 * A signed-in page: registers a fresh account through the API, logs in, and
 * puts the session cookie into a new browser context (see openPage).
 */
export async function openSignedInPage(
  browser: Browser,
  server: TestServer,
  options: Omit<PageOptions, 'clipboard'> & { clipboard?: boolean; accountPrefix?: string } = {},
): Promise<SignedInPage> {
  const session = await registerAndLogin(apiClient(server.url), newAccount(options.accountPrefix ?? 'gen'));
  const [name = '', value = ''] = session.cookie.split(/=(.*)/s);
  const opened = await openPage(browser, {
    ...options,
    clipboard: options.clipboard === true ? { origin: server.url } : undefined,
  });
  await opened.context.addCookies([{ name, value, url: server.url, httpOnly: true, sameSite: 'Lax' }]);
  return { ...opened, ...session, userId: String(session.user.id) };
}

/** axe-core on the page as it is now: no serious or critical violations. */
export async function expectAccessible(page: Page, label: string): Promise<void> {
  const results = await new AxeBuilder({ page }).analyze();
  const serious = results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  expect(
    serious.map(
      (v) => `${label}: ${v.id} (${v.nodes.length}) ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`,
    ),
  ).toEqual([]);
}

/** Nothing sticks out sideways (phones). */
export async function expectNoHorizontalOverflow(page: Page): Promise<void> {
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  expect(overflow).toBeLessThanOrEqual(0);
}

/** A run's panel (Generate's "Answer", Explain's "Explanation"): a region named by its heading. */
export function runRegion(page: Page, name = 'Answer'): Locator {
  return page.getByRole('region', { name, exact: true });
}

/** The state badge of the run shown in `scope`, by its words (Starting, Waiting, Writing, Done, Stopped, Failed). */
export function runBadge(scope: Locator): Locator {
  return scope.getByText(/^(Starting|Waiting|Writing|Done|Stopped|Failed)$/);
}

/** On the Generate page: describes `prompt`, presses Generate, and waits until the answer is Done. */
export async function generateAnswer(page: Page, prompt: string): Promise<void> {
  await page.getByLabel('Describe the code you want').fill(prompt);
  await page.getByRole('button', { name: 'Generate' }).click();
  await expect.poll(() => runBadge(runRegion(page)).innerText()).toBe('Done');
}
