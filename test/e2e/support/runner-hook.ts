/// <reference lib="dom" />
import path from 'node:path';
import { build, type Plugin } from 'esbuild';
import type { Page } from 'playwright-core';
import type { RunEvent, RunExitEvent, RunRequest } from '../../../src/shared/run.schemas.js';

/*
 * Drives the real runner (src/web/run/runner.ts) on a real app page without
 * the Run UI: the runner is bundled here and served to the page at a
 * same-origin test address through Playwright's routing (the app's CSP
 * allows 'self' scripts; nothing is added to the app or the server).
 */

const HOOK_PATH = '/__test__/runner-hook.js';
/** Where the page gets the runner's TypeScript worker (Vite's `?worker` import, done here by esbuild). */
const WORKER_PATH = '/__test__/strip-types.worker.js';
const ROOT = path.resolve(import.meta.dirname, '../../..');
const WORKER_SOURCE = path.join(ROOT, 'src/web/run/strip-types.worker.ts');

/** Vite's `import W from './x.worker.ts?worker'`: a class whose instances are workers of that script. */
const viteWorkerImports: Plugin = {
  name: 'vite-worker-imports',
  setup(builder) {
    builder.onResolve({ filter: /\?worker$/ }, (args) => {
      const file = path.resolve(args.resolveDir, args.path.replace(/\?worker$/, ''));
      if (file !== WORKER_SOURCE) {
        throw new Error(`runner-hook serves one worker, not ${file}`);
      }
      return { path: file, namespace: 'vite-worker' };
    });
    builder.onLoad({ filter: /.*/, namespace: 'vite-worker' }, () => ({
      contents: `export default class { constructor() { return new Worker(${JSON.stringify(WORKER_PATH)}); } }`,
      loader: 'js',
    }));
  },
};

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

let bundles: Promise<[hook: string, worker: string]> | null = null;

async function bundleText(options: Parameters<typeof build>[0]): Promise<string> {
  const result = await build({ ...options, bundle: true, format: 'iife', write: false, platform: 'browser' });
  return result.outputFiles[0]?.text ?? '';
}

/** The runner as one script that puts __run (and __stop for the latest run) on window, and its worker. */
function runnerBundles(): Promise<[string, string]> {
  bundles ??= Promise.all([
    bundleText({
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
        resolveDir: ROOT,
        loader: 'ts',
      },
      plugins: [viteWorkerImports],
    }),
    bundleText({ entryPoints: [WORKER_SOURCE] }),
  ]);
  return bundles;
}

/** Loads the runner into the page (on a page of the app, after goto). */
export async function installRunner(page: Page, origin: string): Promise<void> {
  const [script, worker] = await runnerBundles();
  for (const [at, body] of [
    [HOOK_PATH, script],
    [WORKER_PATH, worker],
  ] as const) {
    await page.route(`${origin}${at}`, (route) =>
      route.fulfill({ status: 200, contentType: 'text/javascript', body }),
    );
  }
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
