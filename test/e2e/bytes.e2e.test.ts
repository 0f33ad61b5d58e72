/// <reference lib="dom" />
import { describe, expect, it } from 'vitest';
import type { Response } from 'playwright-core';
import { CHROMIUM } from '../helpers/browser.js';
import { apiClient, newAccount } from '../helpers/http.js';
import { useBrowser, useWebServer } from './support/e2e-suite.js';
import { openPage } from './support/generation-e2e.js';

/*
 * Bytes on the wire (issue 13), as Chromium meets them: Login loads only what
 * signing in needs, compressed, and the signed-in pages arrive as their own
 * chunks once the user has signed in. How many bytes that is, is measured by
 * bench/bytes.bench.ts.
 */

/** The chunks of the signed-in shell and pages: none of them belongs on the Login page. */
const SIGNED_IN_CHUNK =
  /\/assets\/(AppShell|GeneratePage|ExplainPage|ComparePage|HistoryPage|HistoryItemPage|ThreadPage|ProfilePage)-[\w-]+\.js$/;

interface Seen {
  path: string;
  headers: Record<string, string>;
}

function collect(responses: Seen[]) {
  return (response: Response) => {
    const url = new URL(response.url());
    responses.push({ path: url.pathname, headers: response.headers() });
  };
}

describe.skipIf(!CHROMIUM)('what the browser downloads', () => {
  const server = useWebServer({ name: 'e2e-bytes' });
  const browser = useBrowser();

  it('Login loads no signed-in page, every asset compressed and cached for good; signing in loads the Generate page', async () => {
    const account = newAccount('bytes');
    expect((await apiClient(server.url).post('/api/auth/register', account)).status).toBe(201);
    // Signed out, the session check answers 401: the page expects it.
    const { page, context, problems } = await openPage(browser, { expectedStatuses: [401] });
    const seen: Seen[] = [];
    page.on('response', collect(seen));

    const document = await page.goto(`${server.url}/login`);
    expect(document?.headers()['cache-control']).toBe('no-cache');
    await page.getByRole('heading', { name: 'Log in' }).waitFor();
    await page.waitForLoadState('networkidle');

    const loginAssets = seen.filter((r) => r.path.startsWith('/assets/'));
    expect(loginAssets.filter((r) => r.path.endsWith('.js')).length).toBeGreaterThan(0);
    expect(loginAssets.map((r) => r.path).filter((p) => SIGNED_IN_CHUNK.test(p))).toEqual([]);
    for (const asset of loginAssets) {
      // Chromium accepts brotli on this origin; the build wrote a copy of every asset worth one.
      expect.soft(asset.headers['cache-control'], asset.path).toBe('public, max-age=31536000, immutable');
      expect.soft(asset.headers.vary ?? '', asset.path).toMatch(/accept-encoding/i);
    }
    const largest = loginAssets.filter((r) => /\/assets\/index-[\w-]+\.js$/.test(r.path));
    expect(largest.map((r) => r.headers['content-encoding'])).toEqual(['br']);

    seen.length = 0;
    await page.getByLabel(/^Username/).fill(account.username);
    await page.getByLabel('Password', { exact: true }).fill(account.password);
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.waitForURL(`${server.url}/`);
    await page.getByRole('heading', { name: 'Generate', level: 1 }).waitFor();
    const afterSignIn = seen.map((r) => r.path);
    expect(afterSignIn.some((p) => /\/assets\/GeneratePage-[\w-]+\.js$/.test(p))).toBe(true);
    expect(afterSignIn.some((p) => /\/assets\/AppShell-[\w-]+\.js$/.test(p))).toBe(true);
    expect(problems).toEqual([]);
    await context.close();
  });
});
