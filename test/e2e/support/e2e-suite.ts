import type { Browser } from 'playwright-core';
import type { TestServer, TestServerOptions } from '../../helpers/app.js';
import { launchBrowser } from '../../helpers/browser.js';
import { remoteModel } from '../../helpers/catalogue.js';
import { useOpenAiServer, useSuiteFixture, useTestServer, type Lazy } from '../../helpers/suite.js';
import { requireBuiltWebApp } from './generation-e2e.js';

/*
 * Browser-suite helpers: with useOpenAiServer and friends from
 * test/helpers/suite.ts, a browser test file states what it runs on in a
 * few lines, and each part is started before its tests and stopped after.
 */

/** The app serving the built web app (dist/web or TEST_WEB_ROOT), failing fast when it was not built. */
export function useWebServer(options: Lazy<TestServerOptions> = {}): TestServer {
  return useTestServer(async () => {
    requireBuiltWebApp();
    const resolved = typeof options === 'function' ? await options() : options;
    return { ...resolved, web: true };
  });
}

/** Headless Chromium for this suite (one launch, a new context per test). */
export function useBrowser(): Browser {
  return useSuiteFixture(
    async () => (await launchBrowser()).browser,
    (browser) => browser.close(),
  );
}

/** A remote model on the fake server: its id (also the upstream model name), name and other catalogue fields. */
export type RemoteModelSpec = [id: string, name: string, fields?: Record<string, unknown>];

/**
 * The usual browser suite: the fake OpenAI-compatible server, the app
 * serving the web app with these remote models on it (the first is the
 * default), and a browser.
 */
export function useRemoteModelsSuite(
  name: string,
  models: [RemoteModelSpec, ...RemoteModelSpec[]],
  options: { resetEachTest?: boolean; env?: Record<string, string> } = {},
) {
  const upstream = useOpenAiServer({ resetEachTest: options.resetEachTest });
  const server = useWebServer(() => ({
    name,
    env: options.env,
    catalogue: {
      defaultModel: models[0][0],
      models: models.map(([id, label, fields]) => remoteModel(upstream.baseUrl, id, label, fields)),
    },
  }));
  const browser = useBrowser();
  return { upstream, server, browser };
}
