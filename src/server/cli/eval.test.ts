import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { CliRun } from '../../../test/helpers/cli.js';
import { reportIn, startEvalCli, type EvalCliSetup } from '../../../test/helpers/eval-cli.js';
import type { OpenAiStep, OpenAiTestServer } from '../../../test/helpers/openai-server.js';
import type { Problem } from '../eval/dataset.js';
import { requestFor } from '../eval/program.js';

/**
 * `npm run eval` as an operator runs it: a child process, a data file of
 * three problems the test writes, and a remote model (the OpenAI test
 * server) scripted to answer one right, one wrong and one with a loop that
 * never ends, stopped by the product's own --timeout. Then the same on a
 * real llama.cpp model with random weights.
 */

const PROBLEMS: Problem[] = [
  {
    task_id: 'Tiny/0',
    prompt:
      'def add(a: int, b: int) -> int:\n    """Return the sum of a and b.\n    >>> add(2, 3)\n    5\n    """\n',
    test: 'def check(candidate):\n    assert candidate(2, 3) == 5\n    assert candidate(-1, 1) == 0\n',
    entry_point: 'add',
  },
  {
    task_id: 'Tiny/1',
    prompt: 'def is_palindrome(text: str) -> bool:\n    """Whether text reads the same backwards."""\n',
    test: 'def check(candidate):\n    assert candidate("abba")\n    assert not candidate("abc")\n',
    entry_point: 'is_palindrome',
  },
  {
    task_id: 'Tiny/2',
    prompt: 'def count_up(n: int) -> list:\n    """[1, 2, ..., n]."""\n',
    test: 'def check(candidate):\n    assert candidate(3) == [1, 2, 3]\n',
    entry_point: 'count_up',
  },
];

const fenced = (code: string): string => `Here you go:\n\n\`\`\`python\n${code}\n\`\`\`\n\nThis should work.`;
const RIGHT = fenced('def add(a: int, b: int) -> int:\n    return a + b');
const WRONG = fenced('def is_palindrome(text: str) -> bool:\n    return True');
const ENDLESS = fenced('def count_up(n: int) -> list:\n    while True: pass');

let cli: EvalCliSetup;
let dir: string;
let upstream: OpenAiTestServer;

/** The answer for the problem a request is about (by the function named in it). */
function answers(
  byFunction: Record<string, OpenAiStep>,
): (request: { body: { messages?: { content: string }[] } }) => OpenAiStep {
  return (request) => {
    const text = request.body.messages?.at(-1)?.content ?? '';
    const name = Object.keys(byFunction).find((fn) => text.includes(`def ${fn}(`));
    return (
      (name === undefined ? undefined : byFunction[name]) ?? {
        type: 'error',
        status: 500,
        message: 'unscripted',
      }
    );
  };
}

/** The arguments of an eval of `model` on the data file `data` (in the scratch folder), its report in `out`. */
function evalArgs(model: string, data: string, out: string, ...options: string[]): string[] {
  return ['--model', model, '--data', path.join(dir, data), '--out', out, ...options];
}

const evalRun = (...args: Parameters<typeof evalArgs>): Promise<CliRun> => cli.run(evalArgs(...args));

beforeAll(async () => {
  cli = await startEvalCli(PROBLEMS);
  ({ dir, upstream } = cli);
});
beforeEach(() => {
  upstream.reset();
});
afterAll(() => cli.close());

describe('npm run eval', () => {
  // The same run on both runners: the report does not depend on where programs ran.
  it.each(['pyodide', 'python3'])(
    'scores one right, one wrong and one endless answer as pass@1 1/3, and reports it (%s runner)',
    async (runner) => {
      upstream.script(
        answers({
          add: { type: 'answer', text: RIGHT },
          is_palindrome: { type: 'answer', text: WRONG },
          count_up: { type: 'answer', text: ENDLESS },
        }),
      );
      const out = path.join(dir, `out-1-${runner}`);
      const run = await evalRun('remote-coder', 'tiny.jsonl', out, '--timeout', '1', '--runner', runner);

      expect(run.stderr).not.toContain('eval failed');
      expect(run.code).toBe(0);
      expect(run.stdout).toContain(
        'pass@1 33.3% (1/3) Remote Coder (remote-coder)\n  passed 1, failed 1, timed out 1, no code 0, errors 0\n',
      );
      // Not a terminal: one progress line per 10 %, ending at 100 %.
      expect(run.stderr).toMatch(/^\[-{30}\] {3}0% {2}0\/3$/m);
      expect(run.stderr).toMatch(/^\[#{30}\] 100% {2}3\/3 {2}pass@1 33\.3% {2}Tiny\/2 timed-out$/m);

      const report = reportIn(out);
      expect(report.complete).toBe(true);
      expect(report.totals).toMatchObject({
        problems: 3,
        passed: 1,
        failed: 1,
        timedOut: 1,
        noCode: 0,
        error: 0,
        passAt1: 1 / 3,
      });
      expect(report.problems.map((p) => [p.taskId, p.outcome, p.message])).toEqual([
        ['Tiny/0', 'passed', null],
        ['Tiny/1', 'failed', 'AssertionError'],
        ['Tiny/2', 'timed-out', 'stopped after 1 s'],
      ]);
      expect(report.problems[0]?.code).toBe('def add(a: int, b: int) -> int:\n    return a + b');
      expect(report.settings).toMatchObject({
        limit: null,
        temperature: 0,
        maxTokens: null,
        timeoutSeconds: 1,
        memoryMiB: 1024,
      });
      expect(report.dataset).toMatchObject({ source: path.join(dir, 'tiny.jsonl'), problems: 3 });
      expect(
        fs.readFileSync(path.join(out, fs.readdirSync(out).find((f) => f.endsWith('.md')) ?? ''), 'utf8'),
      ).toContain('| Tiny/2 | timed-out |');

      // The same request the web app would send: the chat prompt for Python, greedy, the model's max tokens.
      const first = upstream.requests[0]?.body;
      expect(first?.messages?.at(-1)?.content).toBe(requestFor(PROBLEMS[0] as Problem));
      expect(first?.messages?.[0]?.content).toContain('in Python');
      expect(first?.temperature).toBe(0);
      expect(first?.max_tokens).toBe(512);
      expect(report.settings.python).toMatch(
        runner === 'pyodide' ? /^3\.\d+\.\d+ \(Pyodide \d+\.\d+\.\d+\)$/ : /^3\.\d+\.\d+$/,
      );
    },
    // A tsx child that loads Pyodide once per program: 25-30 s on a loaded 2-core machine.
    120_000,
  );

  it('counts an empty answer as no code and a model failure as an error, and honours --limit and sampling options', async () => {
    upstream.script(
      answers({
        add: { type: 'answer', text: '' },
        is_palindrome: { type: 'error', status: 400, message: 'context too long' },
      }),
    );
    const out = path.join(dir, 'out-2');
    const sampling = ['--limit', '2', '--temperature', '0.5', '--max-tokens', '100'];
    const run = await evalRun('remote-coder', 'tiny.jsonl', out, ...sampling);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('pass@1 0.0% (0/2)');
    const report = reportIn(out);
    expect(report.problems.map((p) => p.outcome)).toEqual(['no-code', 'error']);
    expect(report.problems[1]?.message).toContain('context too long');
    expect(report.settings).toMatchObject({ limit: 2, temperature: 0.5, maxTokens: 100 });
    expect(upstream.requests.map((r) => [r.body.temperature, r.body.max_tokens])).toEqual([
      [0.5, 100],
      [0.5, 100],
    ]);
  });

  it('gives up on a model that keeps failing: exit 1, with the report of what ran', async () => {
    upstream.script(() => ({
      type: 'error',
      status: 404,
      message: 'The model `test-model` does not exist.',
    }));
    const many = Array.from({ length: 7 }, (_, i) => ({ ...PROBLEMS[0], task_id: `Many/${i}` }));
    fs.writeFileSync(path.join(dir, 'many.jsonl'), many.map((p) => JSON.stringify(p)).join('\n'));
    const out = path.join(dir, 'out-5');
    const run = await evalRun('remote-coder', 'many.jsonl', out);
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('incomplete: stopped after 5 model errors in a row');
    const report = reportIn(out);
    expect(report).toMatchObject({ complete: false, totals: { problems: 5, error: 5 } });
    expect(upstream.requests).toHaveLength(5);
  });

  it('stops cleanly on Ctrl-C and still writes the partial report', async () => {
    upstream.script(answers({ add: { type: 'answer', text: RIGHT }, is_palindrome: { type: 'hang' } }));
    const out = path.join(dir, 'out-3');
    const { child, result } = cli.spawn(evalArgs('remote-coder', 'tiny.jsonl', out));
    void upstream.waitForRequest(1, 30_000).then(() => child.kill('SIGINT'));
    const run = await result;
    expect(run.code).toBe(130);
    expect(run.stdout).toContain('pass@1 100.0% (1/1)');
    expect(run.stdout).toContain('incomplete: interrupted; 1 of 3 problems ran');
    const report = reportIn(out);
    expect(report).toMatchObject({ complete: false, stoppedEarly: 'interrupted' });
    expect(report.problems.map((p) => p.outcome)).toEqual(['passed']);
    // The hanging request was given up, not left open.
    await upstream.requests[1]?.ended;
    expect(upstream.requests[1]?.outcome).toBe('client-closed');
  });

  it('runs on a real local model (llama.cpp, random weights) and reports it', async () => {
    const out = path.join(dir, 'out-4');
    const args = evalArgs(
      'tiny-base',
      'tiny.jsonl',
      out,
      '--limit',
      '1',
      '--max-tokens',
      '24',
      '--timeout',
      '2',
    );
    // Neither --runner nor PYTHON: the answer runs on Pyodide, the default.
    const run = await cli.run(args, { PYTHON: '' });
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('pass@1 0.0% (0/1) Tiny Base (tiny-base)');
    const report = reportIn(out);
    expect(report.complete).toBe(true);
    const [only] = report.problems;
    // Random weights write random text: never right, but a real answer that was really run.
    expect(['failed', 'timed-out']).toContain(only?.outcome);
    expect(only?.completionTokens).toBeGreaterThan(0);
    // A base model continues the prompt's code: the scored code starts with it.
    expect(only?.code?.startsWith(PROBLEMS[0]?.prompt.trimEnd() ?? '-')).toBe(true);
    expect(report.settings.python).toMatch(/ \(Pyodide \d+\.\d+\.\d+\)$/);
  });

  it("checks a local model's file before the first problem: a wrong file is removed and the run refused", async () => {
    const modelsDir = path.join(dir, 'data', 'models');
    fs.mkdirSync(modelsDir, { recursive: true });
    const size = fs.statSync(path.join(dir, 'tiny.gguf')).size;
    const sha = createHash('sha256')
      .update(fs.readFileSync(path.join(dir, 'tiny.gguf')))
      .digest('hex');
    // Copied in by hand under the pinned name, with the right size but other bytes.
    const pinned = path.join(modelsDir, `tiny-pinned-${sha.slice(0, 12)}.gguf`);
    fs.writeFileSync(pinned, Buffer.alloc(size, 1));
    const run = await evalRun('tiny-pinned', 'tiny.jsonl', path.join(dir, 'out-pinned'));
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(
      'Tiny Pinned is not downloaded yet. Run: npm run models -- pull tiny-pinned',
    );
    expect(fs.existsSync(pinned)).toBe(false);
    expect(fs.existsSync(path.join(dir, 'out-pinned'))).toBe(false);
  });

  it('explains what is wrong before running anything', async () => {
    fs.writeFileSync(path.join(dir, 'bad.jsonl'), `${JSON.stringify(PROBLEMS[0])}\n{"task_id": "x"}\n`);
    // Independent runs, started together: each is a Node start-up.
    const [usage, badNumber, unknown, noPython, badData] = await Promise.all([
      cli.run([]),
      cli.run(['--model', 'remote-coder', '--timeout', '0']),
      cli.run(['--model', 'nope']),
      cli.run(['--model', 'remote-coder'], { PYTHON: path.join(dir, 'no-python') }),
      cli.run(['--model', 'remote-coder', '--data', path.join(dir, 'bad.jsonl')]),
    ]);
    const badRunner = await cli.run(['--model', 'remote-coder', '--runner', 'docker']);
    expect(badRunner.code).toBe(2);
    expect(badRunner.stderr).toContain('--runner must be one of pyodide, python3, not "docker"');
    expect([usage.code, usage.stderr]).toEqual([2, expect.stringContaining('--model <id> is required')]);
    expect(badNumber.code).toBe(2);
    expect(badNumber.stderr).toContain('--timeout must be a number from 0.1 to 3600, not "0"');
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('There is no model "nope" in');
    expect(noPython.code).toBe(1);
    expect(noPython.stderr).toContain(
      `eval needs python3 on PATH; set PYTHON=/path/to/python3 to use another interpreter (${path.join(dir, 'no-python')} was not found).`,
    );
    expect(badData.code).toBe(1);
    expect(badData.stderr).toContain('bad.jsonl line 2 is not a problem: prompt:');
    expect(upstream.requests).toHaveLength(0);
  });
});
