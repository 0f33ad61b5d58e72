/// <reference lib="dom" />
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { CHROMIUM } from '../helpers/browser.js';
import { useRemoteModelsSuite } from './support/e2e-suite.js';
import { openSignedInPage, runBadge, runRegion } from './support/generation-e2e.js';

/** A long answer, one step per chunk, so a test can refresh halfway. */
const LONG_ANSWER = Array.from({ length: 40 }, (_, i) => `Step ${i + 1}. `);

/**
 * Runs that outlive the page: a refresh (or closing the tab) leaves the run
 * going on the server, and the page shows it again, with the unsent draft.
 */
describe.skipIf(!CHROMIUM)('runs and drafts across a refresh', () => {
  const { upstream, server, browser } = useRemoteModelsSuite(
    'e2e-runs',
    [
      ['remote-chat', 'Remote Chat'],
      ['model-b', 'Model B'],
    ],
    // Long enough that only the end of its answer ends a run the page left.
    { resetEachTest: true, env: { RUN_DETACHED_GRACE_SECONDS: '600', GENERATIONS_RUNNING_PER_USER: '5' } },
  );

  const badge = (page: Page) => runBadge(runRegion(page)).innerText();
  const answer = (page: Page) => runRegion(page).innerText();

  async function openAt(page: Page, path: string, heading: string) {
    await page.goto(`${server.url}${path}`);
    await page.getByRole('heading', { name: heading, level: 1 }).waitFor();
  }

  it('a refresh in the middle of a stream shows the partial answer, then the rest live', async () => {
    upstream.script([{ type: 'answer', chunks: LONG_ANSWER, delayMs: 100 }]);
    const { page, context, problems } = await openSignedInPage(browser, server);
    await openAt(page, '/', 'Generate');
    await expect.poll(() => page.getByLabel('Model').inputValue()).toBe('remote-chat');
    await page.getByLabel('Describe the code you want').fill('Count to forty');
    await page.getByRole('button', { name: 'Generate' }).click();
    await expect.poll(() => answer(page)).toContain('Step 3.');

    await page.reload();
    await page.getByRole('heading', { name: 'Generate', level: 1 }).waitFor();
    // What was written before the refresh is back while the model is still writing ...
    await expect
      .poll(async () => (await badge(page)) === 'Writing' && (await answer(page)).includes('Step 3.'))
      .toBe(true);
    expect(await answer(page)).not.toContain('Step 40.');
    // ... and the rest arrives live.
    await expect.poll(() => badge(page), { timeout: 20_000 }).toBe('Done');
    const text = await answer(page);
    expect(text).toContain('Step 1.');
    expect(text).toContain('Step 40.');
    expect(text.match(/Step 3\./g)).toHaveLength(1);
    // The prompt is still in the form, and the model was asked once and never interrupted.
    expect(await page.getByLabel('Describe the code you want').inputValue()).toBe('Count to forty');
    expect(upstream.requests).toHaveLength(1);
    await upstream.requests[0]?.ended;
    expect(upstream.requests[0]?.outcome).toBe('completed');
    expect(problems).toEqual([]);
    await context.close();
  });

  it('closing the tab and opening the page again after the run finished shows the whole answer', async () => {
    upstream.script([{ type: 'answer', chunks: LONG_ANSWER, delayMs: 30 }]);
    const { page, context, problems } = await openSignedInPage(browser, server);
    await openAt(page, '/', 'Generate');
    await expect.poll(() => page.getByLabel('Model').inputValue()).toBe('remote-chat');
    await page.getByLabel('Describe the code you want').fill('Count to forty, again');
    await page.getByRole('button', { name: 'Generate' }).click();
    await expect.poll(() => answer(page)).toContain('Step 2.');
    await page.close();

    // The run goes on with no page open, to its end.
    const request = await upstream.waitForRequest(0);
    await request.ended;
    expect(request.outcome).toBe('completed');

    const again = await context.newPage();
    await openAt(again, '/', 'Generate');
    await expect.poll(() => badge(again)).toBe('Done');
    const text = await answer(again);
    expect(text).toContain('Step 1.');
    expect(text).toContain('Step 40.');
    expect(problems).toEqual([]);
    await context.close();
  });

  it('Compare: a refresh shows every column again, each continuing live', async () => {
    upstream.script([
      { type: 'answer', chunks: LONG_ANSWER.slice(0, 5), delayMs: 20 },
      { type: 'answer', chunks: LONG_ANSWER, delayMs: 100 },
    ]);
    const { page, context, problems } = await openSignedInPage(browser, server);
    await openAt(page, '/compare', 'Compare');
    await expect.poll(() => page.getByLabel('Model B', { exact: true }).isChecked()).toBe(true);
    await page.getByLabel('Describe the code you want').fill('Count in two models');
    await page.getByRole('button', { name: 'Compare 2 models' }).click();
    const column = (name: string) => page.getByRole('article', { name, exact: true });
    await expect.poll(() => column('Model B').innerText()).toContain('Step 3.');

    await page.reload();
    await page.getByRole('heading', { name: 'Compare', level: 1 }).waitFor();
    expect(await page.getByRole('article').count()).toBe(2);
    await expect.poll(() => runBadge(column('Remote Chat')).innerText()).toBe('Done');
    await expect.poll(() => column('Model B').innerText()).toContain('Step 3.');
    await expect.poll(() => runBadge(column('Model B')).innerText(), { timeout: 20_000 }).toBe('Done');
    expect(await column('Model B').innerText()).toContain('Step 40.');
    expect(await column('Remote Chat').innerText()).toContain('Step 5.');
    expect(await page.getByLabel('Describe the code you want').inputValue()).toBe('Count in two models');
    expect(upstream.requests).toHaveLength(2);
    expect(problems).toEqual([]);
    await context.close();
  });

  it('an unsent draft survives a refresh on each page, and is forgotten on logout', async () => {
    const { page, context, problems } = await openSignedInPage(browser, server);
    await openAt(page, '/', 'Generate');
    await page.getByLabel('Describe the code you want').fill('A draft I have not sent');
    await openAt(page, '/explain', 'Explain');
    await page.getByRole('textbox', { name: 'Code to explain' }).click();
    await page.keyboard.type('def draft(): pass');
    await openAt(page, '/compare', 'Compare');
    await page.getByLabel('Describe the code you want').fill('A compare draft');

    await page.reload();
    await page.getByRole('heading', { name: 'Compare', level: 1 }).waitFor();
    expect(await page.getByLabel('Describe the code you want').inputValue()).toBe('A compare draft');
    await openAt(page, '/explain', 'Explain');
    expect(await page.getByRole('textbox', { name: 'Code to explain' }).innerText()).toContain(
      'def draft(): pass',
    );
    await openAt(page, '/', 'Generate');
    expect(await page.getByLabel('Describe the code you want').inputValue()).toBe('A draft I have not sent');

    await page.getByRole('button', { name: 'Log out' }).click();
    await page.waitForURL(/\/login/);
    const kept = await page.evaluate(() =>
      Object.keys(localStorage).filter((k) => k.startsWith('codegenie.page.')),
    );
    expect(kept).toEqual([]);
    expect(upstream.requests).toHaveLength(0);
    expect(problems).toEqual([]);
    await context.close();
  });
});
