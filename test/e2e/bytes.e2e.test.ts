/// <reference lib="dom" />
import { describe, expect, it } from 'vitest';
import type { Response } from 'playwright-core';
import { CHROMIUM } from '../helpers/browser.js';
import { apiClient, newAccount } from '../helpers/http.js';
import { DEFAULT_CODE } from '../helpers/openai-server.js';
import { useRemoteModelsSuite } from './support/e2e-suite.js';
import { openPage, runRegion } from './support/generation-e2e.js';

/*
 * Bytes on the wire (issue 13), as Chromium meets them: Login loads only what
 * signing in needs, compressed, and the signed-in pages and the heavy libraries
 * arrive when they are used. Which libraries a page loaded is read from the source
 * maps of the scripts it fetched, whatever the bundler named the chunks. How many
 * bytes that is, is measured by bench/bytes.bench.ts.
 */

/** The chunks of the signed-in shell and pages: none of them belongs on the Login page. */
const SIGNED_IN_CHUNK =
  /\/assets\/(AppShell|GeneratePage|ExplainPage|ComparePage|HistoryPage|HistoryItemPage|ThreadPage|ProfilePage)-[\w-]+\.js$/;

/** Libraries that only some pages need, and only when they show what the library draws. */
const MARKDOWN = ['react-markdown', 'remark-gfm'];
const HIGHLIGHTING = ['highlight.js', 'lowlight'];
const EDITOR = ['@codemirror/view', '@codemirror/state'];
const PASSWORD_ESTIMATOR = ['@zxcvbn-ts/core'];

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

/** The npm packages bundled into these scripts, from their source maps (served next to them). */
async function packagesIn(baseUrl: string, scripts: string[]): Promise<Set<string>> {
  const packages = new Set<string>();
  for (const script of scripts) {
    const res = await fetch(`${baseUrl}${script}.map`);
    expect(res.status, `${script}.map`).toBe(200);
    const map = (await res.json()) as { sources: string[] };
    for (const source of map.sources) {
      const name = /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(source)?.[1];
      if (name !== undefined) {
        packages.add(name);
      }
    }
  }
  return packages;
}

const scriptsOf = (seen: Seen[]) => seen.map((r) => r.path).filter((p) => /^\/assets\/.+\.js$/.test(p));

describe.skipIf(!CHROMIUM)('what the browser downloads', () => {
  const { server, browser } = useRemoteModelsSuite('e2e-bytes', [['remote-chat', 'Remote Chat']]);

  it('Login loads what signing in needs, compressed and cached for good; Generate adds Markdown and highlighting with its first answer', async () => {
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
    expect(scriptsOf(seen).filter((p) => SIGNED_IN_CHUNK.test(p))).toEqual([]);
    const onLogin = await packagesIn(server.url, scriptsOf(seen));
    expect(onLogin).toContain('react-dom');
    for (const name of [...MARKDOWN, ...HIGHLIGHTING, ...EDITOR, ...PASSWORD_ESTIMATOR]) {
      expect.soft(onLogin.has(name), `Login loads ${name}`).toBe(false);
    }
    for (const asset of loginAssets) {
      // Chromium accepts brotli on this origin; the build wrote a copy of every asset worth one.
      expect.soft(asset.headers['cache-control'], asset.path).toBe('public, max-age=31536000, immutable');
      expect.soft(asset.headers.vary ?? '', asset.path).toMatch(/accept-encoding/i);
    }
    const main = loginAssets.filter((r) => /\/assets\/index-[\w-]+\.js$/.test(r.path));
    expect(main.map((r) => r.headers['content-encoding'])).toEqual(['br']);

    seen.length = 0;
    await page.getByLabel(/^Username/).fill(account.username);
    await page.getByLabel('Password', { exact: true }).fill(account.password);
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.waitForURL(`${server.url}/`);
    await page.getByRole('heading', { name: 'Generate', level: 1 }).waitFor();
    await expect.poll(() => page.getByLabel('Model').inputValue()).toBe('remote-chat');
    await page.waitForLoadState('networkidle');
    const afterSignIn = scriptsOf(seen);
    expect(afterSignIn.some((p) => /\/assets\/GeneratePage-[\w-]+\.js$/.test(p))).toBe(true);
    expect(afterSignIn.some((p) => /\/assets\/AppShell-[\w-]+\.js$/.test(p))).toBe(true);
    const onGenerate = await packagesIn(server.url, afterSignIn);
    for (const name of [...MARKDOWN, ...HIGHLIGHTING, ...EDITOR, ...PASSWORD_ESTIMATOR]) {
      expect.soft(onGenerate.has(name), `an empty Generate page loads ${name}`).toBe(false);
    }

    seen.length = 0;
    await page.getByLabel('Describe the code you want').fill('Add two numbers');
    await page.getByRole('button', { name: 'Generate' }).click();
    // The answer is rendered as Markdown: its code is a highlighted block with a Copy button.
    await runRegion(page)
      .getByRole('button', { name: /^Copy .*code/ })
      .waitFor();
    const firstLine = DEFAULT_CODE.split('\n')[0] ?? '';
    expect(await runRegion(page).locator('figure.code-block').innerText()).toContain(firstLine);
    const withAnswer = await packagesIn(server.url, scriptsOf(seen));
    for (const name of [...MARKDOWN, ...HIGHLIGHTING]) {
      expect.soft(withAnswer.has(name), `the first answer loads ${name}`).toBe(true);
    }
    expect(problems).toEqual([]);
    await context.close();
  });
});
