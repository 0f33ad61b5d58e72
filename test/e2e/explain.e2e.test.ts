/// <reference lib="dom" />
import path from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { CHROMIUM } from '../helpers/browser.js';
import { DEFAULT_CODE } from '../helpers/openai-server.js';
import { MESSAGES } from '../../src/shared/messages.js';
import {
  SCREENSHOTS,
  expectAccessible,
  expectNoHorizontalOverflow,
  generateAnswer,
  openSignedInPage,
  runBadge,
  runRegion,
} from './support/generation-e2e.js';
import { useRemoteModelsSuite } from './support/e2e-suite.js';

const LINE_BY_LINE = JSON.stringify({
  sections: [
    { startLine: 1, endLine: 1, explanation: 'Defines `add` with two parameters.' },
    { startLine: 2, endLine: 2, explanation: 'Returns their sum.' },
  ],
});

describe.skipIf(!CHROMIUM)('Explain in the browser', () => {
  const { upstream, server, browser } = useRemoteModelsSuite(
    'e2e-explain',
    [
      ['remote-chat', 'Remote Chat'],
      // A base model: it completes code (Generate) but cannot explain it.
      ['remote-base', 'Remote Base', { format: 'completion' }],
    ],
    { resetEachTest: true },
  );

  const explanation = (page: Page) => runRegion(page, 'Explanation');
  const editor = (page: Page) => page.getByRole('textbox', { name: 'Code to explain' });
  /** The line-by-line explanation's sections, one article each. */
  const lineSections = (page: Page) =>
    page.getByRole('list', { name: 'Explanation by lines' }).getByRole('article');
  /** Picks a level or format: the visible label of a radio button. */
  const choose = async (page: Page, option: string) => {
    await page.locator('label').filter({ hasText: option }).click();
    expect(await page.getByRole('radio', { name: option }).isChecked()).toBe(true);
  };

  it('"Explain this code" carries the code from Generate, linked to the generation, and streams an explanation', async () => {
    const { page, context, problems } = await openSignedInPage(browser, server);
    await page.goto(`${server.url}/`);
    await generateAnswer(page, 'Add two numbers');

    await page.getByRole('button', { name: 'Explain this code' }).click();
    await page.waitForURL(`${server.url}/explain`);
    await expect.poll(() => editor(page).innerText()).toContain('return a + b');
    expect(await page.getByText('Code from your generation.', { exact: false }).isVisible()).toBe(true);
    expect(await page.getByLabel('Language of the code').inputValue()).toBe('python');

    // Overview: streams as Markdown.
    upstream.script([
      { type: 'answer', text: 'The function **adds** its two arguments and returns the sum.', delayMs: 40 },
    ]);
    const [request] = await Promise.all([
      page.waitForRequest((r) => r.url().endsWith('/api/explain')),
      page.getByRole('button', { name: 'Explain', exact: true }).click(),
    ]);
    const sent = request.postDataJSON() as { code: string; generationId?: string; format: string };
    expect(sent.code).toBe(DEFAULT_CODE.trimEnd());
    expect(sent.format).toBe('overview');
    // Linked: the id is that of the generation the code came from.
    const linked = await server.store.prompts.findById(sent.generationId ?? '');
    expect(linked).toMatchObject({ kind: 'generate', input: 'Add two numbers' });
    await expect.poll(() => runBadge(explanation(page)).innerText()).toBe('Done');
    // Rendered as Markdown: the bold word is an element of its own.
    expect(await explanation(page).getByText('adds', { exact: true }).count()).toBe(1);
    expect(problems).toEqual([]);
    await context.close();
  });

  it('explains typed code line by line; hovering or focusing a section highlights its lines', async () => {
    const { page, context, problems } = await openSignedInPage(browser, server);
    await page.goto(`${server.url}/explain`);
    await page.getByRole('heading', { name: 'Explain', level: 1 }).waitFor();

    // The editor is CodeMirror, styled under the strict CSP (its styles are adopted, not inline).
    await editor(page).click();
    await page.keyboard.type('def add(a, b):\n');
    await page.keyboard.type('return a + b');
    await page.getByLabel('Language of the code').selectOption('python');
    await expect.poll(() => page.locator('.cm-editor .tok-keyword').first().innerText()).toBe('def');
    expect(
      await page.locator('.cm-editor').evaluate((el) => getComputedStyle(el).display),
      "CodeMirror's base theme applies",
    ).toBe('flex');
    expect(await page.locator('.cm-gutters').evaluate((el) => getComputedStyle(el).backgroundColor)).not.toBe(
      'rgba(0, 0, 0, 0)',
    );

    upstream.script([{ type: 'answer', text: LINE_BY_LINE, delayMs: 20 }]);
    await choose(page, 'Line by line');
    await choose(page, 'Beginner');
    // Ctrl+Enter in the editor explains.
    await editor(page).press('Control+Enter');
    await expect.poll(() => runBadge(explanation(page)).innerText()).toBe('Done');
    const body = upstream.requests[0]?.body;
    expect(body?.response_format?.type).toBe('json_schema');
    expect(body?.messages?.[0]?.content).toContain('beginner');

    const sections = lineSections(page);
    expect(await sections.count()).toBe(2);
    expect(await sections.nth(0).innerText()).toContain('Line 1');
    expect(await sections.nth(1).innerText()).toContain('Returns their sum.');
    await sections.nth(1).hover();
    await expect.poll(() => activeLine(page).innerText()).toContain('return a + b');
    await sections.nth(0).focus();
    await expect.poll(() => activeLine(page).innerText()).toContain('def add(a, b):');
    expect(await activeLine(page).count()).toBe(1);

    await expectAccessible(page, 'explain');
    await page.setViewportSize({ width: 1280, height: 1180 });
    await page.mouse.move(0, 0);
    await page.screenshot({ path: path.join(SCREENSHOTS, 'explain.png') });
    expect(problems).toEqual([]);
    await context.close();
  });

  it('asks for code before explaining, and fits a phone in the dark theme', async () => {
    const { page, context, problems } = await openSignedInPage(browser, server, {
      width: 375,
      height: 760,
      colorScheme: 'dark',
    });
    await page.goto(`${server.url}/explain`);
    await page.getByRole('heading', { name: 'Explain', level: 1 }).waitFor();
    await expect.poll(() => page.getByLabel('Model').inputValue()).toBe('remote-chat');
    await page.getByRole('button', { name: 'Explain', exact: true }).click();
    await expect.poll(() => page.getByRole('alert').innerText()).toBe('Paste some code to explain.');
    expect(upstream.requests).toHaveLength(0);

    upstream.script([{ type: 'answer', text: LINE_BY_LINE }]);
    await editor(page).fill(DEFAULT_CODE);
    await choose(page, 'Line by line');
    await page.getByRole('button', { name: 'Explain', exact: true }).click();
    await expect.poll(() => runBadge(explanation(page)).innerText()).toBe('Done');
    // On a phone each section shows its own lines.
    expect(await lineSections(page).nth(1).innerText()).toContain('return a + b');
    await expectNoHorizontalOverflow(page);
    await expectAccessible(page, 'explain-phone-dark');
    await page.screenshot({ path: path.join(SCREENSHOTS, 'explain-phone-dark.png'), fullPage: true });
    expect(problems).toEqual([]);
    await context.close();
  });

  it('lists a code-completion model as unavailable for Explain with the reason, and hands its code to a model that can explain', async () => {
    const { page, context, problems } = await openSignedInPage(browser, server);
    const picker = page.getByLabel('Model');
    /** The picker's accessible description: the chosen model's status and reason. */
    const description = () =>
      picker.evaluate((el) =>
        (el.getAttribute('aria-describedby') ?? '')
          .split(' ')
          .map((id) => document.getElementById(id)?.textContent ?? '')
          .join(' '),
      );

    // Generate offers the base model, and it writes code.
    await page.goto(`${server.url}/`);
    await picker.selectOption('remote-base');
    expect(await page.getByRole('option', { name: 'Remote Base (ready)' }).count()).toBe(1);
    await page.getByLabel('Describe the code you want').fill('Add two numbers');
    await page.getByRole('button', { name: 'Generate' }).click();
    // Offered once the answer is complete.
    await page.getByRole('button', { name: 'Explain this code' }).waitFor();
    expect(upstream.requests.map((r) => r.path)).toEqual(['/v1/completions']);

    // "Explain this code" carries the code, but picks a model that can explain it.
    await page.getByRole('button', { name: 'Explain this code' }).click();
    await page.waitForURL(`${server.url}/explain`);
    await expect.poll(() => editor(page).innerText()).toContain('return a + b');
    await expect.poll(() => picker.inputValue()).toBe('remote-chat');
    expect(await page.getByRole('option', { name: 'Remote Base (unavailable)' }).count()).toBe(1);

    // Chosen on purpose, it says why it cannot be used, and cannot be run.
    await picker.selectOption('remote-base');
    await expect.poll(description).toContain(`Remote Base ${MESSAGES.cannotExplain}`);
    expect(await description()).toContain('Unavailable');
    expect(await page.getByRole('button', { name: 'Explain', exact: true }).isDisabled()).toBe(true);
    await editor(page).press('Control+Enter');
    // Ctrl+Enter sends nothing: it takes the user to the picker, whose description says why.
    await expect.poll(() => picker.evaluate((el) => el === document.activeElement)).toBe(true);
    expect(upstream.requests).toHaveLength(1);
    await expectAccessible(page, 'explain-cannot-explain');

    await picker.selectOption('remote-chat');
    expect(await page.getByRole('button', { name: 'Explain', exact: true }).isEnabled()).toBe(true);
    expect(problems).toEqual([]);
    await context.close();
  });
});

/** The code lines highlighted for the section in focus (line-by-line view). */
function activeLine(page: Page): Locator {
  return page.getByTestId('explained-line').and(page.locator('[data-active]'));
}
