import fs from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  findPython,
  OUTPUT_TAIL_BYTES,
  PythonMissingError,
  runProgram,
  type PythonRuntime,
} from './python-runner.js';

/**
 * The runner on the real interpreter. Its limits are the product's own: a
 * 1 s time limit stops the endless loop, a 128 MiB address-space limit
 * stops the memory hog; no test measures elapsed time.
 */

let python: PythonRuntime;
beforeAll(async () => {
  python = await findPython();
});

const LIMITS = { timeoutMs: 10_000, memoryBytes: 256 * 1_048_576 };

/** True while a process with this pid exists and is not a zombie. */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    return !/^\d+ \(.*\) Z/.test(fs.readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}

describe('runProgram', () => {
  it('passes a program whose assertions hold', async () => {
    const result = await runProgram(
      python,
      'def check(f):\n    assert f(2) == 4\n\ncheck(lambda x: x * 2)\n',
      LIMITS,
    );
    expect(result).toEqual({ outcome: 'passed', stdout: '', stderr: '' });
  });

  it('fails a program whose assertion fails, with the traceback’s last line as the reason', async () => {
    const result = await runProgram(python, 'print("trying")\nassert 1 + 1 == 3, "bad sum"\n', LIMITS);
    expect(result.outcome).toBe('failed');
    expect(result.message).toBe('AssertionError: bad sum');
    expect(result.stdout).toBe('trying\n');
    expect(result.stderr).toContain('Traceback');
  });

  it('fails a syntax error', async () => {
    const result = await runProgram(python, 'def broken(:\n    return 1\n', LIMITS);
    expect(result.outcome).toBe('failed');
    expect(result.message).toMatch(/^SyntaxError: /);
  });

  it('stops an endless loop at the time limit, with everything it started', async () => {
    const program =
      'import os, subprocess, sys\n' +
      'child = subprocess.Popen([sys.executable, "-c", "while True: pass"])\n' +
      'print(child.pid, flush=True)\n' +
      'while True:\n    pass\n';
    const result = await runProgram(python, program, { ...LIMITS, timeoutMs: 1000 });
    expect(result.outcome).toBe('timed-out');
    expect(result.message).toBe('stopped after 1 s');
    const grandchild = Number(result.stdout.trim());
    expect(grandchild).toBeGreaterThan(0);
    try {
      // Killed with its process group; the poll only waits for the kernel to reap it.
      await expect.poll(() => alive(grandchild)).toBe(false);
    } finally {
      // Should the group kill ever break, the test still leaves no spinning process behind.
      if (alive(grandchild)) {
        process.kill(grandchild, 'SIGKILL');
      }
    }
  });

  it('stops a memory hog at the memory limit', async () => {
    // 512 MiB: without the address-space limit this succeeds on any machine that can run the tests.
    const hog = 'data = bytearray(512 * 1024 ** 2)\nprint(len(data))\n';
    const limited = await runProgram(python, hog, { ...LIMITS, memoryBytes: 128 * 1_048_576 });
    expect(limited.outcome).toBe('failed');
    expect(limited.message).toBe('MemoryError (memory limit 128 MiB)');
  });

  it('never counts a program that exits before its tests as passed', async () => {
    for (const exit of ['import sys\nsys.exit(0)\n', 'import os\nos._exit(0)\n']) {
      const result = await runProgram(python, `${exit}assert False\n`, LIMITS);
      expect(result).toMatchObject({
        outcome: 'failed',
        message: 'the program exited before its tests finished',
      });
    }
  });

  it('runs isolated: a fresh folder, none of the operator’s environment', async () => {
    process.env.CODEGENIE_EVAL_SECRET = 'do-not-leak';
    try {
      const program =
        'import os, sys\n' +
        'assert "CODEGENIE_EVAL_SECRET" not in os.environ, "secret leaked"\n' +
        'assert os.listdir(".") == ["program.py"], os.listdir(".")\n' +
        'assert sys.flags.isolated == 1\n' +
        'print(os.getcwd())\n';
      const result = await runProgram(python, program, LIMITS);
      expect(result.outcome).toBe('passed');
      // The folder is removed afterwards.
      expect(fs.existsSync(result.stdout.trim())).toBe(false);
    } finally {
      delete process.env.CODEGENIE_EVAL_SECRET;
    }
  });

  it('keeps only the end of a flood of output', async () => {
    const result = await runProgram(
      python,
      'import sys\nsys.stderr.write("x" * 200000 + "\\nlast line\\n")\nraise SystemExit(3)\n',
      LIMITS,
    );
    expect(result.outcome).toBe('failed');
    expect(result.message).toBe('last line');
    expect(result.stderr.length).toBeLessThan(OUTPUT_TAIL_BYTES + 100);
    expect(result.stderr).toMatch(/^\[… \d+ bytes cut\]\n/);
  });

  it('stops at once when the run is cancelled (Ctrl-C)', async () => {
    const controller = new AbortController();
    const running = runProgram(
      python,
      'print("started", flush=True)\nwhile True:\n    pass\n',
      LIMITS,
      controller.signal,
    );
    controller.abort();
    const result = await running;
    expect(result.outcome).toBe('failed');
    expect(result.message).toBe('killed by SIGKILL');
  });
});

describe('findPython', () => {
  it('finds the real interpreter behind any shim', () => {
    expect(fs.existsSync(python.executable)).toBe(true);
    expect(python.version).toMatch(/^3\.\d+\.\d+/);
  });

  it('says how to fix a missing interpreter', async () => {
    const missing = findPython({ ...process.env, PYTHON: '/nonexistent/python3' });
    await expect(missing).rejects.toThrow(PythonMissingError);
    await expect(missing).rejects.toThrow(
      'eval needs python3 on PATH; set PYTHON=/path/to/python3 to use another interpreter (/nonexistent/python3 was not found).',
    );
    await expect(findPython({ PATH: '/nonexistent' })).rejects.toThrow('python3 was not found');
  });
});
