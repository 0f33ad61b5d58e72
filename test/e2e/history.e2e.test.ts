/// <reference lib="dom" />
import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CHROMIUM } from '../helpers/browser.js';
import { registerAndLogin } from '../helpers/http.js';
import { expectAccessible } from './support/generation-e2e.js';
import { useHistorySuite } from './support/history-e2e.js';

describe.skipIf(!CHROMIUM)('History in the browser', () => {
  const { server, api, signIn, seed, openHistory, items, titles } = useHistorySuite('e2e-history');

  it('searches as you type, filters, opens an item with its answer, and sends its code to Explain', async () => {
    const { page, context, problems, token } = await signIn();
    // Real history, written by the generation service.
    for (const body of [
      { prompt: 'Add two numbers\nwith a docstring', language: 'python' },
      { prompt: 'Reverse a string', language: 'javascript', modelId: 'remote-coder', temperature: 0.7 },
    ]) {
      expect((await api.post('/api/generate', body, { token })).status).toBe(200);
    }
    expect(
      (await api.post('/api/explain', { code: 'x = [i * i for i in range(5)]' }, { token })).status,
    ).toBe(200);

    await openHistory(page);
    // The list shows threads: an explanation's title adds its level and format, and a prompt's
    // first line ends with an ellipsis when more follows.
    const explained = 'x = [i * i for i in range(5)] (intermediate, overview)';
    const added = 'Add two numbers…';
    await expect.poll(() => titles(page)).toEqual([explained, 'Reverse a string', added]);
    const first = items(page).nth(2);
    expect(await first.innerText()).toMatch(
      /Generate[\s\S]*Completed[\s\S]*Remote Chat[\s\S]*Python[\s\S]*Today/,
    );
    await expectAccessible(page, 'history');

    // Search narrows the list after a short pause, and the URL keeps it.
    await page.getByRole('searchbox', { name: 'Search' }).fill('reverse');
    await expect.poll(() => titles(page)).toEqual(['Reverse a string']);
    expect(page.url()).toContain('q=reverse');
    // The whole prompt is searched, not only its first line.
    await page.getByRole('searchbox', { name: 'Search' }).fill('docstring');
    await expect.poll(() => titles(page)).toEqual([added]);
    await page.getByRole('searchbox', { name: 'Search' }).fill('nothing like this');
    await expect
      .poll(() => page.getByText('Nothing in your history matches “nothing like this”.').isVisible())
      .toBe(true);
    await page.getByRole('button', { name: 'Clear search and filters' }).click();
    await expect.poll(() => items(page).count()).toBe(3);
    expect(await page.getByRole('searchbox', { name: 'Search' }).inputValue()).toBe('');

    // Filters: kind, model, language; "Clear filters" brings everything back.
    await page.getByLabel('Kind').selectOption('explain');
    await expect.poll(() => titles(page)).toEqual([explained]);
    await page.getByLabel('Kind').selectOption('');
    await page.getByLabel('Model').selectOption('remote-coder');
    await expect.poll(() => titles(page)).toEqual(['Reverse a string']);
    await page.getByLabel('Model').selectOption('');
    await page.getByLabel('Language').selectOption('javascript');
    await expect.poll(() => titles(page)).toEqual(['Reverse a string']);
    expect(await page.getByText('Filters (1 on)').isVisible()).toBe(true);
    await page.getByRole('button', { name: 'Clear filters' }).click();
    await expect.poll(() => items(page).count()).toBe(3);

    // A date range that ends before it starts is refused next to the field, in plain words.
    await page.getByLabel('From', { exact: true }).fill('2030-05-02');
    await page.getByLabel('To', { exact: true }).fill('2030-05-01');
    await expect
      .poll(() => page.getByText('The end date must be on or after the start date.').isVisible())
      .toBe(true);
    expect(await page.getByLabel('To', { exact: true }).getAttribute('aria-invalid')).toBe('true');
    await page.getByRole('button', { name: 'Clear filters' }).click();
    await expect.poll(() => items(page).count()).toBe(3);

    // Open an item: prompt, settings and the answer rendered like Generate renders it.
    await page.getByRole('link', { name: 'Add two numbers' }).click();
    await page.waitForURL(/\/history\/[\w-]+$/);
    await page.getByRole('heading', { name: 'Add two numbers', level: 1 }).waitFor();
    const request = page.getByRole('region', { name: 'Prompt' });
    expect(await request.getByText('Add two numbers with a docstring').innerText()).toBe(
      'Add two numbers\nwith a docstring',
    );
    expect(await request.innerText()).toMatch(/Temperature\s*0\.2/);
    await expect
      .poll(() => page.getByRole('region', { name: 'Answer' }).innerText())
      .toContain('return a + b');
    // Inline code is an element of its own (not backticks in the text).
    expect(
      await page.getByRole('region', { name: 'Answer' }).getByText('add(2, 3)', { exact: true }).count(),
    ).toBe(1);
    await expectAccessible(page, 'history-item');

    // "Explain this" hands the code to Explain.
    await page.getByRole('button', { name: 'Explain this' }).click();
    await page.waitForURL(`${server.url}/explain`);
    const editor = page.getByRole('textbox', { name: 'Code to explain' });
    await expect.poll(() => editor.innerText()).toContain('return a + b');
    expect(await page.getByText('Code from your history.', { exact: false }).isVisible()).toBe(true);

    // Back to the item, and from there back to the list as it was.
    await page.goBack();
    await page.getByRole('heading', { name: 'Add two numbers', level: 1 }).waitFor();
    await page.getByRole('link', { name: 'Back to history' }).click();
    await page.waitForURL(`${server.url}/history`);
    await expect.poll(() => items(page).count()).toBe(3);
    await expect.poll(() => page.evaluate(() => document.activeElement?.textContent)).toBe(added);

    expect(problems).toEqual([]);
    await context.close();
  });

  it('"Run again" opens Generate with the prompt, model, language and settings', async () => {
    const { page, context, problems, userId } = await signIn();
    const [record] = await seed(userId, [
      {
        input: 'Sum a list of numbers',
        language: 'go',
        modelId: 'remote-coder',
        params: { temperature: 0.9, topP: 0.8, maxTokens: 300, stop: ['```\n'] },
        output: '```go\nfunc sum(xs []int) int { return 0 }\n```',
      },
    ]);
    await page.goto(`${server.url}/history/${record?.id ?? ''}`);
    await page.getByRole('heading', { name: 'Sum a list of numbers', level: 1 }).waitFor();
    expect(await page.getByRole('region', { name: 'Prompt' }).innerText()).toContain('"```\\n"');
    await page.getByRole('button', { name: 'Run again' }).click();
    await page.waitForURL(`${server.url}/`);
    expect(await page.evaluate(() => (history.state as { usr?: unknown } | null)?.usr)).toEqual({
      prompt: 'Sum a list of numbers',
      language: 'go',
      modelId: 'remote-coder',
      settings: { temperature: 0.9, topP: 0.8, maxTokens: 300 },
      source: 'your history',
    });
    // Generate takes it: the fields hold the earlier run's values.
    await expect
      .poll(() => page.getByLabel('Describe the code you want').inputValue())
      .toBe('Sum a list of numbers');
    expect(await page.getByLabel('Language').inputValue()).toBe('go');
    await expect.poll(() => page.getByLabel('Model').inputValue()).toBe('remote-coder');
    await page.getByText('Advanced settings').click();
    expect(await page.getByLabel('Temperature').inputValue()).toBe('0.9');
    expect(await page.getByLabel('Top-p', { exact: false }).inputValue()).toBe('0.8');
    expect(problems).toEqual([]);
    await context.close();
  });

  it('deletes one item after a confirmation; Escape or Cancel keeps it', async () => {
    const { page, context, problems, userId, token } = await signIn({ expectedStatuses: [404] });
    const [, doomed] = await seed(userId, [
      { input: 'Keep me' },
      { input: 'Delete me please', output: 'Some **answer**.' },
      { input: 'Keep me too' },
    ]);
    await openHistory(page);
    await expect.poll(() => titles(page)).toEqual(['Keep me too', 'Delete me please', 'Keep me']);
    await page.getByRole('link', { name: 'Delete me please' }).click();
    await page.getByRole('heading', { name: 'Delete me please', level: 1 }).waitFor();
    // Rendered as Markdown: the bold word is an element of its own.
    expect(
      await page.getByRole('region', { name: 'Answer' }).getByText('answer', { exact: true }).count(),
    ).toBe(1);

    const dialog = page.getByRole('dialog', { name: 'Delete this item?' });
    await page.getByRole('button', { name: 'Delete', exact: true }).click();
    await expect.poll(() => dialog.isVisible()).toBe(true);
    // Focus starts on Cancel and stays inside the dialog.
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Cancel');
    await expectAccessible(page, 'history-delete-dialog');
    await page.keyboard.press('Escape');
    await expect.poll(() => dialog.isVisible()).toBe(false);
    // Focus is back on the button that opened it.
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Delete');

    await page.getByRole('button', { name: 'Delete', exact: true }).click();
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await expect.poll(() => dialog.isVisible()).toBe(false);
    expect((await api.get(`/api/history/${doomed?.id ?? ''}`, { token })).status).toBe(200);

    await page.getByRole('button', { name: 'Delete', exact: true }).click();
    await dialog.getByRole('button', { name: 'Delete', exact: true }).click();
    await page.waitForURL(`${server.url}/history`);
    await expect
      .poll(() =>
        page.getByRole('status').filter({ hasText: 'Deleted “Delete me please” from your history.' }).count(),
      )
      .toBe(1);
    expect(await titles(page)).toEqual(['Keep me too', 'Keep me']);
    expect((await api.get(`/api/history/${doomed?.id ?? ''}`, { token })).status).toBe(404);

    // A deleted item's address says so in plain words.
    await page.goto(`${server.url}/history/${doomed?.id ?? ''}`);
    await expect
      .poll(() => page.getByText('This item is not in your history. It may have been deleted.').isVisible())
      .toBe(true);
    expect(problems).toEqual([]);
    await context.close();
  });

  it('exports JSON and Markdown downloads with my records and nothing of anyone else', async () => {
    const { page, context, problems, userId } = await signIn();
    const other = await registerAndLogin(api);
    await seed(String(other.user.id), [{ input: 'SOMEONE ELSE’S SECRET PROMPT' }]);
    await seed(userId, [{ input: 'My first prompt' }, { input: 'My second prompt', kind: 'explain' }]);
    await openHistory(page);
    await expect.poll(() => items(page).count()).toBe(2);

    const [json] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('link', { name: 'Export JSON' }).click(),
    ]);
    expect(json.suggestedFilename()).toMatch(/^codegenie-history-\d{4}-\d{2}-\d{2}\.json$/);
    const exported = JSON.parse(fs.readFileSync(await json.path(), 'utf8')) as {
      items: { input: string }[];
    };
    expect(exported.items.map((item) => item.input)).toEqual(['My second prompt', 'My first prompt']);

    const [markdown] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('link', { name: 'Export Markdown' }).click(),
    ]);
    expect(markdown.suggestedFilename()).toMatch(/\.md$/);
    const text = fs.readFileSync(await markdown.path(), 'utf8');
    expect(text).toContain('My first prompt');
    expect(text).not.toContain('SECRET');
    // Still on the page: a download does not navigate away.
    expect(page.url()).toBe(`${server.url}/history`);
    expect(problems).toEqual([]);
    await context.close();
  });
});
