/// <reference lib="dom" />
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, startTestServer, type TestServer } from '../helpers/app.js';
import { CHROMIUM, launchBrowser, type LaunchedBrowser } from '../helpers/browser.js';
import { pinnedLocalModel } from '../helpers/catalogue.js';
import { apiClient, registerAndLogin } from '../helpers/http.js';
import { writeTinyGguf } from '../helpers/tiny-gguf.js';
import { openSignedInPage, requireBuiltWebApp } from './support/generation-e2e.js';

/**
 * A server that cannot reach its download host: the Generate page tells the
 * user what to do about the default model, and still does after a reload
 * (the guidance comes from GET /api/models, not from a one-off error).
 */
describe.skipIf(!CHROMIUM)('guidance for a model that cannot be downloaded', () => {
  let server: TestServer;
  let launched: LaunchedBrowser;
  let browser: Browser;
  let dir: string;
  let port: number;
  let api: ReturnType<typeof apiClient>;

  beforeAll(async () => {
    requireBuiltWebApp();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'codegenie-e2e-guidance-'));
    const file = path.join(dir, 'tiny.gguf');
    writeTinyGguf(file);
    // The download host is down: nothing listens on its port.
    port = await freePort();
    const offline = `http://127.0.0.1:${port}/tiny.gguf`;
    server = await startTestServer({
      name: 'e2e-model-guidance',
      web: true,
      catalogue: {
        defaultModel: 'tiny-offline',
        models: [
          pinnedLocalModel('tiny-offline', 'Tiny Offline', offline, fs.readFileSync(file)),
          { id: 'tiny-local', name: 'Tiny local', provider: 'local', format: 'completion', source: file },
        ],
      },
    });
    api = apiClient(server.url);
    launched = await launchBrowser();
    browser = launched.browser;
  });

  afterAll(async () => {
    await launched.close();
    await server.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

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
    expect(description).not.toContain(`127.0.0.1:${port}`);
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
