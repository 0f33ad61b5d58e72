/// <reference lib="dom" />
import path from 'node:path';
import type { BrowserContext, Locator, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { CHROMIUM } from '../helpers/browser.js';
import { MESSAGES } from '../../src/shared/messages.js';
import { useRemoteModelsSuite } from './support/e2e-suite.js';
import {
  SCREENSHOTS,
  expectAccessible,
  expectNoHorizontalOverflow,
  generateAnswer,
  openSignedInPage,
  runRegion,
} from './support/generation-e2e.js';

/** An answer with code in every language Run takes, one that fails, and one Run does not take. */
const ANSWER = [
  'Here is the code.',
  '```python\nprint("hello from python")\nprint(sum(range(10)))\n```',
  '```javascript\nconsole.log("hello from javascript");\nconsole.error("a warning on stderr");\n```',
  '```typescript\nconst answer: number = 6 * 7;\nconsole.log(`typed answer ${answer}`);\n```',
  '```python\ndef check(value):\n    raise ValueError(f"bad value {value}")\n\ncheck(3)\n```',
  '```python\nname = input("Name? ")\nprint(f"hi {name}")\n```',
  '```rust\nfn main() {}\n```',
].join('\n\n');

/** Code that never ends. */
const ENDLESS = ['```python\nwhile True:\n    pass\n```', '```javascript\nfor (;;) {}\n```'].join('\n\n');

/** The localStorage setting of the run time limit the README documents (RUN_TIME_LIMIT_KEY in the web app). */
const RUN_TIME_LIMIT_KEY = 'codegenie.run.timeLimitMs';

describe.skipIf(!CHROMIUM)('Run code in the browser', () => {
  const { upstream, server, browser } = useRemoteModelsSuite('e2e-run', [['remote-chat', 'Remote Chat']], {
    resetEachTest: true,
  });

  /** Generate's answer to a scripted upstream answer, on a signed-in page; every request the context makes is recorded. */
  async function generate(text: string, options: Parameters<typeof openSignedInPage>[2] = {}) {
    const opened = await openSignedInPage(browser, server, options);
    const requests = recordRequests(opened.context);
    upstream.script([{ type: 'answer', text }]);
    await opened.page.goto(`${server.url}/`);
    await expect.poll(() => opened.page.getByLabel('Model').inputValue()).toBe('remote-chat');
    await generateAnswer(opened.page, 'Show me some code');
    return { ...opened, requests };
  }

  /** The code block that shows `text`. */
  const block = (page: Page, text: string) => runRegion(page).getByRole('figure').filter({ hasText: text });
  /** The output panel of a code block. */
  const output = (scope: Locator) => scope.getByRole('region', { name: /^Output of the / });
  const state = (scope: Locator) => output(scope).getByRole('status');
  const printed = (scope: Locator) => output(scope).getByTestId('run-output');
  /** Presses Run on a code block and waits for the run to end: the state line then ("Finished in 41 ms"). */
  const runToEnd = async (scope: Locator, language: string) => {
    await scope.getByRole('button', { name: `Run ${language} code` }).click();
    await expect
      .poll(() => state(scope).innerText(), { timeout: 60_000 })
      .toMatch(/^(Finished in|Failed after|Stopped after|Timed out after) /);
    return state(scope).innerText();
  };

  it('runs Python, JavaScript and TypeScript blocks, shows a traceback, explains the error; all from the app origin', async () => {
    const { page, context, problems, requests } = await generate(ANSWER);

    // Run is offered on the three languages; the Rust block says what Run takes instead of a dead button.
    expect(await runRegion(page).getByRole('button', { name: /^Run / }).count()).toBe(5);
    const rust = block(page, 'fn main()');
    expect(await rust.getByText(MESSAGES.runLanguages).isVisible()).toBe(true);
    expect(await rust.getByRole('button', { name: /^Run/ }).count()).toBe(0);
    // Nothing of Run has loaded yet: its panel and runner load on the first press, the runtimes after.
    expect(requests.filter((url) => /\/assets\/RunPanel-|\/runtime\//.test(url))).toEqual([]);
    const before = requests.length;

    const python = block(page, 'hello from python');
    expect(await runToEnd(python, 'Python')).toMatch(/^Finished in /);
    expect(await printed(python).innerText()).toBe('hello from python\n45\n');

    const javascript = block(page, 'hello from javascript');
    expect(await runToEnd(javascript, 'JavaScript')).toMatch(/^Finished in /);
    expect(await printed(javascript).innerText()).toContain('hello from javascript');
    // stderr is shown in order, marked apart from stdout.
    const stderr = printed(javascript).locator('.run-output__stderr');
    expect(await stderr.innerText()).toContain('a warning on stderr');

    const typescript = block(page, 'typed answer');
    expect(await runToEnd(typescript, 'TypeScript')).toMatch(/^Finished in /);
    expect(await printed(typescript).innerText()).toContain('typed answer 42');

    const failing = block(page, 'bad value');
    expect(await runToEnd(failing, 'Python')).toMatch(/^Failed after /);
    const traceback = await printed(failing).innerText();
    expect(traceback).toContain('Traceback');
    expect(traceback).toContain('in check');
    expect(traceback).toContain('ValueError: bad value 3');

    // input() without stdin is told so; with a line in the stdin box, the next run reads it.
    const asking = block(page, 'Name? ');
    expect(await runToEnd(asking, 'Python')).toMatch(/^Failed after /);
    expect(await printed(asking).innerText()).toContain(MESSAGES.runInputUnavailable);
    await output(asking).getByText('Input for the program').click();
    await output(asking)
      .getByLabel(/^Lines that input\(\) and stdin read/)
      .fill('Ada');
    // The panel still shows the first run's end until the second starts: wait for this run's own end.
    await asking.getByRole('button', { name: 'Run Python code' }).click();
    await expect.poll(() => state(asking).innerText(), { timeout: 60_000 }).toMatch(/^Finished in /);
    expect(await printed(asking).innerText()).toContain('hi Ada');

    await expectAccessible(page, 'run output');
    await page.screenshot({ path: path.join(SCREENSHOTS, 'run-output.png'), fullPage: true });

    // No request of the runs left the app's origin (the runtime files come from /runtime/ on it).
    const runRequests = requests.slice(before);
    expect(runRequests.some((url) => /\/assets\/RunPanel-[\w-]+\.js$/.test(url))).toBe(true);
    expect(runRequests.some((url) => url.includes('/runtime/'))).toBe(true);
    expect(runRequests.filter((url) => !url.startsWith(`${server.url}/`) && !isLocal(url))).toEqual([]);

    // "Explain this error" opens Explain with the code and the error as a comment.
    await failing.getByRole('button', { name: 'Explain this error' }).click();
    await page.waitForURL(`${server.url}/explain`);
    const editor = page.getByRole('textbox', { name: 'Code to explain' });
    await expect.poll(() => editor.innerText()).toContain('# ValueError: bad value 3');
    expect(await editor.innerText()).toContain('check(3)');
    expect(await page.getByLabel('Language of the code').inputValue()).toBe('python');
    await page.screenshot({ path: path.join(SCREENSHOTS, 'run-explain-error.png'), fullPage: true });

    // The Explain editor runs the code being explained too.
    const explainRun = page.getByRole('button', { name: 'Run code to explain' });
    await explainRun.click();
    const explainOutput = page.getByRole('region', { name: 'Output of the code to explain' });
    await expect
      .poll(() => explainOutput.getByRole('status').innerText(), { timeout: 30_000 })
      .toMatch(/^Failed/);

    // The same answer in History: its blocks run there too.
    await page.goto(`${server.url}/history`);
    await page
      .getByRole('link', { name: /Show me some code/ })
      .first()
      .click();
    const stored = page.getByRole('figure').filter({ hasText: 'hello from javascript' });
    expect(await runToEnd(stored, 'JavaScript')).toMatch(/^Finished in /);
    expect(await printed(stored).innerText()).toContain('hello from javascript');
    expect(problems).toEqual([]);
    await context.close();
  }, 180_000);

  it('stops an endless loop at the time limit and with Stop; the page stays responsive (phone, dark)', async () => {
    const { page, context, problems } = await generate(ENDLESS, {
      width: 390,
      height: 844,
      colorScheme: 'dark',
    });
    // A short time limit for this test (the default is 10 s): the localStorage setting the README documents.
    await setTimeLimit(page, 1500);

    const python = block(page, 'while True');
    expect(await runToEnd(python, 'Python')).toMatch(/^Timed out after /);
    expect(await output(python).getByRole('button', { name: 'Stop' }).count()).toBe(0);

    // A long limit: Stop ends the loop, and the page answers while it runs.
    await setTimeLimit(page, 120_000);
    const javascript = block(page, 'for (;;)');
    await javascript.getByRole('button', { name: 'Run JavaScript code' }).click();
    await expect.poll(() => state(javascript).innerText(), { timeout: 30_000 }).toBe('Running…');
    const prompt = page.getByLabel('Describe the code you want');
    await prompt.fill('');
    await prompt.pressSequentially('still typing');
    expect(await prompt.inputValue()).toBe('still typing');
    expect(await state(javascript).innerText()).toBe('Running…');
    await expectAccessible(page, 'run while running');
    await expectNoHorizontalOverflow(page);

    // Stop is reachable from the keyboard, and focus stays in the panel when it goes away.
    const stop = output(javascript).getByRole('button', { name: 'Stop' });
    await stop.focus();
    await page.keyboard.press('Enter');
    await expect.poll(() => state(javascript).innerText()).toMatch(/^Stopped after /);
    expect(await state(javascript).evaluate((el) => el === document.activeElement)).toBe(true);
    await page.screenshot({ path: path.join(SCREENSHOTS, 'run-stopped-phone-dark.png'), fullPage: true });
    expect(problems).toEqual([]);
    await context.close();
  }, 180_000);

  it('says so when the code runner cannot start, and the next Run starts it', async () => {
    const { page, context } = await generate('```python\nprint("runner back")\n```');
    const python = block(page, 'runner back');
    // The sandbox page fails to load: the run must end "failed" with a reason, not stay "Running…".
    await page.route('**/runtime/sandbox.html', (route) => route.abort());
    expect(await runToEnd(python, 'Python')).toMatch(/^Failed after /);
    expect(await printed(python).innerText()).toContain(MESSAGES.runSandboxFailed);
    await page.unroute('**/runtime/sandbox.html');
    await python.getByRole('button', { name: 'Run Python code' }).click();
    await expect.poll(() => state(python).innerText(), { timeout: 60_000 }).toMatch(/^Finished in /);
    expect(await printed(python).innerText()).toContain('runner back');
    await context.close();
  }, 120_000);

  it("model-written code that calls the app's API gets nothing, and the session still works", async () => {
    // The code a model could write to act as the user: read the account, then sign the user out.
    const me = `${server.url}/api/auth/me`;
    const code = [
      `fetch(${JSON.stringify(me)}, { credentials: 'include' })`,
      "  .then(async (r) => console.log('read ' + r.status + ' ' + (await r.text())))",
      "  .catch((e) => console.log('read refused: ' + e.name));",
      `fetch(${JSON.stringify(`${server.url}/api/auth/logout`)}, { method: 'POST', credentials: 'include' })`,
      "  .then((r) => console.log('logout ' + r.status))",
      "  .catch((e) => console.log('logout refused: ' + e.name));",
    ].join('\n');
    const { page, context, problems, user } = await generate(`\`\`\`javascript\n${code}\n\`\`\``);
    const caller = block(page, 'credentials');
    expect(await runToEnd(caller, 'JavaScript')).toMatch(/^Finished in /);
    const out = await printed(caller).innerText();
    expect(out).toContain('read refused');
    expect(out).toContain('logout refused');
    const username = String(user.username);
    expect(out).not.toContain(username);
    // Still signed in: the page's own request to the API answers with the account.
    const still = await page.evaluate(async () => {
      const res = await fetch('/api/auth/me');
      return { status: res.status, body: await res.text() };
    });
    expect(still.status).toBe(200);
    expect(still.body).toContain(username);
    expect(problems.filter((p) => !p.includes('Content Security Policy'))).toEqual([]);
    await context.close();
  }, 120_000);
});

/** Sets the run time limit, in milliseconds, for the page's next runs. */
async function setTimeLimit(page: Page, ms: number): Promise<void> {
  await page.evaluate(
    ([key, value]) => {
      localStorage.setItem(key, value);
    },
    [RUN_TIME_LIMIT_KEY, String(ms)] as const,
  );
}

/** Every URL the context requests, from now on (pages, frames and workers). */
function recordRequests(context: BrowserContext): string[] {
  const urls: string[] = [];
  context.on('request', (request) => {
    urls.push(request.url());
  });
  return urls;
}

/** blob: and data: URLs the sandbox makes itself: no network. */
function isLocal(url: string): boolean {
  return url.startsWith('blob:') || url.startsWith('data:');
}
