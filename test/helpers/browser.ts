import fs from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

/** Debian's Chromium, or $CHROMIUM_PATH; never a downloaded browser. */
export function findChromium(): string | undefined {
  const candidates = [process.env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser'];
  return candidates.find((p): p is string => typeof p === 'string' && p.length > 0 && fs.existsSync(p));
}

export const CHROMIUM = findChromium();

if (!CHROMIUM) {
  const line = '!'.repeat(78);
  process.stderr.write(
    `\n${line}\n!! NO CHROMIUM FOUND (/usr/bin/chromium or $CHROMIUM_PATH): BROWSER TESTS ARE SKIPPED.\n` +
      `!! Install it with: apt-get install chromium\n${line}\n\n`,
  );
}

/** Flags for a quiet headless Chromium on a machine with no outside network. */
const ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-dev-shm-usage',
];

export interface LaunchedBrowser {
  browser: Browser;
  close(): Promise<void>;
}

/**
 * Launches headless Chromium. Playwright gives every launch a fresh
 * temporary user-data-dir of its own and removes it on close.
 */
export async function launchBrowser(): Promise<LaunchedBrowser> {
  if (!CHROMIUM) {
    throw new Error('Chromium not found');
  }
  const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ARGS });
  return {
    browser,
    async close() {
      await browser.close();
    },
  };
}
