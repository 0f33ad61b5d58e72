import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { reportIn, startEvalCli, type EvalCliSetup } from '../../../test/helpers/eval-cli.js';
import type { RecordedRequest } from '../../../test/helpers/openai/recorder.js';
import type { OpenAiStep } from '../../../test/helpers/openai-server.js';
import type { Problem } from '../eval/dataset.js';

/**
 * `npm run eval -- --repair N` as an operator runs it (a child process, a
 * three-problem data file, the OpenAI test server as the model): a model
 * that answers wrong code first and the right code once it sees its failing
 * test goes from 0 % to 100 %; a model that never passes stops after N fix
 * rounds; tests that never end are stopped by --timeout and count as a
 * failure. The hidden tests are never in what the model is sent.
 */

const PROBLEMS: Problem[] = [
  {
    task_id: 'Fix/0',
    prompt: 'from typing import List\n\n\ndef total(xs: List[int]) -> int:\n    """Sum of xs."""\n',
    test: 'def check(candidate):\n    assert candidate([1, 2, 3]) == 6\n    assert candidate([]) == 0\n',
    entry_point: 'total',
  },
  {
    task_id: 'Fix/1',
    prompt: 'def shout(text: str) -> str:\n    """text in upper case with a "!" after it."""\n',
    test: 'def check(candidate):\n    assert candidate("hi") == "HI!"\n',
    entry_point: 'shout',
  },
  {
    task_id: 'Fix/2',
    prompt: 'def double(n: int) -> int:\n    """Twice n."""\n',
    test: 'def check(candidate):\n    assert candidate(4) == 8\n',
    entry_point: 'double',
  },
];

/** An answer in the repair format: the function, then its tests under `# tests`. */
const twoBlocks = (code: string, tests: string): OpenAiStep => ({
  type: 'answer',
  text: `Here is the function:\n\n\`\`\`python\n${code}\n\`\`\`\n\nAnd tests:\n\n\`\`\`python\n# tests\n${tests}\n\`\`\`\n`,
});

/** Per function: the wrong code, the right code and the model's tests (no imports: the prompt's are kept). */
const CODE: Record<string, { wrong: string; right: string; tests: string }> = {
  total: {
    wrong: 'def total(xs: List[int]) -> int:\n    return len(xs)',
    right: 'def total(xs: List[int]) -> int:\n    return sum(xs)',
    tests: 'assert total([2, 2, 2]) == 6',
  },
  shout: {
    wrong: 'def shout(text: str) -> str:\n    return text.upper()',
    right: 'def shout(text: str) -> str:\n    return text.upper() + "!"',
    tests: 'assert shout("a") == "A!"',
  },
  double: {
    wrong: 'def double(n: int) -> int:\n    return n + 2',
    right: 'def double(n: int) -> int:\n    return n * 2',
    tests: 'assert double(3) == 6',
  },
};

/** Everything the model was sent in a request. */
const sentText = (request: RecordedRequest): string =>
  (request.body.messages ?? []).map((m) => m.content).join('\n');

/** The function a request is about: the one named in the problem's prompt (the thread's first turn). */
const functionOf = (request: RecordedRequest): string =>
  Object.keys(CODE).find((fn) => sentText(request).includes(`def ${fn}(`)) ?? '';

/** True when the turn being answered reports a failing run. */
const afterFailure = (request: RecordedRequest): boolean =>
  (request.body.messages?.at(-1)?.content ?? '').startsWith('Running the code with your tests');

let cli: EvalCliSetup;
let dir: string;

beforeAll(async () => {
  cli = await startEvalCli(PROBLEMS);
  dir = cli.dir;
});
beforeEach(() => {
  cli.upstream.reset();
});
afterAll(() => cli.close());

describe('npm run eval -- --repair', () => {
  it('scores wrong-first, right-after-a-failing-test answers 0 % without repair and 100 % with --repair 1', async () => {
    cli.upstream.script((request) => {
      const fn = CODE[functionOf(request)];
      return fn === undefined
        ? { type: 'error', status: 500, message: 'unscripted' }
        : twoBlocks(afterFailure(request) ? fn.right : fn.wrong, fn.tests);
    });
    const out = path.join(dir, 'out-repair-1');
    // python3: the loop does not depend on the runner, and twelve Pyodide starts take minutes on a shared machine.
    const args = ['--model', 'remote-coder', '--data', cli.data, '--out', out, '--repair', '1'];
    const run = await cli.run([...args, '--runner', 'python3']);

    expect(run.stderr).not.toContain('eval failed');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(
      'pass@1 100.0% (3/3) Remote Coder (remote-coder) with repair (--repair 1)\n' +
        '  without repair 0.0% (0/3), with repair (--repair 1) 100.0% (3/3)\n' +
        '  without repair is the first answer of this same run',
    );
    expect(run.stdout).toContain(
      'fix rounds used: 0 fixes: 0, 1 fix: 3; mean 1.00; own tests passed in 3 of 3',
    );
    expect(run.stderr).toContain('with repair (up to 1 fix round)\n');

    const report = reportIn(out);
    expect(report.settings).toMatchObject({ repair: 1 });
    expect(report.repair).toMatchObject({
      rounds: 1,
      withoutRepair: { passed: 0, passAt1: 0 },
      withRepair: { passed: 3, passAt1: 1 },
      fixesUsed: [0, 3],
      meanFixes: 1,
      ownTestsPassed: 3,
    });
    expect(report.repair?.msPerProblem).toBeGreaterThan(0);
    expect(report.problems.map((p) => [p.outcome, p.repair?.first.outcome, p.repair?.loop.status])).toEqual([
      ['passed', 'failed', 'passed'],
      ['passed', 'failed', 'passed'],
      ['passed', 'failed', 'passed'],
    ]);
    const [total] = report.problems;
    expect(total?.code).toBe(CODE.total?.right);
    expect(total?.repair?.first.code).toBe(CODE.total?.wrong);
    expect(total?.repair?.rounds.map((r) => [r.kind, r.run?.status])).toEqual([
      ['first', 'failed'],
      ['fix', 'passed'],
    ]);
    const md = fs.readFileSync(
      path.join(out, fs.readdirSync(out).find((f) => f.endsWith('.md')) ?? ''),
      'utf8',
    );
    expect(md).toContain('| Without repair | 0.0% | 0 |\n| With repair | 100.0% | 3 |');
    expect(md).toContain('| Fix/0 | failed | passed | 1 | passed |');

    // Two turns per problem; the fix turn is the thread so far plus the failure of the model's own test.
    expect(cli.upstream.requests).toHaveLength(6);
    const fix = cli.upstream.requests[1]?.body.messages ?? [];
    expect(fix.map((m) => m.role)).toEqual(['system', 'user', 'assistant', 'user']);
    expect(fix.at(-1)?.content).toContain('AssertionError');
    expect(fix.at(-1)?.content).toContain('assert total([2, 2, 2]) == 6');
    // Only what a user's run shows: the problem's own tests never reach the model.
    for (const request of cli.upstream.requests) {
      expect(sentText(request)).not.toContain('def check(candidate)');
    }
  });

  it('stops a model that never passes after N fix rounds, and counts tests that never end as a failure', async () => {
    cli.upstream.script((request) => {
      const fn = functionOf(request);
      const code = CODE[fn];
      if (code === undefined) {
        return { type: 'error', status: 500, message: 'unscripted' };
      }
      // total: always wrong. shout: wrong, with tests that never end. double: right at once.
      return fn === 'shout'
        ? twoBlocks(code.wrong, 'while True:\n    pass')
        : twoBlocks(fn === 'double' ? code.right : code.wrong, code.tests);
    });
    const out = path.join(dir, 'out-repair-2');
    const args = ['--model', 'remote-coder', '--data', cli.data, '--out', out, '--repair', '2'];
    const run = await cli.run([...args, '--runner', 'python3', '--timeout', '1']);

    expect(run.code).toBe(0);
    expect(run.stdout).toContain('pass@1 33.3% (1/3) Remote Coder (remote-coder) with repair (--repair 2)');
    expect(run.stdout).toContain('fix rounds used: 0 fixes: 1, 1 fix: 0, 2 fixes: 2; mean 1.33');
    const report = reportIn(out);
    const [never, endless, right] = report.problems;
    expect(never?.repair?.loop).toMatchObject({ status: 'failed', fixes: 2, lastRun: { status: 'failed' } });
    expect(never?.repair?.rounds).toHaveLength(3);
    expect(never?.outcome).toBe('failed');
    expect(endless?.repair?.loop).toMatchObject({
      status: 'failed',
      fixes: 2,
      lastRun: { status: 'timed-out' },
    });
    expect(endless?.repair?.rounds.map((r) => r.run?.status)).toEqual([
      'timed-out',
      'timed-out',
      'timed-out',
    ]);
    expect(endless?.outcome).toBe('failed');
    expect(right?.repair).toMatchObject({
      fixes: 0,
      loop: { status: 'passed' },
      first: { outcome: 'passed' },
    });
    // 3 + 3 + 1 turns: no turn after the last allowed fix round.
    expect(cli.upstream.requests).toHaveLength(7);
    const endlessFix = cli.upstream.requests.find((r) => functionOf(r) === 'shout' && afterFailure(r));
    expect(endlessFix?.body.messages?.at(-1)?.content).toContain('stopped at the time limit');
  });

  it('refuses --repair for a code-completion model and a round count out of range', async () => {
    const [base, tooMany] = await Promise.all([
      cli.run(['--model', 'tiny-base', '--data', cli.data, '--repair', '1']),
      cli.run(['--model', 'remote-coder', '--repair', '6']),
    ]);
    expect(base.code).toBe(2);
    expect(base.stderr).toContain('--repair needs a chat model: Tiny Base is a code-completion model');
    expect(tooMany.code).toBe(2);
    expect(tooMany.stderr).toContain('--repair must be a whole number from 0 to 5, not "6"');
    expect(cli.upstream.requests).toHaveLength(0);
  });
});
