import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Fastify from 'fastify';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startOpenAiServer, type OpenAiTestServer } from '../../../test/helpers/openai-server.js';
import { loadConfig } from '../config.js';
import { parseCatalogue } from '../models/catalogue.js';
import { createModelRegistry } from '../models/index.js';
import type { ModelRegistry } from '../models/model-registry.js';
import type { Problem } from './dataset.js';
import { withSourceLines } from './eval-repair.js';
import { MAX_ERRORS_IN_A_ROW, runEval, type EvalSettings } from './eval-run.js';
import { findPython, python3Runner, type ProgramRunner } from './python-runner.js';

/**
 * The eval loop in-process, on the real registry and OpenAI-compatible
 * provider against the test upstream: a base-model prompt continued into
 * a passing program, a model that keeps failing, and Ctrl-C mid-problem;
 * then one problem through the repair loop (--repair): what each turn is
 * sent, what is run, what is scored and counted, and a stop or a model
 * failure in the middle of the loop.
 */

const problem = (i: number): Problem => ({
  task_id: `Loop/${i}`,
  prompt: `def add${i}(a, b):\n    """Return a + b."""\n`,
  test: `def check(candidate):\n    assert candidate(2, 3) == 5\n`,
  entry_point: `add${i}`,
});

const SETTINGS: EvalSettings = {
  limit: null,
  temperature: 0,
  maxTokens: null,
  timeoutMs: 5000,
  memoryBytes: 512 * 1_048_576,
};

let dir: string;
let upstream: OpenAiTestServer;
let models: ModelRegistry;
/** Programs run with python3 (the Pyodide runner has tests of its own). */
let runPython: ProgramRunner['run'];

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'eval-run-'));
  upstream = await startOpenAiServer({ delayMs: 0 });
  runPython = python3Runner(await findPython()).run;
  const catalogue = parseCatalogue(
    JSON.stringify({
      defaultModel: 'chat',
      models: [
        {
          id: 'chat',
          name: 'Chat Coder',
          provider: 'openai-compatible',
          format: 'chat',
          baseUrl: upstream.baseUrl,
          model: 'm',
        },
        {
          id: 'base',
          name: 'Base Coder',
          provider: 'openai-compatible',
          format: 'completion',
          baseUrl: upstream.baseUrl,
          model: 'm',
        },
      ],
    }),
    'test catalogue',
  );
  const config = loadConfig({ DATA_DIR: dir, MODEL_CONNECT_TIMEOUT_SECONDS: '5' });
  models = await createModelRegistry(config, Fastify({ logger: false }).log, { catalogue, env: {} });
});
beforeEach(() => {
  upstream.reset();
});
afterAll(async () => {
  await models.close();
  await upstream.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('runEval', () => {
  it('lets a base model continue the prompt’s code, stopping at the next top-level statement', async () => {
    upstream.script([{ type: 'answer', text: '    return a + b\n' }]);
    const run = await runEval({ models, run: runPython }, models.get('base'), [problem(0)], SETTINGS, {
      signal: new AbortController().signal,
    });
    expect(run.stoppedEarly).toBeNull();
    expect(run.results.map((r) => [r.outcome, r.message])).toEqual([['passed', null]]);
    expect(run.results[0]?.code).toBe(`${problem(0).prompt}    return a + b`);
    const sent = upstream.requests[0];
    expect(sent?.path).toBe('/v1/completions');
    expect(sent?.body.prompt?.endsWith(problem(0).prompt)).toBe(true);
    expect(sent?.body.stop).toEqual(expect.arrayContaining(['\ndef ', '\nclass ', '\nif ']));
    expect(sent?.body.temperature).toBe(0);
  });

  it(`stops a model that fails ${MAX_ERRORS_IN_A_ROW} problems in a row instead of failing them all`, async () => {
    upstream.script(() => ({ type: 'error', status: 400, message: 'no such adapter' }));
    const problems = Array.from({ length: MAX_ERRORS_IN_A_ROW + 2 }, (_, i) => problem(i));
    const seen: number[] = [];
    const run = await runEval({ models, run: runPython }, models.get('chat'), problems, SETTINGS, {
      signal: new AbortController().signal,
      onResult: (_, index) => seen.push(index),
    });
    expect(run.results.map((r) => r.outcome)).toEqual(Array(MAX_ERRORS_IN_A_ROW).fill('error'));
    expect(run.results[0]?.message).toContain('no such adapter');
    expect(run.stoppedEarly).toMatch(
      new RegExp(`^stopped after ${MAX_ERRORS_IN_A_ROW} model errors in a row \\(last: .*no such adapter`),
    );
    expect(seen).toEqual([0, 1, 2, 3, 4]);
    expect(upstream.requests).toHaveLength(MAX_ERRORS_IN_A_ROW);
  });

  it('does not stop for errors between successes', async () => {
    let n = 0;
    upstream.script(() =>
      n++ % 2 === 0
        ? { type: 'error', status: 400 }
        : { type: 'answer', text: '```python\nreturn a + b\n```' },
    );
    const problems = Array.from({ length: 2 * MAX_ERRORS_IN_A_ROW }, (_, i) => problem(i));
    const run = await runEval({ models, run: runPython }, models.get('chat'), problems, SETTINGS, {
      signal: new AbortController().signal,
    });
    expect(run.stoppedEarly).toBeNull();
    expect(run.results.filter((r) => r.outcome === 'passed')).toHaveLength(MAX_ERRORS_IN_A_ROW);
  });

  it('leaves the problem under way out when stopped (Ctrl-C), and asks nothing more', async () => {
    upstream.script([{ type: 'answer', text: '```python\nreturn a + b\n```' }, { type: 'hang' }]);
    const controller = new AbortController();
    const running = runEval(
      { models, run: runPython },
      models.get('chat'),
      [problem(0), problem(1), problem(2)],
      SETTINGS,
      {
        signal: controller.signal,
      },
    );
    await upstream.waitForRequest(1);
    controller.abort();
    const run = await running;
    expect(run.stoppedEarly).toBe('interrupted');
    expect(run.results.map((r) => r.taskId)).toEqual(['Loop/0']);
    expect(upstream.requests).toHaveLength(2);
  });
});

const PROBLEM: Problem = {
  task_id: 'Repair/0',
  prompt:
    'from typing import List\n\n\ndef evens(xs: List[int]) -> List[int]:\n    """The even numbers of xs."""\n',
  test: 'def check(candidate):\n    assert candidate([1, 2, 3, 4]) == [2, 4]\n',
  entry_point: 'evens',
};

const answer = (code: string, tests = 'assert evens([1, 2]) == [2]'): string =>
  `\`\`\`python\n${code}\n\`\`\`\n\`\`\`python\n# tests\n${tests}\n\`\`\``;
// No import of List: the prompt's import is kept, in the model's test run as in the scoring.
const WRONG = answer('def evens(xs: List[int]) -> List[int]:\n    return [x for x in xs if x % 2]');
const RIGHT = answer('def evens(xs: List[int]) -> List[int]:\n    return [x for x in xs if x % 2 == 0]');

const REPAIR_SETTINGS: EvalSettings = { ...SETTINGS, repair: 2 };

describe('runEval with --repair', () => {
  const programs: string[] = [];
  /** python3, recording each program it is given. */
  const recordingRun: ProgramRunner['run'] = (program, limits, signal) => {
    programs.push(program);
    return runPython(program, limits, signal);
  };
  beforeEach(() => {
    programs.length = 0;
  });

  it('scores the first and the final code on the hidden tests, after runs of the model’s own tests only', async () => {
    upstream.script([
      { type: 'answer', text: WRONG, usage: { promptTokens: 10, completionTokens: 7 } },
      { type: 'answer', text: RIGHT, usage: { promptTokens: 20, completionTokens: 5 } },
    ]);
    const result = await runEval(
      { models, run: recordingRun },
      models.get('chat'),
      [PROBLEM],
      REPAIR_SETTINGS,
      {
        signal: new AbortController().signal,
      },
    );
    const [only] = result.results;
    expect(only).toMatchObject({
      outcome: 'passed',
      message: null,
      completionTokens: 12,
      output: RIGHT,
      repair: {
        first: { outcome: 'failed', message: 'AssertionError' },
        fixes: 1,
        loop: { status: 'passed' },
      },
    });
    expect(only?.code).toContain('x % 2 == 0');
    expect(only?.firstTokenMs).not.toBeNull();
    expect(only?.runMs).toBeGreaterThan(0);
    // Own tests of the first answer, own tests of the fix, then the two scorings.
    expect(programs).toHaveLength(4);
    expect(programs[0]).toMatch(
      /^from typing import List\n[\s\S]*# tests\nassert evens\(\[1, 2\]\) == \[2\]\n$/,
    );
    expect(programs.slice(0, 2).join('')).not.toContain('check(');
    expect(programs[2]).toContain('check(evens)');
    // The fix turn is sent after the first turn and answer, as a thread in the model's format.
    const fix = upstream.requests[1]?.body.messages ?? [];
    expect(fix.map((m) => m.role)).toEqual(['system', 'user', 'assistant', 'user']);
    expect(fix[2]?.content).toBe(WRONG);
    expect(fix[3]?.content).toContain('assert evens([1, 2]) == [2]');
  });

  it('leaves a problem stopped mid-loop out, and counts a model failure in a fix turn as an error', async () => {
    upstream.script([{ type: 'answer', text: WRONG }, { type: 'hang' }]);
    const controller = new AbortController();
    const running = runEval({ models, run: recordingRun }, models.get('chat'), [PROBLEM], REPAIR_SETTINGS, {
      signal: controller.signal,
    });
    await upstream.waitForRequest(1);
    controller.abort();
    const stopped = await running;
    expect(stopped).toEqual({ results: [], stoppedEarly: 'interrupted' });

    upstream.reset();
    upstream.script([
      { type: 'answer', text: WRONG },
      { type: 'error', status: 400, message: 'context too long' },
    ]);
    const failed = await runEval(
      { models, run: recordingRun },
      models.get('chat'),
      [PROBLEM],
      REPAIR_SETTINGS,
      {
        signal: new AbortController().signal,
      },
    );
    expect(failed.results[0]?.outcome).toBe('error');
    expect(failed.results[0]?.message).toContain('context too long');
  });
});

describe('withSourceLines', () => {
  it('shows the program’s line under each traceback line that names it without it', () => {
    const program = 'def f():\n    return 1\n\nassert f() == 2\n';
    const pyodide =
      'Traceback (most recent call last):\n  File "/home/pyodide/program.py", line 4, in <module>\nAssertionError';
    expect(withSourceLines(pyodide, program)).toBe(
      'Traceback (most recent call last):\n  File "/home/pyodide/program.py", line 4, in <module>\n    assert f() == 2\nAssertionError',
    );
    const python3 = '  File "/tmp/x/program.py", line 4, in <module>\n    assert f() == 2\nAssertionError';
    expect(withSourceLines(python3, program)).toBe(python3);
  });
});
