/// <reference lib="dom" />
import path from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { MESSAGES } from '../../src/shared/messages.js';
import { CHROMIUM } from '../helpers/browser.js';
import { apiClient, type Json } from '../helpers/http.js';
import { useRemoteModelsSuite } from './support/e2e-suite.js';
import {
  expectAccessible,
  openSignedInPage,
  runBadge,
  runRegion,
  SCREENSHOTS,
} from './support/generation-e2e.js';

const fenced = (body: string) => '```javascript\n' + body + '\n```';
/** An answer in the loop's format: the code, then the model's tests under `// tests`. */
const answer = (code: string) =>
  `Here it is.\n\n${fenced(code)}\n\n${fenced('// tests\nconsole.assert(add(2, 3) === 5, "add(2, 3) should be 5");')}`;
const WRONG = answer('function add(a, b) {\n  return a - b;\n}');
const RIGHT = answer('function add(a, b) {\n  return a + b;\n}');

/**
 * Test and fix in the browser (issue 17): the model's own tests run in the
 * server's sandbox (the real node child), a failure goes back for a fix,
 * and each round is a turn of one thread with its test run.
 */
describe.skipIf(!CHROMIUM)('Test and fix in the browser', () => {
  const { upstream, server, browser } = useRemoteModelsSuite(
    'e2e-repair',
    [
      ['remote-chat', 'Remote Chat'],
      ['remote-base', 'Remote Base', { model: 'base-model', format: 'completion' }],
    ],
    { resetEachTest: true },
  );

  const conversation = (page: Page) => page.getByRole('list', { name: 'Conversation' });
  const turn = (page: Page, n: number): Locator =>
    conversation(page).getByRole('listitem', { name: `Turn ${n}`, exact: true });
  const option = (page: Page) => page.getByRole('checkbox', { name: 'Test and fix' }).first();

  it('shows the failing run, then the fixed code passing, as turns of one thread; the choice survives a reload', async () => {
    upstream.script([
      { type: 'answer', text: WRONG },
      { type: 'answer', text: RIGHT },
    ]);
    const { page, context, problems } = await openSignedInPage(browser, server);
    await page.goto(`${server.url}/`);
    await expect.poll(() => page.getByLabel('Model', { exact: true }).inputValue()).toBe('remote-chat');

    // Only for languages the server can run: otherwise it says why.
    await page.getByLabel('Language').selectOption('go');
    expect(await option(page).isDisabled()).toBe(true);
    expect(await page.getByText(MESSAGES.repairLanguage).first().isVisible()).toBe(true);
    await page.getByLabel('Language').selectOption('javascript');
    expect(await option(page).isChecked()).toBe(false);
    // Nor for a code-completion model: it cannot take the fix rounds' follow-ups.
    const modelPicker = page.getByLabel('Model', { exact: true });
    await modelPicker.selectOption('remote-base');
    await expect.poll(() => option(page).isDisabled()).toBe(true);
    expect(await page.getByText(`Remote Base ${MESSAGES.repairCannotFollowUp}`).isVisible()).toBe(true);
    await modelPicker.selectOption('remote-chat');
    await expect.poll(() => option(page).isDisabled()).toBe(false);
    await option(page).check();
    await page.getByLabel('Fix rounds').first().selectOption('3');

    await page.getByLabel('Describe the code you want').fill('Write add(a, b)');
    await page.getByRole('button', { name: 'Generate', exact: true }).click();
    const result = page.getByRole('status', { name: 'Test and fix result' });
    await expect
      .poll(() => result.innerText(), { timeout: 30_000 })
      .toContain('Passed its own tests after 1 fix');
    expect(await runBadge(runRegion(page)).innerText()).toBe('Done');

    // Turn 1: the user's request, the code, the model's own tests, and the failing run.
    const first = turn(page, 1);
    expect(await first.innerText()).toContain('Write add(a, b)');
    expect(await first.getByText('Tests the model wrote').isVisible()).toBe(true);
    expect(await first.innerText()).toContain('return a - b');
    const failedRun = first.getByRole('region', { name: 'Test run' });
    expect(await failedRun.innerText()).toContain('Its own tests failed');
    expect(await failedRun.innerText()).toContain('add(2, 3) should be 5');
    // Turn 2: the loop's request (not the user's), the fixed code, and its run passing.
    const second = turn(page, 2);
    expect(await second.innerText()).toContain('The tests did not pass');
    expect(await second.innerText()).toContain('return a + b');
    expect(await second.getByRole('region', { name: 'Test run' }).innerText()).toContain(
      'Its own tests passed',
    );
    expect(await conversation(page).getByRole('listitem').count()).toBe(2);
    // Retry (another version) on the user's request only: the loop's own request is not a prompt to resend.
    expect(await first.getByRole('button', { name: 'Retry', exact: true }).count()).toBe(1);
    expect(await second.getByRole('button', { name: 'Retry', exact: true }).count()).toBe(0);
    expect(await result.innerText()).toContain('shows only what they check');
    // One model request per round.
    expect(upstream.requests).toHaveLength(2);
    await expectAccessible(page, 'test and fix');
    await page.screenshot({ path: path.join(SCREENSHOTS, 'test-and-fix.png'), fullPage: true });

    // Remembered on the server for the user: on after a reload, with its rounds.
    await page.reload();
    await expect.poll(() => option(page).isChecked()).toBe(true);
    expect(await page.getByLabel('Fix rounds').first().inputValue()).toBe('3');

    // History: the stored thread shows both rounds with their runs, and the end.
    await page.goto(`${server.url}/history`);
    const list = page.getByRole('list', { name: 'History items' });
    await list.getByRole('link', { name: 'Write add(a, b)' }).click();
    await page.getByRole('heading', { name: 'Write add(a, b)', level: 1 }).waitFor();
    const turns = page.getByRole('list', { name: 'Conversation' });
    await expect
      .poll(() => turns.getByRole('region', { name: 'Test run' }).allInnerTexts())
      .toEqual([
        expect.stringContaining('Its own tests failed'),
        expect.stringContaining('Its own tests passed'),
      ]);
    expect(await page.getByRole('status', { name: 'Test and fix result' }).innerText()).toContain(
      'Passed its own tests after 1 fix',
    );
    expect(problems).toEqual([]);
    await context.close();
  });

  it('shows the rounds so far after a reload mid-loop, and Stop ends the loop at once', async () => {
    upstream.script([
      { type: 'answer', text: WRONG },
      // The fix starts, then the model says nothing more until stopped.
      {
        type: 'answer',
        chunks: ['Here it is.\n\n```javascript\nfunction add(a, b) {', '\n}\n```'],
        stallAfterChunks: 1,
      },
    ]);
    const { page, context, problems, token } = await openSignedInPage(browser, server);
    await page.goto(`${server.url}/`);
    await expect.poll(() => page.getByLabel('Model', { exact: true }).inputValue()).toBe('remote-chat');
    await page.getByLabel('Language').selectOption('javascript');
    await option(page).check();
    await page.getByLabel('Describe the code you want').fill('Write add(a, b), again');
    await page.getByRole('button', { name: 'Generate', exact: true }).click();
    await expect.poll(() => turn(page, 2).innerText(), { timeout: 30_000 }).toContain('function add(a, b) {');

    // The run goes on on the server: after a reload the page attaches to it and shows each round again.
    await page.reload();
    await expect
      .poll(() => turn(page, 1).getByRole('region', { name: 'Test run' }).innerText(), { timeout: 15_000 })
      .toContain('Its own tests failed');
    await expect.poll(() => turn(page, 2).innerText()).toContain('function add(a, b) {');
    expect(await runBadge(runRegion(page)).innerText()).toBe('Writing');

    await page.getByRole('button', { name: 'Stop' }).click();
    await expect.poll(() => runBadge(runRegion(page)).innerText()).toBe('Stopped');
    expect(await page.getByRole('status', { name: 'Test and fix result' }).innerText()).toContain('Stopped');
    // On the server the loop ended there: the round's turn is saved stopped, and no other round was asked for.
    const api = apiClient(server.url);
    const threads = await api.get('/api/threads', { token });
    const threadId = String(threads.body.items[0]?.id);
    await expect
      .poll(async () => {
        const thread = await api.get(`/api/threads/${threadId}`, { token });
        return (thread.body.turns as Json[]).map((t: Json) => String(t.status));
      })
      .toEqual(['completed', 'cancelled']);
    expect(upstream.requests).toHaveLength(2);
    expect(problems).toEqual([]);
    await context.close();
  });
});
