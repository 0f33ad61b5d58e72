/// <reference lib="dom" />
import fs from 'node:fs';
import path from 'node:path';
import { AxeBuilder } from '@axe-core/playwright';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { expect } from 'vitest';
import { WEB_ROOT, type TestServer } from '../../helpers/app.js';
import { newAccount } from '../../helpers/http.js';
import { SCREENSHOTS } from '../../helpers/screenshots.js';
import { secret } from '../../helpers/secrets.js';

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

/**
 * A signed-in page: registers a fresh account through the API, logs in, and
 * puts the session cookie into a new browser context. Any console error,
 * page error or CSP violation is collected in `problems`, except HTTP
 * answers the test provokes on purpose (`expectedStatuses`).
 */
export async function openSignedInPage(
  browser: Browser,
  server: TestServer,
  options: {
    width?: number;
    height?: number;
    colorScheme?: 'light' | 'dark';
    expectedStatuses?: number[];
    clipboard?: boolean;
  } = {},
): Promise<OpenedPage> {
  const account = newAccount('gen');
  const register = await fetch(`${server.url}/api/auth/register`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(account),
  });
  expect(register.status).toBe(201);
  const login = await fetch(`${server.url}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: account.username, password: account.password }),
  });
  expect(login.status).toBe(200);
  const pair = (login.headers.getSetCookie()[0] ?? '').split(';')[0] ?? '';
  const [name = '', value = ''] = pair.split(/=(.*)/s);
  secret(value);

  const context = await browser.newContext({
    viewport: { width: options.width ?? 1280, height: options.height ?? 800 },
    colorScheme: options.colorScheme ?? 'light',
    acceptDownloads: true,
  });
  await context.addCookies([{ name, value, url: server.url, httpOnly: true, sameSite: 'Lax' }]);
  if (options.clipboard === true) {
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: server.url });
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
