/// <reference lib="dom" />
import type { Page } from 'playwright-core';
import { beforeEach, describe, expect, it } from 'vitest';
import { CHROMIUM } from '../helpers/browser.js';
import { openSignedInPage, runBadge } from './support/generation-e2e.js';
import { useRemoteModelsSuite } from './support/e2e-suite.js';

/** A Compare in History: one entry that reopens as its columns. */
describe.skipIf(!CHROMIUM)('A Compare in History', () => {
  const { upstream, server, browser } = useRemoteModelsSuite('e2e-compare-thread', [
    ['model-a', 'Model A'],
    ['model-b', 'Model B'],
  ]);
  beforeEach(() => {
    upstream.reset();
    upstream.script((request) => {
      const code = request.body.model === 'model-a' ? 'return a + b' : 'return b + a';
      return {
        type: 'answer',
        text: `Answer of ${request.body.model ?? ''}:\n\n\`\`\`python\ndef add(a, b):\n    ${code}\n\`\`\`\n`,
      };
    });
  });

  const column = (page: Page, name: string) => page.getByRole('article', { name, exact: true });
  const historyItems = (page: Page) =>
    page
      .getByRole('list', { name: 'History items' })
      .getByRole('listitem')
      .filter({ has: page.getByRole('heading', { level: 3 }) });

  /**
   * Records, from now on, every state the page's columns show (each column's
   * heading and badge words, e.g. "Model A: Done"), as the DOM changes: a
   * state shown for a moment between two polls is caught too.
   */
  const recordColumnStates = async (page: Page): Promise<() => Promise<string[]>> => {
    await page.evaluate(() => {
      const seen: string[] = [];
      Object.assign(window, { columnStates: seen });
      const badge = /^(Starting|Waiting|Writing|Done|Stopped|Failed)$/;
      new MutationObserver(() => {
        for (const article of document.querySelectorAll('article')) {
          const words = [...article.querySelectorAll('header *')].map((e) => e.textContent.trim());
          const state = `${article.querySelector('h3')?.textContent ?? ''}: ${words.find((w) => badge.test(w)) ?? ''}`;
          if (!seen.includes(state)) {
            seen.push(state);
          }
        }
      }).observe(document.body, { subtree: true, childList: true, characterData: true });
    });
    return () => page.evaluate(() => (window as unknown as { columnStates: string[] }).columnStates);
  };

  /** The runs the page attaches to (GET /api/generations/:id/events) from now on. */
  const recordAttaches = (page: Page): string[] => {
    const attached: string[] = [];
    page.on('request', (request) => {
      if (/\/api\/generations\/[^/]+\/events/.test(request.url())) {
        attached.push(request.url());
      }
    });
    return attached;
  };

  it('lists a Compare of two models once, and opening it shows both columns with their answers and the Diff', async () => {
    const { page, context, problems } = await openSignedInPage(browser, server);
    await page.goto(`${server.url}/compare`);
    await expect.poll(() => page.getByLabel('Model B', { exact: true }).isChecked()).toBe(true);
    await page.getByLabel('Describe the code you want').fill('Add two numbers');
    await page.getByLabel('Language').selectOption('python');
    await page.getByRole('button', { name: 'Compare 2 models' }).click();
    await expect.poll(() => runBadge(column(page, 'Model A')).innerText()).toBe('Done');
    await expect.poll(() => runBadge(column(page, 'Model B')).innerText()).toBe('Done');

    await page.goto(`${server.url}/history`);
    await page.getByRole('heading', { name: 'History', level: 1 }).waitFor();
    await expect.poll(() => historyItems(page).count()).toBe(1);
    const entry = historyItems(page).first();
    expect(await entry.innerText()).toContain('Compare · 2 models');
    const columnStates = await recordColumnStates(page);
    const attached = recordAttaches(page);
    await entry.getByRole('link', { name: 'Add two numbers' }).click();

    await page.waitForURL(/\/compare\?thread=/);
    await expect.poll(() => page.getByRole('article').count()).toBe(2);
    await expect.poll(() => column(page, 'Model A').innerText()).toContain('Answer of model-a');
    await expect.poll(() => column(page, 'Model B').innerText()).toContain('Answer of model-b');
    expect(await runBadge(column(page, 'Model A')).innerText()).toBe('Done');
    expect(await page.getByLabel('Describe the code you want').inputValue()).toBe('Add two numbers');
    // Nothing was asked of the models again, nor replayed: the finished columns show Done from the start.
    expect(upstream.requests).toHaveLength(2);
    expect(attached).toEqual([]);
    expect(await columnStates()).toEqual(['Model A: Done', 'Model B: Done']);

    await page.getByRole('button', { name: 'Diff' }).click();
    await expect.poll(() => page.getByTestId('diff-summary').innerText()).toContain('1 line differs.');
    expect(problems).toEqual([]);
    await context.close();
  });

  it('opens another Compare from History without a reload: that one, Done from the start, not the one on screen', async () => {
    const { page, context, problems } = await openSignedInPage(browser, server);
    const compare = async (prompt: string, answer: string) => {
      await page.getByLabel('Describe the code you want').fill(prompt);
      await page.getByRole('button', { name: 'Compare 2 models' }).click();
      for (const name of ['Model A', 'Model B']) {
        await expect.poll(() => column(page, name).innerText()).toContain(answer);
        await expect.poll(() => runBadge(column(page, name)).innerText()).toBe('Done');
      }
    };
    await page.goto(`${server.url}/compare`);
    await expect.poll(() => page.getByLabel('Model B', { exact: true }).isChecked()).toBe(true);
    await compare('Add two numbers', 'Answer of');
    upstream.script((request) => ({ type: 'answer', text: `Second answer of ${request.body.model ?? ''}` }));
    await compare('Reverse a string', 'Second answer of');

    // In the app: the Compare page keeps its columns in memory meanwhile.
    await page.getByRole('navigation').getByRole('link', { name: 'History' }).click();
    await expect.poll(() => historyItems(page).count()).toBe(2);
    const columnStates = await recordColumnStates(page);
    const attached = recordAttaches(page);
    await historyItems(page).getByRole('link', { name: 'Add two numbers' }).click();
    await page.waitForURL(/\/compare\?thread=/);
    await expect.poll(() => column(page, 'Model A').innerText()).toContain('Answer of model-a');
    await expect.poll(() => column(page, 'Model B').innerText()).toContain('Answer of model-b');
    expect(await page.getByLabel('Describe the code you want').inputValue()).toBe('Add two numbers');
    expect(await page.getByRole('article').allInnerTexts()).not.toContainEqual(
      expect.stringContaining('Second answer'),
    );
    expect(attached).toEqual([]);
    expect(await columnStates()).toEqual(['Model A: Done', 'Model B: Done']);
    expect(problems).toEqual([]);
    await context.close();
  });

  it('reopens a Compare with its columns in the order the user picked the models, not the order they were saved in', async () => {
    const { page, context, problems } = await openSignedInPage(browser, server);
    // Model B's run (the first column) reaches the server only after Model A's has been saved.
    await page.route('**/api/generate', async (route) => {
      const body = route.request().postDataJSON() as { modelId?: string };
      if (body.modelId === 'model-b') {
        await expect.poll(() => upstream.requests.some((r) => r.body.model === 'model-a')).toBe(true);
      }
      await route.continue();
    });
    await page.goto(`${server.url}/compare`);
    await expect.poll(() => page.getByLabel('Model B', { exact: true }).isChecked()).toBe(true);
    // Picked as Model B, then Model A.
    await page.getByLabel('Model A', { exact: true }).uncheck();
    await page.getByLabel('Model A', { exact: true }).check();
    await page.getByLabel('Describe the code you want').fill('Add two numbers');
    await page.getByRole('button', { name: 'Compare 2 models' }).click();
    await expect.poll(() => runBadge(column(page, 'Model A')).innerText()).toBe('Done');
    await expect.poll(() => runBadge(column(page, 'Model B')).innerText()).toBe('Done');
    const order = () => page.getByRole('article').getByRole('heading', { level: 3 }).allInnerTexts();
    expect(await order()).toEqual(['Model B', 'Model A']);
    expect(upstream.requests.map((r) => r.body.model)).toEqual(['model-a', 'model-b']);
    await page.unrouteAll();

    await page.goto(`${server.url}/history`);
    await historyItems(page).first().getByRole('link', { name: 'Add two numbers' }).click();
    await page.waitForURL(/\/compare\?thread=/);
    await expect.poll(() => column(page, 'Model A').innerText()).toContain('Answer of model-a');
    expect(await order()).toEqual(['Model B', 'Model A']);
    expect(problems).toEqual([]);
    await context.close();
  });
});
