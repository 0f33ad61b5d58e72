/// <reference lib="dom" />
import fs from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { CHROMIUM } from '../helpers/browser.js';
import { pinnedLocalModel } from '../helpers/catalogue.js';
import { startDownloadServer } from '../helpers/download-server.js';
import { useSuiteFixture, useTempDir } from '../helpers/suite.js';
import { writeTinyGguf } from '../helpers/tiny-gguf.js';
import { useBrowser, useWebServer } from './support/e2e-suite.js';
import { expectAccessible, openSignedInPage, runBadge, runRegion } from './support/generation-e2e.js';

/**
 * Real llama.cpp in the browser flow: a tiny GGUF the helpers write (random
 * weights, printable output), once as a local file and once served over
 * HTTP slowly enough to watch the download progress bar move.
 */
describe.skipIf(!CHROMIUM)('local models in the browser', () => {
  const scratch = useTempDir('codegenie-e2e-gguf-');
  /** The tiny GGUF, as a local file and served slowly over HTTP (about 3 s for the ~430 KB). */
  const files = useSuiteFixture(
    async () => {
      const tinyFile = path.join(scratch.path, 'tiny.gguf');
      writeTinyGguf(tinyFile);
      const bytes = fs.readFileSync(tinyFile);
      const served = await startDownloadServer(bytes, { throttle: { chunkBytes: 16 * 1024, delayMs: 100 } });
      return { tinyFile, bytes, url: served.url, close: () => served.close() };
    },
    (served) => served.close(),
  );
  const server = useWebServer(() => {
    const defaults = { temperature: 0.2, maxTokens: 24, topP: 0.95 };
    return {
      name: 'e2e-local',
      catalogue: {
        defaultModel: 'tiny-local',
        models: [
          {
            id: 'tiny-local',
            name: 'Tiny local',
            provider: 'local',
            format: 'completion',
            source: files.tinyFile,
            defaults,
          },
          pinnedLocalModel('tiny-remote-file', 'Tiny download', files.url, files.bytes, { defaults }),
        ],
      },
    };
  });
  const browser = useBrowser();

  const badge = (page: Page) => runBadge(runRegion(page));

  it('streams text from a local GGUF model, shown as code', async () => {
    const { page, context, problems } = await openSignedInPage(browser, server);
    await page.goto(`${server.url}/`);
    await expect.poll(() => page.getByLabel('Model').inputValue()).toBe('tiny-local');
    await page.getByLabel('Describe the code you want').fill('Print hello');
    await page.getByRole('button', { name: 'Generate' }).click();
    await expect.poll(() => badge(page).innerText(), { timeout: 60_000 }).toBe('Done');
    // A completion model answers with bare code: one code block, not Markdown.
    const code = await runRegion(page).getByTestId('code-block-code').innerText();
    expect(code.trim().length).toBeGreaterThan(0);
    expect(await runRegion(page).getByTestId('markdown').count()).toBe(0);
    expect(await runRegion(page).innerText()).toMatch(/Tokens\s+[1-9]/);
    expect(problems).toEqual([]);
    await context.close();
  }, 120_000);

  it('shows a model that is not downloaded with its size, then a live progress bar while it downloads', async () => {
    const { page, context, problems } = await openSignedInPage(browser, server);
    await page.goto(`${server.url}/`);
    await expect.poll(() => page.getByLabel('Model').inputValue()).toBe('tiny-local');
    await page.getByLabel('Model').selectOption('tiny-remote-file');
    const status = page.locator('#generate-model-status');
    expect(await status.innerText()).toMatch(/Not downloaded/i);
    // The size the catalogue pins, in the words users read (kilobytes of 1,000 bytes).
    const size = `${Math.round(files.bytes.length / 1000)} KB`;
    expect(await status.innerText()).toContain(`${size}, downloads the first time it is used.`);
    expect(await page.getByLabel('Model').locator('option:checked').innerText()).toBe(
      `Tiny download (not downloaded, ${size})`,
    );

    await page.getByLabel('Describe the code you want').fill('Print hello');
    await page.getByRole('button', { name: 'Generate' }).click();
    // The answer area shows the download; the bar moves as bytes arrive.
    const bar = page.getByRole('progressbar', { name: 'Download of Tiny download' }).first();
    await bar.waitFor({ timeout: 15_000 });
    const values = new Set<number>();
    await expect
      .poll(
        async () => {
          values.add(Number(await bar.getAttribute('value')));
          return values.size;
        },
        { timeout: 15_000, interval: 300 },
      )
      .toBeGreaterThanOrEqual(2);
    expect(await runRegion(page).innerText()).toMatch(/Downloading Tiny download/);
    await expectAccessible(page, 'generate-downloading');

    await expect.poll(() => badge(page).innerText(), { timeout: 90_000 }).toBe('Done');
    await expect.poll(() => status.innerText(), { timeout: 5000 }).toMatch(/Ready/i);
    expect(problems).toEqual([]);
    await context.close();
  }, 150_000);
});
