/**
 * Bytes on the wire (issue 13): what a real Chromium downloads for the Login page
 * and then for the Generate page after signing in, from the built app served by
 * the real server. Figures are transfer sizes, the response bodies as received
 * (still brotli or gzip encoded), from Playwright's `request.sizes()`, not file
 * sizes. The goal is at most 100 KB of JavaScript for Login.
 *
 * Build first (`npm run build`, or `npx vite build --outDir <dir>` and
 * TEST_WEB_ROOT=<dir>): the build writes the .br and .gz copies the server sends.
 * Run: `npx tsx bench/bytes.bench.ts`.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Page, Response } from 'playwright-core';
import { startTestServer, WEB_ROOT } from '../test/helpers/app.js';
import { launchBrowser } from '../test/helpers/browser.js';
import { remoteModel } from '../test/helpers/catalogue.js';
import { apiClient, newAccount } from '../test/helpers/http.js';
import { startOpenAiServer } from '../test/helpers/openai-server.js';

/** The goal for Login, in bytes on the wire. */
const LOGIN_JS_GOAL = 100 * 1024;

type Kind = 'js' | 'css' | 'html' | 'api' | 'other';

interface Transfer {
  url: string;
  kind: Kind;
  /** Response body bytes as received (encoded). */
  bytes: number;
  encoding: string;
}

function kindOf(response: Response): Kind {
  const pathname = new URL(response.url()).pathname;
  const type = response.headers()['content-type'] ?? '';
  if (pathname.startsWith('/api/')) {
    return 'api';
  }
  if (type.includes('javascript')) {
    return 'js';
  }
  if (type.includes('text/css')) {
    return 'css';
  }
  if (type.includes('text/html')) {
    return 'html';
  }
  return 'other';
}

/** Records every response of `page` from now until `stop()`, with its transfer size. */
function record(page: Page): { stop(): Promise<Transfer[]> } {
  const pending: Promise<Transfer>[] = [];
  const onResponse = (response: Response) => {
    const transfer = (async () => {
      // Sizes are known once the body has arrived.
      await response.finished();
      const sizes = await response.request().sizes();
      return {
        url: new URL(response.url()).pathname,
        kind: kindOf(response),
        bytes: sizes.responseBodySize,
        encoding: response.headers()['content-encoding'] ?? 'identity',
      };
    })();
    // Awaited by stop(); if the run fails first, the browser's closing must not hide why.
    transfer.catch(() => undefined);
    pending.push(transfer);
  };
  page.on('response', onResponse);
  return {
    async stop() {
      page.off('response', onResponse);
      return Promise.all(pending);
    },
  };
}

const kb = (bytes: number) => `${(bytes / 1024).toFixed(1).padStart(7)} KB`;

function report(label: string, transfers: Transfer[]): number {
  const sum = (kind?: Kind) =>
    transfers.filter((t) => kind === undefined || t.kind === kind).reduce((total, t) => total + t.bytes, 0);
  const js = sum('js');
  console.log(`${label}: ${transfers.length} responses`);
  console.log(
    `  JavaScript ${kb(js)}   CSS ${kb(sum('css'))}   total ${kb(sum())} (with HTML, API and icons)`,
  );
  for (const t of transfers
    .filter((x) => x.kind === 'js' || x.kind === 'css')
    .sort((a, b) => b.bytes - a.bytes)) {
    console.log(`    ${kb(t.bytes)}  ${t.encoding.padEnd(8)} ${t.url}`);
  }
  return js;
}

if (!fs.existsSync(path.join(WEB_ROOT, 'index.html'))) {
  throw new Error(`No built web app in ${WEB_ROOT}: run npm run build (or set TEST_WEB_ROOT).`);
}
// A model on the fake OpenAI-compatible server, so the Generate page can show an answer.
const upstream = await startOpenAiServer();
const model = remoteModel(upstream.baseUrl, 'remote-chat', 'Remote Chat');
const catalogue = { defaultModel: 'remote-chat', models: [model] };
const server = await startTestServer({ name: 'bench-bytes', web: true, catalogue });
const launched = await launchBrowser();
try {
  const account = newAccount('bytes');
  const registered = await apiClient(server.url).post('/api/auth/register', account);
  if (registered.status !== 201) {
    throw new Error(`register answered ${registered.status}`);
  }
  // A fresh context: an empty cache, as for a first visit.
  const context = await launched.browser.newContext();
  const page = await context.newPage();

  const login = record(page);
  await page.goto(`${server.url}/login`);
  await page.getByRole('heading', { name: 'Log in' }).waitFor();
  await page.waitForLoadState('networkidle');
  console.log(`Served from ${WEB_ROOT}; Chromium's first visit, empty cache.\n`);
  const loginJs = report('Login page (/login)', await login.stop());

  const signIn = record(page);
  await page.getByLabel(/^Username/).fill(account.username);
  await page.getByLabel('Password', { exact: true }).fill(account.password);
  await page.getByRole('button', { name: 'Log in' }).click();
  await page.waitForURL(`${server.url}/`);
  await page.getByRole('heading', { name: 'Generate', level: 1 }).waitFor();
  await page.waitForLoadState('networkidle');
  console.log('');
  report('Generate page after signing in (what it adds to Login)', await signIn.stop());

  const answer = record(page);
  await page.getByLabel('Describe the code you want').fill('Add two numbers');
  await page.getByRole('button', { name: 'Generate' }).click();
  await page
    .getByRole('button', { name: /^Copy .*code/ })
    .first()
    .waitFor();
  await page.waitForLoadState('networkidle');
  console.log('');
  report("Generate's first answer (what it adds: Markdown, highlighting)", await answer.stop());

  // The other pages with heavy libraries, reached from the menu: what each adds to what is loaded.
  for (const name of ['Explain', 'Compare']) {
    const visit = record(page);
    await page.getByRole('link', { name, exact: true }).click();
    await page.getByRole('heading', { name, level: 1 }).waitFor();
    await page.waitForLoadState('networkidle');
    console.log('');
    report(`${name} page from the menu (what it adds)`, await visit.stop());
  }

  console.log(
    `\nLogin JavaScript on the wire: ${kb(loginJs).trim()} (goal <= ${kb(LOGIN_JS_GOAL).trim()}): ` +
      (loginJs <= LOGIN_JS_GOAL ? 'met' : 'NOT MET'),
  );
  await context.close();
} finally {
  await launched.close();
  await server.close();
  await upstream.close();
}
