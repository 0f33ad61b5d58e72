import type { Browser } from 'playwright-core';
import type { TestServer, TestServerOptions } from '../../helpers/app.js';
import { launchBrowser } from '../../helpers/browser.js';
import { useSuiteFixture, useTestServer, type Lazy } from '../../helpers/suite.js';
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
