/// <reference lib="dom" />
import fs from 'node:fs';
import path from 'node:path';
import type { Page, Request } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { startTestServer } from '../helpers/app.js';
import { CHROMIUM } from '../helpers/browser.js';
import { DEFAULT_CODE } from '../helpers/openai-server.js';
import { useRemoteModelsSuite } from './support/e2e-suite.js';
import {
  SCREENSHOTS,
  expectAccessible,
  expectNoHorizontalOverflow,
  generateAnswer,
  openSignedInPage,
  runBadge,
  runRegion,
  remoteModel,
} from './support/generation-e2e.js';

/** A long answer, one step per chunk, so a test can stop it halfway. */
const LONG_ANSWER = Array.from({ length: 60 }, (_, i) => `Step ${i + 1}. `);

describe.skipIf(!CHROMIUM)('Generate in the browser', () => {
  const { upstream, server, browser } = useRemoteModelsSuite(
    'e2e-generate',
    [
      ['remote-chat', 'Remote Chat', { description: 'A chat model on the test server.' }],
      ['needs-key', 'Needs Key', { apiKeyEnv: 'CODEGENIE_E2E_UNSET_KEY' }],
    ],
    { resetEachTest: true },
  );

  async function openGenerate(options: Parameters<typeof openSignedInPage>[2] = {}) {
    const opened = await openSignedInPage(browser, server, options);
    await opened.page.goto(`${server.url}/`);
    await opened.page.getByRole('heading', { name: 'Generate', level: 1 }).waitFor();
    // The model list has arrived when the default model is selected.
    await expect.poll(() => opened.page.getByLabel('Model').inputValue()).toBe('remote-chat');
    return opened;
  }

  const badge = (page: Page) => runBadge(runRegion(page));
  const answer = (page: Page) => runRegion(page);

  it('streams the answer as it arrives, with timings; Copy and Download give the code', async () => {
    upstream.script([{ type: 'answer', delayMs: 60 }]);
    const { page, context, problems } = await openGenerate({ clipboard: true });

    await page.getByLabel('Describe the code you want').fill('Add two numbers');
    await page.getByLabel('Language').selectOption('python');
    // Ctrl+Enter from the prompt box generates.
    await page.getByLabel('Describe the code you want').press('Control+Enter');

    // Part of the answer is on screen while the model is still writing.
    await expect
      .poll(
        async () =>
          (await badge(page).innerText()) === 'Writing' && (await answer(page).innerText()).includes('Here'),
      )
      .toBe(true);
    await expect.poll(() => badge(page).innerText(), { timeout: 15_000 }).toBe('Done');
    expect(await answer(page).innerText()).toContain('Call it as add(2, 3).');
    const stats = await runRegion(page).innerText();
    expect(stats).toMatch(/Elapsed\s+\d/);
    expect(stats).toMatch(/First token\s+\d+ ms/);
    expect(stats).toMatch(/Speed\s+[\d.]+ tokens\/s/);
    expect(upstream.requests[0]?.body.messages?.at(-1)?.content).toContain('Add two numbers');

    // The code is highlighted as Python.
    expect(await page.locator('.code-block .hljs-keyword').first().innerText()).toBe('def');

    await page.getByRole('button', { name: 'Copy Python code' }).click();
    await expect.poll(() => page.evaluate(() => navigator.clipboard.readText())).toBe(DEFAULT_CODE.trimEnd());
    expect(await page.getByRole('status').filter({ hasText: 'Copied to the clipboard.' }).count()).toBe(1);

    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: /^Download Python code/ }).click(),
    ]);
    expect(download.suggestedFilename()).toBe('snippet.py');
    expect(fs.readFileSync(await download.path(), 'utf8')).toBe(DEFAULT_CODE);

    expect(problems).toEqual([]);
    await context.close();
  });

  it('Stop stops the model and keeps the partial answer, marked stopped', async () => {
    upstream.script([{ type: 'answer', chunks: LONG_ANSWER, delayMs: 120 }]);
    const { page, context, problems } = await openGenerate({ expectedStatuses: [409] });
    // Settles when the browser's stream of the answer has closed, either way.
    const streamClosed = new Promise<void>((resolve) => {
      const closed = (request: Request) => {
        if (new URL(request.url()).pathname === '/api/generate') {
          resolve();
        }
      };
      page.on('requestfinished', closed);
      page.on('requestfailed', closed);
    });
    await page.getByLabel('Describe the code you want').fill('Count to sixty');
    await page.getByRole('button', { name: 'Generate' }).click();
    await expect.poll(() => answer(page).innerText()).toContain('Step 3.');

    await page.getByRole('button', { name: 'Stop' }).click();
    await expect.poll(() => badge(page).innerText()).toBe('Stopped');
    const request = await upstream.waitForRequest(0);
    await request.ended;
    // The server closed the upstream request instead of letting the model finish.
    expect(request.outcome).toBe('client-closed');

    const partial = await answer(page).innerText();
    expect(partial).toContain('Stopped. This is the partial answer.');
    expect(partial).toContain('Step 3.');
    expect(partial).not.toContain('Step 60.');
    // Nothing more arrives after Stop: the stream has closed and the answer is as it was.
    await streamClosed;
    expect(await answer(page).innerText()).toBe(partial);
    // The form is ready for the next prompt.
    expect(await page.getByRole('button', { name: 'Generate' }).isEnabled()).toBe(true);
    expect(problems).toEqual([]);
    await context.close();
  });

  it('shows API errors in plain words next to the prompt, and unavailable models with the reason', async () => {
    upstream.script([{ type: 'error', status: 401, message: 'Invalid API key' }]);
    const { page, context, problems } = await openGenerate();
    await page.getByLabel('Describe the code you want').fill('Anything');
    await page.getByRole('button', { name: 'Generate' }).click();
    const alert = page.getByRole('form', { name: 'Generate code' }).getByRole('alert');
    await expect
      .poll(() => alert.innerText())
      .toBe('The model provider rejected the API key for Remote Chat.');
    expect(await badge(page).innerText()).toBe('Failed');

    // An empty prompt is refused at the field, without a request.
    await page.getByLabel('Describe the code you want').fill('  ');
    await page.getByRole('button', { name: 'Generate' }).click();
    await expect.poll(() => page.getByText('Describe the code you want.').isVisible()).toBe(true);
    expect(upstream.requests).toHaveLength(1);

    // A model that cannot run says why, and cannot be used.
    await page.getByLabel('Model').selectOption('needs-key');
    const status = page.locator('#generate-model-status');
    expect(await status.innerText()).toMatch(/UNAVAILABLE|Unavailable/);
    expect(await status.innerText()).toContain('CODEGENIE_E2E_UNSET_KEY');
    expect(await page.getByRole('button', { name: 'Generate' }).isDisabled()).toBe(true);

    // The Advanced panel holds the model's defaults and checks its fields.
    await page.getByLabel('Model').selectOption('remote-chat');
    await page.getByText('Advanced settings').click();
    await page.getByLabel('Temperature').fill('3');
    await page.getByLabel('Describe the code you want').fill('Anything');
    await page.getByRole('button', { name: 'Generate' }).click();
    await expect.poll(() => page.getByText('Temperature must be between 0 and 2.').isVisible()).toBe(true);
    expect(await page.getByLabel('Temperature').getAttribute('aria-invalid')).toBe('true');
    expect(upstream.requests).toHaveLength(1);
    expect(problems).toEqual([]);
    await context.close();
  });

  it('says how long to wait when the per-minute limit is reached', async () => {
    const limited = await startTestServer({
      name: 'e2e-generate-limit',
      web: true,
      catalogue: {
        defaultModel: 'remote-chat',
        models: [remoteModel(upstream.baseUrl, 'remote-chat', 'Remote Chat')],
      },
      env: { GENERATIONS_PER_MINUTE: '1' },
    });
    try {
      const { page, context, problems } = await openSignedInPage(browser, limited, {
        expectedStatuses: [429],
      });
      await page.goto(`${limited.url}/`);
      await expect.poll(() => page.getByLabel('Model').inputValue()).toBe('remote-chat');
      await generateAnswer(page, 'Add two numbers');
      await page.getByRole('button', { name: 'Generate' }).click();
      const alert = page.getByRole('form', { name: 'Generate code' }).getByRole('alert');
      await expect
        .poll(() => alert.innerText())
        .toMatch(
          /^You have reached 1 generations per minute\. .*You can try again in (\d+ seconds?|1 minute)\.$/,
        );
      // The answer already on screen stays: the refused request replaced nothing.
      expect(await badge(page).innerText()).toBe('Done');
      expect(await answer(page).innerText()).toContain('Call it as add(2, 3).');
      expect(problems).toEqual([]);
      await context.close();
    } finally {
      await limited.close();
    }
  });

  it('shows hostile model output as text and runs none of it', async () => {
    const hostile = [
      'Here is your page:',
      '',
      '<script>window.__pwned=1</script>',
      '',
      '<img src=x onerror="window.__pwned=2">',
      '',
      'Then [click](javascript:window.__pwned=3) and <b onmouseover="window.__pwned=4">hover</b>.',
      '',
      '<style>body{display:none}</style>',
      '',
      '![tracker](https://example.invalid/pixel.png)',
    ].join('\n');
    upstream.script([{ type: 'answer', text: hostile }]);
    const { page, context, problems } = await openGenerate();
    await generateAnswer(page, 'Write a web page');

    const text = await answer(page).innerText();
    expect(text).toContain('<script>window.__pwned=1</script>');
    expect(text).toContain('<img src=x onerror="window.__pwned=2">');
    expect(text).toContain('<style>body{display:none}</style>');
    // No element came out of the model's HTML, and no link runs script.
    const rendered = runRegion(page);
    expect(await rendered.locator('script, img, style, b, iframe').count()).toBe(0);
    expect(await page.locator('a[href^="javascript:" i]').count()).toBe(0);
    expect(await rendered.locator('[onerror], [onmouseover]').count()).toBe(0);
    await page.getByText('click', { exact: true }).click();
    await page.getByText('hover', { exact: false }).first().hover();
    expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
    expect(await page.evaluate(() => getComputedStyle(document.body).display)).not.toBe('none');
    expect(await page.getByRole('heading', { name: 'Answer' }).isVisible()).toBe(true);
    expect(problems).toEqual([]);
    await context.close();
  });

  it('is accessible and fits a phone and a desktop, in light and dark', async () => {
    upstream.script([{ type: 'answer' }]);
    const desktop = await openGenerate();
    await expectAccessible(desktop.page, 'generate-empty');
    await generateAnswer(desktop.page, 'Add two numbers in Python');
    await expectAccessible(desktop.page, 'generate-answer');
    await desktop.page.screenshot({ path: path.join(SCREENSHOTS, 'generate.png') });
    expect(desktop.problems).toEqual([]);
    await desktop.context.close();

    upstream.script([{ type: 'answer' }]);
    const phone = await openGenerate({ width: 375, height: 760, colorScheme: 'dark' });
    await expectNoHorizontalOverflow(phone.page);
    await generateAnswer(phone.page, 'Add two numbers in Python');
    await expectNoHorizontalOverflow(phone.page);
    await expectAccessible(phone.page, 'generate-phone-dark');
    await phone.page.screenshot({ path: path.join(SCREENSHOTS, 'generate-phone-dark.png'), fullPage: true });
    expect(phone.problems).toEqual([]);
    await phone.context.close();
  });
});
