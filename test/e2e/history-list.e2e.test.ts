/// <reference lib="dom" />
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CHROMIUM } from '../helpers/browser.js';
import { RESULTS_DIR } from '../helpers/secrets.js';
import { DEFAULT_CODE } from '../helpers/openai-server.js';
import { SCREENSHOTS, expectAccessible, expectNoHorizontalOverflow } from './support/generation-e2e.js';
import { useHistorySuite } from './support/history-e2e.js';

/** The History list at length: paging, clearing it all, a phone in the dark, a lived-in desktop. */
describe.skipIf(!CHROMIUM)('History lists in the browser', () => {
  const { api, signIn, seed, openHistory, items, titles } = useHistorySuite('e2e-history-list');

  it('pages in more items with "Load more", and Back from an item keeps them and the place', async () => {
    const { page, context, problems, userId } = await signIn({ height: 700 });
    await seed(
      userId,
      Array.from({ length: 45 }, (_, i) => ({ input: `Prompt number ${String(i + 1).padStart(2, '0')}` })),
    );
    await openHistory(page);
    await expect.poll(() => items(page).count()).toBe(20);
    expect(await page.getByText('Showing 20 items; there are more.').isVisible()).toBe(true);

    await page.getByRole('button', { name: 'Load more' }).click();
    await expect.poll(() => items(page).count()).toBe(40);
    // Keyboard users continue from the first new item.
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Prompt number 25');
    await page.getByRole('button', { name: 'Load more' }).click();
    await expect.poll(() => items(page).count()).toBe(45);
    expect(await page.getByRole('button', { name: 'Load more' }).count()).toBe(0);
    const all = await titles(page);
    expect(new Set(all).size).toBe(45);
    expect(all[0]).toBe('Prompt number 45');
    expect(all[44]).toBe('Prompt number 01');

    await page.getByRole('link', { name: 'Prompt number 10' }).click();
    await page.getByRole('heading', { name: 'Prompt number 10', level: 1 }).waitFor();
    await page.goBack();
    await expect.poll(() => items(page).count()).toBe(45);
    await expect
      .poll(() => page.evaluate(() => document.activeElement?.textContent))
      .toBe('Prompt number 10');
    const box = await page.getByRole('link', { name: 'Prompt number 10' }).boundingBox();
    expect(box && box.y > 0 && box.y < 700).toBe(true);
    expect(problems).toEqual([]);
    await context.close();
  });

  it('deletes all history after a confirmation and says so; the empty list says what it is for', async () => {
    const { page, context, problems, userId, token } = await signIn();
    await seed(userId, [{ input: 'One' }, { input: 'Two' }]);
    await openHistory(page);
    await expect.poll(() => items(page).count()).toBe(2);
    await page.getByRole('button', { name: 'Delete all history' }).click();
    const dialog = page.getByRole('dialog', { name: 'Delete all of your history?' });
    await expect.poll(() => dialog.isVisible()).toBe(true);
    await dialog.getByRole('button', { name: 'Delete all history' }).click();
    await expect.poll(() => page.getByText('Deleted 2 items from your history.').isVisible()).toBe(true);
    expect(await page.getByText('Your history is empty.', { exact: false }).isVisible()).toBe(true);
    expect((await api.get('/api/history', { token })).body.items).toEqual([]);
    expect(problems).toEqual([]);
    await context.close();
  });

  it('works on a phone in the dark theme', async () => {
    const { page, context, problems, userId } = await signIn({
      width: 375,
      height: 800,
      colorScheme: 'dark',
    });
    await seed(userId, [
      {
        input: 'Parse an ISO date in Rust',
        language: 'rust',
        status: 'failed',
        error: { code: 'x', message: 'The model stopped answering.' },
        output: '',
      },
      {
        input: 'Find duplicate rows in a table',
        language: 'sql',
        output: '```sql\nSELECT 1;\n```',
        code: 'SELECT 1;',
      },
    ]);
    await openHistory(page);
    await expect.poll(() => items(page).count()).toBe(2);
    // Filters fold away on a phone.
    expect(await page.getByLabel('Kind').isVisible()).toBe(false);
    await expectNoHorizontalOverflow(page);
    await expectAccessible(page, 'history-phone-dark');
    await page.screenshot({ path: path.join(RESULTS_DIR, 'history-phone-dark.png'), fullPage: true });

    await page.getByRole('link', { name: 'Find duplicate rows in a table' }).click();
    await page.getByRole('heading', { name: 'Find duplicate rows in a table', level: 1 }).waitFor();
    await expectNoHorizontalOverflow(page);
    await expectAccessible(page, 'history-item-phone-dark');
    await page.screenshot({ path: path.join(RESULTS_DIR, 'history-item-phone-dark.png'), fullPage: true });
    await page.getByRole('button', { name: 'Delete', exact: true }).click();
    const dialog = page.getByRole('dialog', { name: 'Delete this item?' });
    await expect.poll(() => dialog.isVisible()).toBe(true);
    await expectAccessible(page, 'history-dialog-phone-dark');
    await page.screenshot({ path: path.join(RESULTS_DIR, 'history-dialog-phone-dark.png') });
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await expect.poll(() => dialog.isVisible()).toBe(false);
    expect(problems).toEqual([]);
    await context.close();
  });

  it('screenshot: a lived-in history on a desktop', async () => {
    const { page, context, problems, userId } = await signIn({ height: 900 });

    await seed(userId, [
      {
        input: 'Read a CSV file and print the sum of its second column',
        language: 'go',
        modelId: 'remote-coder',
        totalMs: 5400,
        firstTokenMs: 600,
        completionTokens: 180,
      },
      {
        input: 'Debounce a function so it runs once typing has paused',
        language: 'typescript',
        totalMs: 2300,
        completionTokens: 95,
      },
      { kind: 'explain', input: DEFAULT_CODE, language: 'python', output: 'Adds two numbers.' },
      {
        input: 'The five customers with the highest total order value',
        language: 'sql',
        status: 'cancelled',
        totalMs: 900,
        completionTokens: 12,
      },
      {
        input: 'Check whether a string is a palindrome, ignoring case',
        language: 'python',
        totalMs: 1600,
        completionTokens: 70,
      },
    ]);
    await openHistory(page);
    await expect.poll(() => items(page).count()).toBe(5);
    await page.screenshot({ path: path.join(SCREENSHOTS, 'history.png'), fullPage: true });
    await page.getByRole('link', { name: /Check whether a string/ }).click();
    await page.getByRole('heading', { name: /Check whether a string/, level: 1 }).waitFor();
    await page.screenshot({ path: path.join(RESULTS_DIR, 'history-item.png'), fullPage: true });
    expect(problems).toEqual([]);
    await context.close();
  });
});
