/// <reference lib="dom" />
import type { Locator, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { CHROMIUM } from '../helpers/browser.js';
import { apiClient } from '../helpers/http.js';
import { useRemoteModelsSuite } from './support/e2e-suite.js';
import { expectAccessible, openSignedInPage, runBadge, runRegion } from './support/generation-e2e.js';

const fence = (code: string) => `Here you are:\n\n\`\`\`python\n${code}\n\`\`\`\n`;
const FIRST = 'def add(a, b):\n    return a + b';
const SECOND = 'def add(x, y):\n    return x + y';
const TYPED = 'def add(a: int, b: int) -> int:\n    return a + b';
const LINE_BY_LINE = JSON.stringify({
  sections: [
    { startLine: 1, endLine: 1, explanation: 'Defines `add` with two parameters.' },
    { startLine: 2, endLine: 2, explanation: 'Returns their sum.' },
  ],
});

/** What a thread shows when it comes back: the versions chosen, and a saved line-by-line explanation. */
describe.skipIf(!CHROMIUM)('A thread on screen again', () => {
  const { upstream, server, browser } = useRemoteModelsSuite(
    'e2e-thread-state',
    [['remote-chat', 'Remote Chat']],
    {
      resetEachTest: true,
    },
  );
  const api = apiClient(() => server.url);

  const conversation = (page: Page) => page.getByRole('list', { name: 'Conversation' });
  const turn = (page: Page, n: number): Locator =>
    conversation(page).getByRole('listitem', { name: `Turn ${n}`, exact: true });
  const done = (page: Page) =>
    expect.poll(() => runBadge(runRegion(page, 'Answer')).innerText(), { timeout: 15_000 }).toBe('Done');

  it('keeps the version chosen across a refresh and a reopen from History, and follows up from it', async () => {
    upstream.script([
      { type: 'answer', text: fence(FIRST) },
      { type: 'answer', text: fence(SECOND) },
      { type: 'answer', text: fence(TYPED) },
    ]);
    const { page, context, problems, token } = await openSignedInPage(browser, server);
    await page.goto(`${server.url}/`);
    await expect.poll(() => page.getByLabel('Model', { exact: true }).inputValue()).toBe('remote-chat');
    await page.getByLabel('Describe the code you want').fill('Add two numbers');
    await page.getByLabel('Language').selectOption('python');
    await page.getByRole('button', { name: 'Generate', exact: true }).click();
    await done(page);

    // Retry: a second version of the first turn, then back to the first.
    await turn(page, 1).getByRole('button', { name: 'Retry' }).click();
    await expect.poll(() => turn(page, 1).innerText(), { timeout: 15_000 }).toContain('return x + y');
    await done(page);
    expect(await turn(page, 1).innerText()).toContain('2 / 2');
    await turn(page, 1).getByRole('button', { name: 'Previous version' }).click();
    await expect.poll(() => turn(page, 1).innerText()).toContain('1 / 2');
    expect(await turn(page, 1).innerText()).toContain('return a + b');

    // A refresh attaches to the latest run again, but shows the version that was on screen.
    await page.reload();
    await expect.poll(() => turn(page, 1).innerText(), { timeout: 15_000 }).toContain('1 / 2');
    expect(await turn(page, 1).innerText()).toContain('return a + b');
    expect(await turn(page, 1).innerText()).not.toContain('return x + y');

    // The follow-up continues from that version.
    await page.getByLabel('Ask a follow-up').fill('now add type hints');
    await page.getByRole('button', { name: 'Send follow-up' }).click();
    await expect.poll(() => turn(page, 2).innerText(), { timeout: 15_000 }).toContain('a: int, b: int');
    await done(page);
    const messages = upstream.requests[2]?.body.messages ?? [];
    expect(messages.some((m) => m.role === 'assistant' && m.content.includes('return a + b'))).toBe(true);
    expect(messages.some((m) => m.content.includes('return x + y'))).toBe(false);
    expect(await turn(page, 1).innerText()).toContain('1 / 2');

    // Reopened from History: the same versions.
    const threads = await api.get('/api/threads', { token });
    const threadId = String((threads.body.items as { id: string }[])[0]?.id);
    await page.goto(`${server.url}/history/threads/${threadId}`);
    await page.getByRole('heading', { name: 'Add two numbers', level: 1 }).waitFor();
    await expect.poll(() => turn(page, 1).innerText()).toContain('1 / 2');
    expect(await turn(page, 1).innerText()).toContain('return a + b');
    expect(await turn(page, 2).innerText()).toContain('now add type hints');
    await expectAccessible(page, 'thread page with chosen versions');
    expect(problems).toEqual([]);
    await context.close();
  });

  it('shows a saved line-by-line explanation on the thread page as its sections beside the code', async () => {
    upstream.script([{ type: 'answer', text: LINE_BY_LINE }]);
    const { page, context, problems, token } = await openSignedInPage(browser, server);
    const explained = await api.post(
      '/api/explain',
      { code: FIRST, language: 'python', format: 'line-by-line' },
      { token },
    );
    expect(explained.status).toBe(200);

    await page.goto(`${server.url}/history/threads/${String(explained.body.threadId)}`);
    const sections = page.getByRole('list', { name: 'Explanation by lines' }).getByRole('article');
    await expect.poll(() => sections.count()).toBe(2);
    expect(await sections.nth(0).innerText()).toContain('Line 1');
    expect(await sections.nth(1).innerText()).toContain('Returns their sum.');
    expect(await page.getByTestId('explained-line').count()).toBe(2);
    // Not the model's JSON as text.
    expect(await conversation(page).innerText()).not.toContain('"startLine"');
    await expectAccessible(page, 'thread page with a line-by-line explanation');
    expect(problems).toEqual([]);
    await context.close();
  });
});
