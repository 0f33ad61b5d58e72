/// <reference lib="dom" />
import type { Locator, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { CHROMIUM } from '../helpers/browser.js';
import { apiClient } from '../helpers/http.js';
import { useRemoteModelsSuite } from './support/e2e-suite.js';
import { expectAccessible, openSignedInPage, runBadge, runRegion } from './support/generation-e2e.js';

const fence = (code: string) => `Here you are:\n\n\`\`\`python\n${code}\n\`\`\`\n`;
const ADD = 'def add(a, b):\n    return a + b';
const TYPED = 'def add(a: int, b: int) -> int:\n    return a + b';
const MULTIPLY = 'def multiply(a, b):\n    return a * b';
const SWAPPED = 'def add(x, y):\n    return x + y';
const EXPLAINED = ['Defines `add` with two parameters.', 'Returns their sum.'];

/**
 * A thread's versions in the browser: editing an earlier request (a new
 * branch from that turn), the version chosen kept across a refresh and a
 * reopen, and a stored line-by-line explanation shown as its sections.
 */
describe.skipIf(!CHROMIUM)('Editing an earlier prompt, and the versions on screen', () => {
  const { upstream, server, browser } = useRemoteModelsSuite(
    'e2e-threads-edit',
    [['remote-chat', 'Remote Chat']],
    {
      resetEachTest: true,
    },
  );

  const conversation = (page: Page) => page.getByRole('list', { name: 'Conversation' });
  const turn = (page: Page, n: number): Locator =>
    conversation(page).getByRole('listitem', { name: `Turn ${n}`, exact: true });
  const done = (page: Page) =>
    expect.poll(() => runBadge(runRegion(page, 'Answer')).innerText(), { timeout: 15_000 }).toBe('Done');
  const api = apiClient(() => server.url);

  it('edits the first prompt of a two-turn thread: the new answer is "2 / 2", the old branch one click back', async () => {
    upstream.script([
      { type: 'answer', text: fence(ADD) },
      { type: 'answer', text: fence(TYPED) },
      { type: 'answer', text: fence(MULTIPLY) },
    ]);
    const opened = await openSignedInPage(browser, server);
    const p = opened.page;
    await p.goto(`${server.url}/`);
    await expect.poll(() => p.getByLabel('Model', { exact: true }).inputValue()).toBe('remote-chat');
    await p.getByLabel('Describe the code you want').fill('Add two numbers');
    await p.getByLabel('Language').selectOption('python');
    await p.getByRole('button', { name: 'Generate', exact: true }).click();
    await done(p);
    await p.getByLabel('Ask a follow-up').fill('now add type hints');
    await p.getByRole('button', { name: 'Send follow-up' }).click();
    await expect.poll(() => turn(p, 2).innerText(), { timeout: 15_000 }).toContain('a: int, b: int');
    await done(p);

    // Edit puts the request's text in a box; sending it starts a new version of turn 1.
    await turn(p, 1).getByRole('button', { name: 'Edit request 1' }).click();
    const box = turn(p, 1).getByLabel('Edit your request');
    expect(await box.inputValue()).toBe('Add two numbers');
    await box.fill('Multiply two numbers');
    await turn(p, 1).getByRole('button', { name: 'Send edit' }).click();
    await expect.poll(() => turn(p, 1).innerText(), { timeout: 15_000 }).toContain('return a * b');
    await done(p);
    expect(await turn(p, 1).innerText()).toContain('Multiply two numbers');
    expect(await turn(p, 1).innerText()).toContain('2 / 2');
    // The new branch starts there: the follow-up belongs to the earlier version.
    expect(await turn(p, 2).count()).toBe(0);
    expect(await p.getByLabel('Edit your request').count()).toBe(0);
    const edited = upstream.requests[2]?.body.messages ?? [];
    expect(edited.filter((m) => m.role === 'assistant')).toEqual([]);
    expect(String(edited.at(-1)?.content)).toContain('Multiply two numbers');

    // The earlier branch, follow-up included, is one "Previous version" away.
    await turn(p, 1).getByRole('button', { name: 'Previous version' }).click();
    await expect.poll(() => turn(p, 1).innerText()).toContain('Add two numbers');
    expect(await turn(p, 1).innerText()).toContain('1 / 2');
    await expect.poll(() => turn(p, 2).innerText()).toContain('now add type hints');
    expect(await turn(p, 2).innerText()).toContain('a: int, b: int');
    await turn(p, 1).getByRole('button', { name: 'Next version' }).click();
    await expect.poll(() => turn(p, 1).innerText()).toContain('Multiply two numbers');
    expect(await turn(p, 2).count()).toBe(0);
    await expectAccessible(p, 'edited thread');
    expect(opened.problems).toEqual([]);
    await opened.context.close();
  });

  it('keeps the version chosen across a refresh and a reopen from History, and follows up from it', async () => {
    upstream.script([
      { type: 'answer', text: fence(ADD) },
      { type: 'answer', text: fence(SWAPPED) },
      { type: 'answer', text: fence(TYPED) },
    ]);
    const { page, context, problems, token } = await openSignedInPage(browser, server);
    const first = await api.post(
      '/api/generate',
      { prompt: 'Add two numbers', language: 'python' },
      { token },
    );
    expect(first.status).toBe(200);
    const threadId = String(first.body.threadId);
    await page.goto(`${server.url}/?thread=${threadId}`);
    await expect.poll(() => turn(page, 1).innerText()).toContain('return a + b');

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
    const sections = EXPLAINED.map((explanation, i) => ({ startLine: i + 1, endLine: i + 1, explanation }));
    upstream.script([{ type: 'answer', text: JSON.stringify({ sections }) }]);
    const { page, context, problems, token } = await openSignedInPage(browser, server);
    const explained = await api.post(
      '/api/explain',
      { code: ADD, language: 'python', format: 'line-by-line' },
      { token },
    );
    expect(explained.status).toBe(200);

    await page.goto(`${server.url}/history/threads/${String(explained.body.threadId)}`);
    const shown = page.getByRole('list', { name: 'Explanation by lines' }).getByRole('article');
    await expect.poll(() => shown.count()).toBe(2);
    expect(await shown.nth(0).innerText()).toContain('Line 1');
    expect(await shown.nth(1).innerText()).toContain('Returns their sum.');
    expect(await page.getByTestId('explained-line').count()).toBe(2);
    // Not the model's JSON as text.
    expect(await conversation(page).innerText()).not.toContain('"startLine"');
    await expectAccessible(page, 'thread page with a line-by-line explanation');
    expect(problems).toEqual([]);
    await context.close();
  });
});
