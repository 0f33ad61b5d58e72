/// <reference lib="dom" />
import type { Locator, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { MESSAGES } from '../../src/shared/messages.js';
import { CHROMIUM } from '../helpers/browser.js';
import { apiClient } from '../helpers/http.js';
import { useRemoteModelsSuite } from './support/e2e-suite.js';
import { expectAccessible, openSignedInPage, runBadge, runRegion } from './support/generation-e2e.js';

const fence = (code: string) => `Here you are:\n\n\`\`\`python\n${code}\n\`\`\`\n`;
const FIRST = 'def add(a, b):\n    return a + b';
const TYPED = 'def add(a: int, b: int) -> int:\n    return a + b';
const FLOATS = 'def add(a: float, b: float) -> float:\n    return a + b';

/** Conversations in the browser: follow-ups, Regenerate and versions, and threads in History. */
describe.skipIf(!CHROMIUM)('Threads in the browser', () => {
  const { upstream, server, browser } = useRemoteModelsSuite(
    'e2e-threads',
    [
      ['remote-chat', 'Remote Chat'],
      // A small context: a long thread no longer fits it.
      ['remote-coder', 'Remote Coder', { contextLength: 2048 }],
      // A base model: it continues text, so it takes no follow-ups.
      ['remote-base', 'Remote Base', { format: 'completion' }],
    ],
    { resetEachTest: true },
  );

  const api = apiClient(() => server.url);
  const conversation = (page: Page) => page.getByRole('list', { name: 'Conversation' });
  const turn = (page: Page, n: number): Locator =>
    conversation(page).getByRole('listitem', { name: `Turn ${n}`, exact: true });
  const done = (page: Page, name = 'Answer') =>
    expect.poll(() => runBadge(runRegion(page, name)).innerText(), { timeout: 15_000 }).toBe('Done');

  it('follows up, regenerates with another model, switches versions and reopens the thread from History', async () => {
    upstream.script([
      { type: 'answer', text: fence(FIRST) },
      { type: 'answer', text: fence(TYPED) },
      { type: 'answer', text: fence(FLOATS) },
    ]);
    const { page, context, problems } = await openSignedInPage(browser, server);
    await page.goto(`${server.url}/`);
    await expect.poll(() => page.getByLabel('Model', { exact: true }).inputValue()).toBe('remote-chat');
    await page.getByLabel('Describe the code you want').fill('Add two numbers');
    await page.getByLabel('Language').selectOption('python');
    await page.getByRole('button', { name: 'Generate', exact: true }).click();
    await done(page);
    expect(await turn(page, 1).innerText()).toContain('return a + b');

    // A follow-up goes in the same thread, after the answer on screen, and changes the code.
    await page.getByLabel('Ask a follow-up').fill('now add type hints');
    await page.getByRole('button', { name: 'Send follow-up' }).click();
    await expect.poll(() => turn(page, 2).innerText(), { timeout: 15_000 }).toContain('a: int, b: int');
    await done(page);
    expect(await turn(page, 1).innerText()).toContain('Add two numbers');
    expect(await turn(page, 2).innerText()).toContain('now add type hints');
    const messages = upstream.requests[1]?.body.messages ?? [];
    expect(messages.map((m) => m.role)).toEqual(expect.arrayContaining(['user', 'assistant', 'user']));
    expect(messages.some((m) => m.role === 'assistant' && m.content.includes('return a + b'))).toBe(true);
    expect(String(messages.at(-1)?.content)).toContain('now add type hints');
    expect(await page.getByLabel('Ask a follow-up').inputValue()).toBe('');

    // Regenerate the follow-up with the second model: a second version of turn 2.
    await turn(page, 2).getByLabel('Retry with').selectOption('remote-coder');
    await turn(page, 2).getByRole('button', { name: 'Retry' }).click();
    await expect.poll(() => turn(page, 2).innerText(), { timeout: 15_000 }).toContain('a: float');
    await done(page);
    expect(upstream.requests[2]?.body.model).toBe('remote-coder');
    expect(String(upstream.requests[2]?.body.messages?.at(-1)?.content)).toContain('now add type hints');
    await expect.poll(() => turn(page, 2).getByText('2 / 2').count()).toBe(1);
    expect(await turn(page, 1).getByRole('button', { name: 'Previous version' }).count()).toBe(0);

    await turn(page, 2).getByRole('button', { name: 'Previous version' }).click();
    await expect.poll(() => turn(page, 2).innerText()).toContain('a: int, b: int');
    expect(await turn(page, 2).innerText()).toContain('1 / 2');
    expect(await turn(page, 2).innerText()).not.toContain('a: float');
    await turn(page, 2).getByRole('button', { name: 'Next version' }).click();
    await expect.poll(() => turn(page, 2).innerText()).toContain('a: float');
    await expectAccessible(page, 'generate thread');

    // History lists the thread once; opening it shows every turn and version.
    await page.goto(`${server.url}/history`);
    const list = page.getByRole('list', { name: 'History items' });
    await expect
      .poll(() => list.getByRole('heading', { level: 3 }).allInnerTexts())
      .toEqual(['Add two numbers']);
    expect(await list.innerText()).toContain('3 turns');
    await list.getByRole('link', { name: 'Add two numbers' }).click();
    await page.getByRole('heading', { name: 'Add two numbers', level: 1 }).waitFor();
    const turns = page.getByRole('list', { name: 'Conversation' });
    await expect.poll(() => turns.innerText()).toContain('now add type hints');
    expect(await turns.innerText()).toContain('a: float');
    await turns.getByRole('button', { name: 'Previous version' }).click();
    await expect.poll(() => turns.innerText()).toContain('a: int, b: int');
    await expectAccessible(page, 'thread page');

    // Continue in Generate: the thread is on the Generate page, ready for a follow-up.
    await page.getByRole('link', { name: 'Continue in Generate' }).click();
    await page.getByRole('heading', { name: 'Generate', level: 1 }).waitFor();
    await expect.poll(() => conversation(page).innerText()).toContain('now add type hints');
    expect(await page.getByLabel('Ask a follow-up').isVisible()).toBe(true);
    expect(problems).toEqual([]);
    await context.close();
  });

  it("runs an earlier turn's code in its own turn", async () => {
    const js = (text: string) =>
      `Here you are:\n\n\`\`\`javascript\nconsole.log(${JSON.stringify(text)});\n\`\`\`\n`;
    upstream.script([
      { type: 'answer', text: js('from turn one') },
      { type: 'answer', text: js('from turn two') },
    ]);
    const { page, context, problems } = await openSignedInPage(browser, server);
    await page.goto(`${server.url}/`);
    await expect.poll(() => page.getByLabel('Model', { exact: true }).inputValue()).toBe('remote-chat');
    await page.getByLabel('Describe the code you want').fill('Print something');
    await page.getByRole('button', { name: 'Generate', exact: true }).click();
    await done(page);
    await page.getByLabel('Ask a follow-up').fill('print something else');
    await page.getByRole('button', { name: 'Send follow-up' }).click();
    await expect.poll(() => turn(page, 2).innerText(), { timeout: 15_000 }).toContain('from turn two');
    await done(page);

    await turn(page, 1).getByRole('button', { name: 'Run JavaScript code' }).click();
    const output = turn(page, 1).getByRole('region', { name: /^Output of the / });
    await expect
      .poll(() => output.getByRole('status').innerText(), { timeout: 30_000 })
      .toMatch(/^Finished in /);
    expect(await output.getByTestId('run-output').innerText()).toContain('from turn one');
    expect(
      await turn(page, 2)
        .getByRole('region', { name: /^Output of the / })
        .count(),
    ).toBe(0);
    expect(problems).toEqual([]);
    await context.close();
  });

  it('asks a follow-up question on Explain about the code explained', async () => {
    upstream.script([
      { type: 'answer', text: 'It adds two numbers.' },
      { type: 'answer', text: 'Line 2 returns the sum of a and b.' },
    ]);
    const { page, context, problems } = await openSignedInPage(browser, server);
    await page.goto(`${server.url}/explain`);
    await expect.poll(() => page.getByLabel('Model', { exact: true }).inputValue()).toBe('remote-chat');
    await page.getByRole('textbox', { name: 'Code to explain' }).click();
    await page.keyboard.insertText('def add(a, b):\n    return a + b');
    await page.getByRole('button', { name: 'Explain', exact: true }).click();
    await done(page, 'Explanation');
    expect(await turn(page, 1).innerText()).toContain('It adds two numbers.');

    await page.getByLabel('Ask a follow-up').fill('what does line 2 do?');
    await page.getByRole('button', { name: 'Send follow-up' }).click();
    await expect.poll(() => turn(page, 2).innerText(), { timeout: 15_000 }).toContain('returns the sum');
    await done(page, 'Explanation');
    expect(await turn(page, 2).innerText()).toContain('what does line 2 do?');
    const messages = upstream.requests[1]?.body.messages ?? [];
    const code = await page.getByRole('textbox', { name: 'Code to explain' }).innerText();
    expect(code).toContain('return a + b');
    expect(messages.some((m) => m.role === 'user' && m.content.includes('def add(a, b):'))).toBe(true);
    expect(messages.some((m) => m.role === 'assistant' && m.content === 'It adds two numbers.')).toBe(true);
    expect(String(messages.at(-1)?.content)).toContain('what does line 2 do?');
    await expectAccessible(page, 'explain thread');
    expect(problems).toEqual([]);
    await context.close();
  });

  it('says why a completion model takes no follow-up, and deletes a conversation from History', async () => {
    upstream.script([
      { type: 'answer', text: fence(FIRST) },
      { type: 'answer', text: fence(TYPED) },
    ]);
    const { page, context, problems, token } = await openSignedInPage(browser, server, {
      expectedStatuses: [400, 404],
    });
    await page.goto(`${server.url}/`);
    await expect.poll(() => page.getByLabel('Model', { exact: true }).inputValue()).toBe('remote-chat');
    await page.getByLabel('Describe the code you want').fill('Add two numbers');
    await page.getByRole('button', { name: 'Generate', exact: true }).click();
    await done(page);

    // With a conversation open, the picker marks the model that takes no follow-up.
    expect(await page.getByRole('option', { name: 'Remote Base (ready; no follow-ups)' }).count()).toBe(1);
    // The base model is refused before anything reaches it; the box says why, then the answer does.
    await page.getByLabel('Model', { exact: true }).selectOption('remote-base');
    const reason = `Remote Base ${MESSAGES.cannotFollowUp}`;
    await expect.poll(() => page.getByText(reason, { exact: true }).count()).toBe(1);
    await page.getByLabel('Ask a follow-up').fill('now add type hints');
    await page.getByRole('button', { name: 'Send follow-up' }).click();
    const form = page.getByRole('form', { name: 'Follow-up' });
    await expect.poll(() => form.getByRole('alert').innerText()).toContain(reason);
    expect(upstream.requests).toHaveLength(1);
    // The conversation stays on screen, and the follow-up can go to a chat model instead.
    expect(await turn(page, 1).innerText()).toContain('return a + b');
    expect(await page.getByLabel('Ask a follow-up').inputValue()).toBe('now add type hints');
    await page.getByLabel('Model', { exact: true }).selectOption('remote-chat');
    await page.getByRole('button', { name: 'Send follow-up' }).click();
    await expect.poll(() => turn(page, 2).innerText(), { timeout: 15_000 }).toContain('a: int, b: int');
    await done(page);
    expect(await form.getByRole('alert').count()).toBe(0);

    // Retry after earlier turns lists the base model as unavailable; chosen, it says why and Retry is off.
    const retryWith = turn(page, 2).getByLabel('Retry with');
    expect(await retryWith.getByRole('option', { name: 'Remote Base (unavailable)' }).count()).toBe(1);
    await retryWith.selectOption('remote-base');
    await expect.poll(() => turn(page, 2).getByText(reason, { exact: true }).count()).toBe(1);
    expect(await turn(page, 2).getByRole('button', { name: 'Retry' }).isDisabled()).toBe(true);
    await expectAccessible(page, 'thread-retry-cannot-follow-up');
    // The first turn follows nothing: the base model may write it again.
    const firstRetry = turn(page, 1).getByLabel('Retry with');
    expect(await firstRetry.getByRole('option', { name: 'Remote Base (ready)' }).count()).toBe(1);
    await retryWith.selectOption('remote-chat');
    expect(await turn(page, 2).getByRole('button', { name: 'Retry' }).isEnabled()).toBe(true);

    await page.goto(`${server.url}/history`);
    const list = page.getByRole('list', { name: 'History items' });
    await list.getByRole('link', { name: 'Add two numbers' }).click();
    await page.getByRole('heading', { name: 'Add two numbers', level: 1 }).waitFor();
    const threadId = page.url().split('/').at(-1) ?? '';
    await page.getByRole('button', { name: 'Delete', exact: true }).click();
    const dialog = page.getByRole('dialog', { name: 'Delete this conversation?' });
    await dialog.getByRole('button', { name: 'Delete', exact: true }).click();
    await page.waitForURL(`${server.url}/history`);
    await expect
      .poll(() => page.getByRole('status').filter({ hasText: 'Deleted “Add two numbers”' }).count())
      .toBe(1);
    expect(await page.getByText('Your history is empty.', { exact: false }).isVisible()).toBe(true);
    expect((await api.get(`/api/threads/${threadId}`, { token })).status).toBe(404);
    expect(problems).toEqual([]);
    await context.close();
  });

  it('says when earlier turns were left out because the thread no longer fits the model', async () => {
    const { page, context, problems } = await openSignedInPage(browser, server);
    await page.goto(`${server.url}/`);
    await expect.poll(() => page.getByLabel('Model', { exact: true }).inputValue()).toBe('remote-chat');
    await page.getByLabel('Model', { exact: true }).selectOption('remote-coder');
    // About 1,000 tokens by CodeGenie's estimate (3 characters a token).
    await page
      .getByLabel('Describe the code you want')
      .fill(`Write a parser for this format: ${'field;'.repeat(500)}`);
    await page.getByRole('button', { name: 'Generate', exact: true }).click();
    await done(page);
    await page.getByLabel('Ask a follow-up').fill('Handle empty fields');
    await page.getByRole('button', { name: 'Send follow-up' }).click();
    await expect
      .poll(() =>
        conversation(page)
          .getByRole('listitem', { name: /^Turn \d$/ })
          .count(),
      )
      .toBe(2);
    await done(page);
    expect(await conversation(page).innerText()).not.toContain('left out');

    // 2,048 - 900 tokens of answer leaves room for the second turn but not the first as well.
    await page.getByText('Advanced settings').click();
    await page.getByLabel('Max tokens').fill('900');
    await page.getByLabel('Ask a follow-up').fill('Add tests');
    await page.getByRole('button', { name: 'Send follow-up' }).click();
    await expect
      .poll(() => turn(page, 3).innerText(), { timeout: 15_000 })
      .toContain("1 earlier turn was left out: the conversation no longer fits this model's context.");
    await done(page);
    expect(upstream.requests[2]?.body.max_tokens).toBe(900);
    const sent = upstream.requests[2]?.body.messages ?? [];
    expect(sent.at(-1)?.content).toBe('Add tests');
    expect(sent.some((m) => m.content.includes('Handle empty fields'))).toBe(true);
    expect(sent.some((m) => m.content.includes('Write a parser'))).toBe(false);
    expect(problems).toEqual([]);
    await context.close();
  });
});
