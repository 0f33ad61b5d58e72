/// <reference lib="dom" />
import { describe, expect, it } from 'vitest';
import type { Request } from 'playwright-core';
import { CHROMIUM } from '../helpers/browser.js';
import { MESSAGES } from '../../src/shared/messages.js';
import { RUN_MEMORY_LIMIT_BYTES } from '../../src/shared/run.js';
import { openSignedInPage } from './support/generation-e2e.js';
import { useBrowser, useWebServer } from './support/e2e-suite.js';
import { installRunner, runInPage, streamText } from './support/runner-hook.js';

/*
 * The code runner (issue 15) in Chromium on a signed-in app page: code runs
 * in a sandboxed frame's worker, from files the app itself serves, and can
 * neither read the app's cookies, storage or DOM nor call its API as the user.
 */

/** JavaScript that tries everything run code must not be able to do, and prints what happened. */
function attackCode(origin: string): string {
  return `
    const results = {};
    const attempt = async (name, fn) => {
      try {
        results[name] = 'succeeded: ' + String(await fn()).slice(0, 200);
      } catch (error) {
        results[name] = 'blocked: ' + error.name;
      }
    };
    const origin = ${JSON.stringify(origin)};
    await attempt('cookie', () => document.cookie);
    await attempt('localStorage', () => localStorage.getItem('codegenie.theme'));
    await attempt('indexedDB', () => new Promise((resolve, reject) => {
      const open = indexedDB.open('probe');
      open.onsuccess = () => resolve('opened');
      open.onerror = () => reject(open.error);
    }));
    await attempt('parentDom', () => parent.document.body.innerHTML);
    await attempt('me', async () => {
      const res = await fetch(origin + '/api/auth/me', { credentials: 'include' });
      return res.status + ' ' + (await res.text());
    });
    await attempt('logout', async () => {
      const res = await fetch(origin + '/api/auth/logout', { method: 'POST', credentials: 'include' });
      return res.status;
    });
    await attempt('xhr', () => new Promise((resolve, reject) => {
      const xhr = new XMLHttpRequest();
      xhr.open('GET', origin + '/api/history?from=sandbox');
      xhr.withCredentials = true;
      xhr.onload = () => resolve(xhr.status);
      xhr.onerror = () => reject(new TypeError('network'));
      xhr.send();
    }));
    await attempt('importScripts', () => importScripts(origin + '/api/auth/me'));
    await attempt('beacon', () => {
      if (!navigator.sendBeacon(origin + '/api/auth/logout', 'x')) {
        throw new TypeError('refused');
      }
      return 'queued';
    });
    await attempt('outside', async () => (await fetch('http://example.com/')).status);
    console.log(JSON.stringify(results));
  `;
}

describe.skipIf(!CHROMIUM)('Run code: the sandbox', () => {
  const server = useWebServer({ name: 'e2e-run-isolation' });
  const browser = useBrowser();

  /** A signed-in app page with the runner loaded, and every request it (or a frame or worker in it) makes. */
  const openRunnerPage = async () => {
    const opened = await openSignedInPage(browser, server, { accountPrefix: 'run' });
    // What reached a server (answered), and what the browser stopped before it left (the sandbox's CSP).
    const requests: string[] = [];
    opened.context.on('response', (response) =>
      requests.push(`${response.request().method()} ${response.url()}`),
    );
    opened.context.on('requestfailed', (request: Request) => {
      if (request.failure()?.errorText !== 'csp') {
        requests.push(`FAILED ${request.method()} ${request.url()} ${request.failure()?.errorText}`);
      }
    });
    await opened.page.goto(`${server.url}/`);
    // The app's own first requests are done before any run starts.
    await opened.page.waitForLoadState('networkidle');
    await installRunner(opened.page, server.url);
    return { ...opened, requests };
  };

  it('Python prints, reads stdin, reports a traceback, and the runtime comes from the app alone', async () => {
    const { page, problems, requests } = await openRunnerPage();
    const before = requests.length;

    const printed = await runInPage(page, {
      language: 'python',
      code: 'name = input()\nprint(f"hello {name}")\nif __name__ == "__main__":\n    print(sum(range(10)))',
      stdin: 'Ada\n',
    });
    expect(printed.exit).toMatchObject({ state: 'finished', truncated: false });
    expect(streamText(printed, 'stdout')).toBe('hello Ada\n45\n');
    // The first Python run: the sandbox takes the code, the runtime loads, then the code starts.
    const phases = printed.events.flatMap((event) => (event.type === 'loading' ? [event.phase] : []));
    expect(phases).toEqual(['sandbox', 'runtime', 'sandbox']);

    const failed = await runInPage(page, {
      language: 'python',
      code: 'def divide(a, b):\n    return a / b\n\nprint("before")\ndivide(1, 0)\n',
    });
    expect(streamText(failed, 'stdout')).toBe('before\n');
    expect(failed.exit.state).toBe('failed');
    expect(failed.exit.error).toMatchObject({ name: 'ZeroDivisionError', message: 'division by zero' });
    expect(failed.exit.error?.traceback).toContain('Traceback (most recent call last):');
    expect(failed.exit.error?.traceback).toContain('in divide');
    expect(failed.exit.error?.traceback).not.toContain('_pyodide');

    const noInput = await runInPage(page, { language: 'python', code: 'print(input())' });
    expect(noInput.exit.state).toBe('failed');
    expect(noInput.exit.error?.name).toBe('EOFError');
    expect(streamText(noInput, 'stderr')).toContain(MESSAGES.runInputUnavailable);

    // The memory bound: WebAssembly memory may not grow past RUN_MEMORY_LIMIT_BYTES.
    const hungry = await runInPage(page, {
      language: 'python',
      code: `try:\n    big = bytearray(${RUN_MEMORY_LIMIT_BYTES})\nexcept MemoryError:\n    print("MemoryError")\nsmall = bytearray(1024)\nprint(len(small))`,
    });
    expect(streamText(hungry, 'stdout')).toBe('MemoryError\n1024\n');

    // Every file came from the app's own origin: its runtime folder, nothing else.
    const during = requests.slice(before);
    expect(during.some((line) => line.includes('/runtime/pyodide/'))).toBe(true);
    expect(during.filter((line) => !line.startsWith(`GET ${server.url}/runtime/`))).toEqual([]);
    expect(problems).toEqual([]);
  });

  it('JavaScript and TypeScript print in order, a thrown error fails the run, output stops at 100 KB', async () => {
    const { page, problems } = await openRunnerPage();
    const js = await runInPage(page, {
      language: 'javascript',
      code: 'console.log("one", 2, { three: 3 });\nconsole.error("warned");\nsetTimeout(() => console.log("later"), 5);\nawait Promise.resolve();\nconsole.log("after await");',
    });
    expect(js.exit.state).toBe('finished');
    expect(js.events.filter((e) => e.type === 'stdout' || e.type === 'stderr')).toEqual([
      { type: 'stdout', text: 'one 2 { "three": 3 }\n' },
      { type: 'stderr', text: 'warned\n' },
      { type: 'stdout', text: 'after await\n' },
      { type: 'stdout', text: 'later\n' },
    ]);

    // Like Node, the run lasts while timers are pending: a cleared timeout never fires, an interval ends when cleared.
    const timers = await runInPage(page, {
      language: 'javascript',
      code: 'const t = setTimeout(() => console.log("never"), 1);\nclearTimeout(t);\nlet n = 0;\nconst i = setInterval(() => { if (++n === 3) { clearInterval(i); console.log("ticked", n); } }, 1);',
    });
    expect(timers.exit.state).toBe('finished');
    expect(streamText(timers, 'stdout')).toBe('ticked 3\n');

    const ts = await runInPage(page, {
      language: 'typescript',
      code: 'interface P { x: number }\nconst p: P = { x: 41 };\nfunction inc(n: number): number { return n + 1; }\nconsole.log(inc(p.x));\nthrow new RangeError("too far");',
    });
    expect(streamText(ts, 'stdout')).toBe('42\n');
    expect(ts.exit).toMatchObject({ state: 'failed', error: { name: 'RangeError', message: 'too far' } });

    // TypeScript that does not parse fails before it runs, with the transpiler's message.
    const unreadable = await runInPage(page, { language: 'typescript', code: 'let x: = 1;' });
    expect(unreadable.exit).toMatchObject({
      state: 'failed',
      error: { name: 'SyntaxError', message: 'Unexpected token (1:8)' },
    });

    const flood = await runInPage(page, {
      language: 'javascript',
      code: 'for (let i = 0; i < 50000; i++) console.log("line " + i);',
    });
    expect(flood.exit).toMatchObject({ state: 'finished', truncated: true });
    expect(new TextEncoder().encode(streamText(flood, 'stdout')).length).toBe(100 * 1024);
    expect(problems).toEqual([]);
  });

  it('run code reads no cookie, storage or DOM of the app, cannot call the API as the user, and sends nothing off the origin', async () => {
    const { page, requests } = await openRunnerPage();
    const before = requests.length;

    const js = await runInPage(page, { language: 'javascript', code: attackCode(server.url) });
    expect(js.exit.state).toBe('finished');
    const results = JSON.parse(streamText(js, 'stdout')) as Record<string, string>;
    expect(Object.keys(results)).toHaveLength(10);
    for (const [name, outcome] of Object.entries(results)) {
      expect(`${name}: ${outcome}`).toMatch(/^\w+: blocked: /);
    }

    const py = await runInPage(page, {
      language: 'python',
      code: [
        'import js',
        'for what in ("document.cookie", "localStorage"):',
        '    try:',
        '        print(what, eval("js." + what))',
        '    except Exception as e:',
        '        print(what, "blocked", type(e).__name__)',
        'try:',
        `    res = await js.fetch(${JSON.stringify(`${server.url}/api/auth/me`)}, js.Object.fromEntries([["credentials", "include"]]))`,
        '    print("me", res.status)',
        'except Exception as e:',
        '    print("me blocked", type(e).__name__)',
      ].join('\n'),
    });
    expect(py.exit.state).toBe('finished');
    expect(streamText(py, 'stdout').trim().split('\n')).toEqual([
      'document.cookie blocked AttributeError',
      'localStorage blocked AttributeError',
      'me blocked JsException',
    ]);

    // Nothing reached the API or left the origin during the runs (the attempts were stopped by the
    // sandbox's CSP in the browser): only the runtime's files were fetched.
    const during = requests.slice(before);
    expect(during.filter((line) => !line.startsWith(`GET ${server.url}/runtime/`))).toEqual([]);
    // The user's session still works, and is still theirs.
    const me = await page.evaluate(async () => {
      const res = await fetch('/api/auth/me');
      return res.status;
    });
    expect(me).toBe(200);
  });

  it('an endless loop is ended by the time limit and by Stop while the page stays responsive; the next run works', async () => {
    const { page } = await openRunnerPage();
    const timedOut = await runInPage(page, {
      language: 'python',
      code: 'print("looping", flush=True)\nwhile True:\n    pass',
      timeoutMs: 1500,
    });
    expect(timedOut.exit.state).toBe('timed_out');
    expect(streamText(timedOut, 'stdout')).toBe('looping\n');

    const running = runInPage(page, {
      language: 'javascript',
      code: 'console.log("spinning");\nfor (;;) {}',
    });
    await expect
      .poll(() => page.evaluate(() => (window.__events ?? []).some((e) => e.type === 'stdout')))
      .toBe(true);
    // The page answers while the loop spins (it runs in the sandbox's worker).
    await page.getByRole('link', { name: 'History' }).first().click();
    await page.waitForURL(`${server.url}/history`);
    await page.evaluate(() => window.__stop?.());
    expect((await running).exit.state).toBe('stopped');

    const after = await runInPage(page, { language: 'python', code: 'print("again")' });
    expect(after.exit.state).toBe('finished');
    expect(streamText(after, 'stdout')).toBe('again\n');
  });
});
