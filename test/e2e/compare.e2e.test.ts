/// <reference lib="dom" />
import path from 'node:path';
import type { Page } from 'playwright-core';
import { beforeEach, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../helpers/app.js';
import { CHROMIUM } from '../helpers/browser.js';
import type { OpenAiScript } from '../helpers/openai-server.js';
import { useOpenAiServer } from '../helpers/suite.js';
import {
  SCREENSHOTS,
  expectAccessible,
  expectNoHorizontalOverflow,
  openSignedInPage,
  runBadge,
  remoteModel,
} from './support/generation-e2e.js';
import { useBrowser, useWebServer } from './support/e2e-suite.js';

const FAST_CODE = 'def add(a, b):\n    return a + b';
const SLOW_CODE = 'def add(a, b):\n    """Add two numbers."""\n    return b + a';

/** Each model answers in its own way: keyed on the model name the server sends upstream. */
const SCRIPT: OpenAiScript = (request) => {
  switch (request.body.model ?? '') {
    case 'model-a':
      return { type: 'answer', text: `A short one:\n\n\`\`\`python\n${FAST_CODE}\n\`\`\`\n`, delayMs: 10 };
    case 'model-b':
      return {
        type: 'answer',
        text: `A documented one:\n\n\`\`\`python\n${SLOW_CODE}\n\`\`\`\n\nArguments are swapped on purpose.`,
        delayMs: 200,
      };
    case 'broken':
      return { type: 'error', status: 400, message: 'This deployment is misconfigured' };
    default:
      return undefined;
  }
};

function catalogue(baseUrl: string) {
  return {
    defaultModel: 'model-a',
    models: [
      remoteModel(baseUrl, 'model-a', 'Model A'),
      remoteModel(baseUrl, 'model-b', 'Model B'),
      remoteModel(baseUrl, 'broken', 'Broken Model'),
    ],
  };
}

describe.skipIf(!CHROMIUM)('Compare in the browser', () => {
  const upstream = useOpenAiServer();
  const server = useWebServer(() => ({
    name: 'e2e-compare',
    catalogue: catalogue(upstream.baseUrl),
    env: { GENERATIONS_RUNNING_PER_USER: '5' },
  }));
  const browser = useBrowser();
  beforeEach(() => {
    upstream.reset();
    upstream.script(SCRIPT);
  });

  /** One model's column: an article named by its heading. */
  const column = (page: Page, name: string) => page.getByRole('article', { name, exact: true });
  const badgeOf = (page: Page, name: string) => runBadge(column(page, name)).innerText();

  async function openCompare(target: TestServer, options: Parameters<typeof openSignedInPage>[2] = {}) {
    const opened = await openSignedInPage(browser, target, options);
    await opened.page.goto(`${target.url}/compare`);
    await opened.page.getByRole('heading', { name: 'Compare', level: 1 }).waitFor();
    // The default model and the next one are ticked once the list has loaded.
    await expect.poll(() => opened.page.getByLabel('Model B', { exact: true }).isChecked()).toBe(true);
    return opened;
  }

  it('streams one column per model; a failing model does not stop the others; Diff marks changed lines', async () => {
    const { page, context, problems } = await openCompare(server, { clipboard: true });
    await page.getByLabel('Broken Model', { exact: true }).check();
    await page.getByLabel('Describe the code you want').fill('Add two numbers');
    await page.getByLabel('Language').selectOption('python');
    await page.getByRole('button', { name: 'Compare 3 models' }).click();

    expect(await page.getByRole('article').count()).toBe(3);
    // The fast model finishes and the broken one fails while the slow one is still writing.
    await expect.poll(() => badgeOf(page, 'Model A')).toBe('Done');
    await expect.poll(() => badgeOf(page, 'Broken Model')).toBe('Failed');
    expect(await badgeOf(page, 'Model B')).toBe('Writing');
    expect(await column(page, 'Broken Model').getByRole('alert').innerText()).toContain(
      'The model server for Broken Model refused the request',
    );
    await expect.poll(() => badgeOf(page, 'Model B'), { timeout: 20_000 }).toBe('Done');
    expect(await column(page, 'Model B').innerText()).toContain('Arguments are swapped on purpose.');
    // Each column has its own timings.
    expect(await column(page, 'Model A').innerText()).toMatch(/First token\s+\d/);
    expect(await column(page, 'Model B').innerText()).toMatch(/First token\s+\d/);
    // Every model was asked, each with the same prompt.
    const asked = upstream.requests.map((r) => r.body.model).sort();
    expect(asked).toEqual(['broken', 'model-a', 'model-b']);

    await expectAccessible(page, 'compare');
    await page.setViewportSize({ width: 1280, height: 1000 });
    await page.screenshot({ path: path.join(SCREENSHOTS, 'compare.png') });

    // Copy takes the column's code.
    await column(page, 'Model B').getByRole('button', { name: 'Copy Model B’s code' }).click();
    await expect.poll(() => page.evaluate(() => navigator.clipboard.readText())).toBe(SLOW_CODE);

    // Diff: Model A on the left, Model B on the right; the differing lines are marked.
    await page.getByRole('button', { name: 'Diff' }).click();
    await expect.poll(() => page.getByTestId('diff-summary').innerText()).toContain('2 lines differ.');
    const changed = page.getByTestId('diff-row').and(page.locator(':not([data-kind="same"])'));
    expect(await changed.count()).toBe(2);
    expect(await changed.nth(0).innerText()).toContain('"""Add two numbers."""');
    expect(await changed.nth(1).innerText()).toContain('return a + b');
    expect(await changed.nth(1).innerText()).toContain('return b + a');
    expect(await changed.nth(1).locator('[data-change="changed"]').count()).toBe(2);
    expect(
      await page.getByTestId('diff-row').and(page.locator('[data-kind="same"]')).first().innerText(),
    ).toContain('def add(a, b):');
    await expectAccessible(page, 'compare-diff');
    await page.screenshot({ path: path.join(SCREENSHOTS, 'compare-diff.png') });

    // Explain from a column carries its code over.
    await page.getByRole('button', { name: 'Side by side' }).click();
    await column(page, 'Model A').getByRole('button', { name: 'Explain Model A’s code' }).click();
    await page.waitForURL(`${server.url}/explain`);
    await expect
      .poll(() => page.getByRole('textbox', { name: 'Code to explain' }).innerText())
      .toContain('return a + b');
    expect(await page.getByText('Code from Model A’s answer.', { exact: false }).isVisible()).toBe(true);
    expect(problems).toEqual([]);
    await context.close();
  });

  it("runs a column's Python code under that column", async () => {
    const { page, context, problems } = await openCompare(server);
    await page.getByLabel('Describe the code you want').fill('Add two numbers');
    await page.getByRole('button', { name: 'Compare 2 models' }).click();
    await expect.poll(() => badgeOf(page, 'Model A')).toBe('Done');
    await expect.poll(() => badgeOf(page, 'Model B'), { timeout: 20_000 }).toBe('Done');

    const code = column(page, 'Model A').getByRole('figure').filter({ hasText: 'return a + b' });
    await code.getByRole('button', { name: 'Run Python code' }).click();
    const output = code.getByRole('region', { name: /^Output of the / });
    // The first run loads the Python runtime from the app itself.
    await expect
      .poll(() => output.getByRole('status').innerText(), { timeout: 60_000 })
      .toMatch(/^Finished in /);
    expect(
      await column(page, 'Model B')
        .getByRole('region', { name: /^Output of the / })
        .count(),
    ).toBe(0);
    expect(problems).toEqual([]);
    await context.close();
  }, 120_000);

  it('stops one column without touching the others', async () => {
    const { page, context, problems } = await openCompare(server, { expectedStatuses: [409] });
    await page.getByLabel('Describe the code you want').fill('Add two numbers');
    await page.getByRole('button', { name: 'Compare 2 models' }).click();
    await expect.poll(() => column(page, 'Model B').innerText()).toContain('documented');
    await column(page, 'Model B').getByRole('button', { name: 'Stop Model B' }).click();
    await expect.poll(() => badgeOf(page, 'Model B')).toBe('Stopped');
    expect(await column(page, 'Model B').innerText()).toContain('This is the partial answer.');
    expect(await badgeOf(page, 'Model A')).toBe('Done');
    expect(problems).toEqual([]);
    await context.close();
  });

  it('with the default limit of 2 running generations, all three columns of a comparison run at once', async () => {
    const limited = await startTestServer({
      name: 'e2e-compare-limit',
      web: true,
      catalogue: catalogue(upstream.baseUrl),
    });
    try {
      const { page, context, problems } = await openCompare(limited);
      await page.getByLabel('Broken Model', { exact: true }).check();
      await page.getByLabel('Describe the code you want').fill('Add two numbers');
      const before = upstream.requests.length;
      await page.getByRole('button', { name: 'Compare 3 models' }).click();
      // A comparison counts once against the per-user limit: no column waits for a slot.
      await expect.poll(() => upstream.requests.length - before, { timeout: 10_000 }).toBe(3);
      expect(await page.getByText('Waiting', { exact: true }).count()).toBe(0);
      await expect.poll(() => badgeOf(page, 'Model A'), { timeout: 20_000 }).toBe('Done');
      await expect.poll(() => badgeOf(page, 'Broken Model'), { timeout: 20_000 }).toBe('Failed');
      await expect.poll(() => badgeOf(page, 'Model B'), { timeout: 20_000 }).toBe('Done');
      expect(problems).toEqual([]);
      await context.close();
    } finally {
      await limited.close();
    }
  });

  it('fits a phone in the dark theme', async () => {
    const { page, context, problems } = await openCompare(server, {
      width: 375,
      height: 760,
      colorScheme: 'dark',
    });
    await page.getByLabel('Describe the code you want').fill('Add two numbers');
    await page.getByRole('button', { name: 'Compare 2 models' }).click();
    await expect.poll(() => badgeOf(page, 'Model B'), { timeout: 20_000 }).toBe('Done');
    await expectNoHorizontalOverflow(page);
    await expectAccessible(page, 'compare-phone-dark');
    await page.screenshot({ path: path.join(SCREENSHOTS, 'compare-phone-dark.png'), fullPage: true });
    expect(problems).toEqual([]);
    await context.close();
  });
});
