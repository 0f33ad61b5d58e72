/// <reference lib="dom" />
import fs from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { freePort } from '../helpers/app.js';
import { CHROMIUM } from '../helpers/browser.js';
import { pinnedLocalModel } from '../helpers/catalogue.js';
import { apiClient, registerAndLogin } from '../helpers/http.js';
import { useSuiteFixture, useTempDir } from '../helpers/suite.js';
import { writeTinyGguf } from '../helpers/tiny-gguf.js';
import { useBrowser, useWebServer } from './support/e2e-suite.js';
import { openSignedInPage } from './support/generation-e2e.js';

/**
 * A server that cannot reach its download host: the Generate page tells the
 * user what to do about the default model, and still does after a reload
 * (the guidance comes from GET /api/models, not from a one-off error).
 */
describe.skipIf(!CHROMIUM)('guidance for a model that cannot be downloaded', () => {
  const scratch = useTempDir('codegenie-e2e-guidance-');
  // The download host is down: nothing listens on its port.
  const offline = useSuiteFixture(
    async () => ({ port: await freePort() }),
    () => undefined,
  );
  const server = useWebServer(() => {
    const file = path.join(scratch.path, 'tiny.gguf');
    writeTinyGguf(file);
    return {
      name: 'e2e-model-guidance',
      catalogue: {
        defaultModel: 'tiny-offline',
        models: [
          pinnedLocalModel(
            'tiny-offline',
            'Tiny Offline',
            `http://127.0.0.1:${offline.port}/tiny.gguf`,
            fs.readFileSync(file),
          ),
          { id: 'tiny-local', name: 'Tiny local', provider: 'local', format: 'completion', source: file },
        ],
      },
    };
  });
  const api = apiClient(() => server.url);
  const browser = useBrowser();

  /** What a screen reader announces with the model picker: its accessible description. */
  async function pickerDescription(page: Page): Promise<string> {
    const ids = (await page.getByLabel('Model').getAttribute('aria-describedby')) ?? '';
    const texts = await Promise.all(
      ids
        .split(/\s+/)
        .filter((id) => id !== '')
        .map((id) => page.locator(`[id="${id}"]`).textContent()),
    );
    return texts.join(' ');
  }

  async function expectGuidance(page: Page): Promise<void> {
    const description = await pickerDescription(page);
    expect(description).toContain('Not downloaded');
    expect(description).toContain('Cannot reach its download server to download Tiny Offline.');
    expect(description).toContain("Check this server's internet access");
    expect(description).toContain('npm run models -- pull tiny-offline');
    expect(description).toContain('point MODELS_FILE at a model server');
    expect(description).not.toContain(`127.0.0.1:${offline.port}`);
  }

  it('says on the Generate page what to do, and keeps saying it after a reload', async () => {
    // The start-up check runs in the background; the page is opened once it has answered.
    const { token } = await registerAndLogin(api);
    await expect
      .poll(
        async () =>
          ((await api.get('/api/models', { token })).body as { id: string; reason?: string }[]).find(
            (m) => m.id === 'tiny-offline',
          )?.reason,
        { timeout: 10_000 },
      )
      .toMatch(/^Cannot reach/);
    const { page, context, problems } = await openSignedInPage(browser, server);
    await page.goto(`${server.url}/`);
    await expect.poll(() => page.getByLabel('Model').inputValue()).toBe('tiny-offline');
    await expectGuidance(page);

    await page.reload();
    await expect.poll(() => page.getByLabel('Model').inputValue()).toBe('tiny-offline');
    await expectGuidance(page);
    expect(problems).toEqual([]);
    await context.close();
  }, 60_000);
});
