import type { Page } from 'playwright-core';
import type { PromptRecord } from '../../../src/server/store/store.port.js';
import { saveThreadOf } from '../../../src/server/services/thread.service.js';
import { fixturePrompt } from '../../../src/server/store/store-prompts.contract.js';
import { apiClient } from '../../helpers/http.js';
import { useRemoteModelsSuite } from './e2e-suite.js';
import { openSignedInPage } from './generation-e2e.js';

const MINUTE = 60_000;

/**
 * What the History browser tests share: the app with two remote models,
 * a browser, signed-in pages, records seeded straight into the store, and
 * the History page's list.
 */
export function useHistorySuite(name: string) {
  const { upstream, server, browser } = useRemoteModelsSuite(name, [
    ['remote-chat', 'Remote Chat'],
    ['remote-coder', 'Remote Coder'],
  ]);
  const api = apiClient(() => server.url);

  /** A fresh account signed in through the API, its session cookie in a new browser context. */
  const signIn = (options: Parameters<typeof openSignedInPage>[2] = {}) =>
    openSignedInPage(browser, server, options);

  /** Records straight into the store, newest last in `records` (one minute apart, ending now). */
  async function seed(userId: string, records: Partial<PromptRecord>[]): Promise<PromptRecord[]> {
    const start = Date.now() - records.length * MINUTE;
    const created: PromptRecord[] = [];
    for (const [i, overrides] of records.entries()) {
      const createdAt = new Date(start + i * MINUTE);
      const record = fixturePrompt(userId, {
        modelId: 'remote-chat',
        status: 'completed',
        output: 'Done.',
        createdAt,
        finishedAt: new Date(createdAt.getTime() + 1800),
        totalMs: 1800,
        firstTokenMs: 300,
        promptTokens: 40,
        completionTokens: 60,
        ...overrides,
      });
      await server.store.prompts.create(record);
      // Its thread, as the generation service saves one (History lists threads).
      await saveThreadOf(server.store, record);
      created.push(record);
    }
    return created;
  }

  async function openHistory(page: Page, query = ''): Promise<void> {
    await page.goto(`${server.url}/history${query}`);
    await page.getByRole('heading', { name: 'History', level: 1 }).waitFor();
  }

  const historyList = (page: Page) => page.getByRole('list', { name: 'History items' });
  /** The list's items (each has a title heading; the facts under it are a list of their own). */
  const items = (page: Page) =>
    historyList(page)
      .getByRole('listitem')
      .filter({ has: page.getByRole('heading', { level: 3 }) });
  const titles = (page: Page) => historyList(page).getByRole('heading', { level: 3 }).allInnerTexts();

  return { upstream, server, api, signIn, seed, openHistory, items, titles };
}
