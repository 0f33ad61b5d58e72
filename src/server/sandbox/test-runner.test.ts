import { afterEach, describe, expect, it } from 'vitest';
import type { ProgramRunner } from '../eval/python-runner.js';
import { startTestRunner, TEST_OUTPUT_MAX_CHARS, type TestRunner } from './test-runner.js';

const LIMITS = { timeoutMs: 60_000, memoryBytes: 256 * 1_048_576 };
const signal = new AbortController().signal;

describe('the Test and fix runner', () => {
  const runners: TestRunner[] = [];
  const start = (pyodide?: () => ProgramRunner): TestRunner => {
    const runner = startTestRunner(LIMITS, pyodide);
    runners.push(runner);
    return runner;
  };
  afterEach(() => {
    for (const runner of runners.splice(0)) {
      runner.close();
    }
  });

  it('runs Python code and its tests with Pyodide: a pass, then a failing assert with its message', async () => {
    const runner = start();
    const code = 'def add(a, b):\n    return a + b';
    expect(
      await runner.run({ language: 'python', code, tests: 'assert add(2, 3) == 5\nprint("ok")' }, signal),
    ).toMatchObject({
      status: 'passed',
      output: 'ok\n',
    });
    const failed = await runner.run(
      { language: 'python', code, tests: 'assert add(2, 2) == 5, "add(2, 2) should be 5"' },
      signal,
    );
    expect(failed).toMatchObject({ status: 'failed', message: 'AssertionError: add(2, 2) should be 5' });
    expect(failed.output).toContain('Traceback');
    expect(failed.durationMs).toBeGreaterThanOrEqual(0);
  });

  it('runs JavaScript and TypeScript tests after the code, console.assert failing the run', async () => {
    const runner = start();
    const code = 'function add(a: number, b: number): number { return a - b; }';
    expect(
      await runner.run(
        { language: 'typescript', code, tests: 'console.assert(add(2, 3) === 5, "add(2, 3)")' },
        signal,
      ),
    ).toMatchObject({
      status: 'failed',
      message: 'Error: Assertion failed: add(2, 3)',
    });
    expect(
      await runner.run(
        { language: 'javascript', code: 'const one = 1;', tests: 'console.assert(one === 1)' },
        signal,
      ),
    ).toMatchObject({
      status: 'passed',
      output: '',
    });
  });

  it('keeps the start and the end of a long output', async () => {
    const result = await start().run(
      {
        language: 'javascript',
        code: 'const line = "x".repeat(99);',
        tests: 'for (let i = 0; i < 120; i++) console.log(i, line);\nthrow new Error("last words")',
      },
      signal,
    );
    expect(result.output.length).toBeLessThanOrEqual(TEST_OUTPUT_MAX_CHARS);
    expect(result.output).toMatch(/^0 x/);
    expect(result.output).toContain('characters cut');
    expect(result.output).toContain('Error: last words');
  });

  it('reports a Python runtime that did not start as an error, not as failing code; starts it once, lazily', async () => {
    let started = 0;
    const broken: ProgramRunner = {
      python: 'none',
      run: () =>
        Promise.resolve({
          outcome: 'failed',
          message: 'Pyodide did not start: exited with code 1',
          stdout: '',
          stderr: '',
        }),
      close: () => undefined,
    };
    const runner = start(() => {
      started += 1;
      return broken;
    });
    expect(started).toBe(0);
    const input = { language: 'python' as const, code: 'x = 1', tests: 'assert x == 1' };
    expect(await runner.run(input, signal)).toMatchObject({
      status: 'error',
      message: 'Pyodide did not start: exited with code 1',
    });
    await runner.run(input, signal);
    expect(started).toBe(1);
  });
});
