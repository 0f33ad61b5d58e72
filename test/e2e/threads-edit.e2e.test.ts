/// <reference lib="dom" />
import type { Locator, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { CHROMIUM } from '../helpers/browser.js';
import { useRemoteModelsSuite } from './support/e2e-suite.js';
import { expectAccessible, openSignedInPage, runBadge, runRegion } from './support/generation-e2e.js';

const fence = (code: string) => `Here you are:\n\n\`\`\`python\n${code}\n\`\`\`\n`;
const ADD = 'def add(a, b):\n    return a + b';
const TYPED = 'def add(a: int, b: int) -> int:\n    return a + b';
const MULTIPLY = 'def multiply(a, b):\n    return a * b';

/** Editing an earlier request in the browser: a new branch from that turn. */
describe.skipIf(!CHROMIUM)('Editing an earlier prompt', () => {
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
});
