/// <reference lib="dom" />
import path from 'node:path';
import { build } from 'esbuild';
import type { Page } from 'playwright-core';
import type { RunEvent, RunExitEvent, RunRequest } from '../../../src/shared/run.schemas.js';

/*
 * Drives the real runner (src/web/run/runner.ts) on a real app page without
 * the Run UI: the runner is bundled here and served to the page at a
 * same-origin test address through Playwright's routing (the app's CSP
 * allows 'self' scripts; nothing is added to the app or the server).
 */

const HOOK_PATH = '/__test__/runner-hook.js';

/** What a run gave the page: every event in order and the exit. */
export interface RunResult {
  events: RunEvent[];
  exit: RunExitEvent;
}

declare global {
  interface Window {
    __run?: (request: RunRequest) => Promise<RunResult>;
    __events?: RunEvent[];
    __stop?: () => void;
  }
}

let bundle: Promise<string> | null = null;

/** The runner as one script that puts __run (and __stop for the latest run) on window. */
function runnerBundle(): Promise<string> {
  bundle ??= build({
    stdin: {
      contents: `
        import { runCode } from './src/web/run/runner.ts';
        window.__run = (request) => new Promise((resolve) => {
          const events = [];
          window.__events = events;
          const handle = runCode(request, (event) => events.push(event));
          window.__stop = () => handle.stop();
          void handle.done.then((exit) => resolve({ events, exit }));
        });`,
      resolveDir: path.resolve(import.meta.dirname, '../../..'),
      loader: 'ts',
    },
    bundle: true,
    format: 'iife',
    write: false,
    platform: 'browser',
  }).then((result) => result.outputFiles[0]?.text ?? '');
  return bundle;
}

/** Loads the runner into the page (on a page of the app, after goto). */
export async function installRunner(page: Page, origin: string): Promise<void> {
  const script = await runnerBundle();
  await page.route(`${origin}${HOOK_PATH}`, (route) =>
    route.fulfill({ status: 200, contentType: 'text/javascript', body: script }),
  );
  await page.addScriptTag({ url: `${origin}${HOOK_PATH}` });
}

/** Runs code with the page's runner and waits for the exit. */
export function runInPage(page: Page, request: RunRequest): Promise<RunResult> {
  return page.evaluate(async (req) => {
    if (!window.__run) {
      throw new Error('installRunner first');
    }
    return window.__run(req);
  }, request);
}

/** The stdout (or stderr) text of a run, joined. */
export function streamText(result: RunResult, stream: 'stdout' | 'stderr'): string {
  return result.events.map((event) => (event.type === stream ? event.text : '')).join('');
}
