import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { OUTPUT_TAIL_BYTES } from './python-runner.js';
import { findPyodide, startPyodideRunner } from './pyodide-runner.js';

/**
 * The Pyodide runner on the real runtime (node_modules/pyodide) in real
 * child processes under Node's permission model. The limits are the
 * product's own: a 1 s time limit stops the endless loop, a 128 MiB memory
 * limit the memory hog; no test measures elapsed time. The escape attempts
 * go through both doors a program has: Python, and JavaScript through
 * Pyodide's bridge (`import js`, `pyodide_js`).
 */

const runner = startPyodideRunner();
afterAll(() => {
  runner.close();
});

const LIMITS = { timeoutMs: 10_000, memoryBytes: 256 * 1_048_576 };

describe('Pyodide runner', () => {
  it('names the Python it runs', () => {
    const { python, version } = findPyodide();
    expect(runner.python).toBe(`${python} (Pyodide ${version})`);
  });

  it('passes a program whose assertions hold', async () => {
    const result = await runner.run(
      'def check(f):\n    assert f(2) == 4\n\ncheck(lambda x: x * 2)\n',
      LIMITS,
    );
    expect(result).toEqual({ outcome: 'passed', stdout: '', stderr: '' });
  });

  it('fails a failing assertion with its message, and keeps the output', async () => {
    const result = await runner.run('print("trying")\nassert 1 + 1 == 3, "bad sum"\n', LIMITS);
    expect(result.outcome).toBe('failed');
    expect(result.message).toBe('AssertionError: bad sum');
    expect(result.stdout).toBe('trying\n');
  });

  it('fails an exception with its traceback', async () => {
    const result = await runner.run('def f():\n    return {}["missing"]\n\nf()\n', LIMITS);
    expect(result.outcome).toBe('failed');
    expect(result.message).toBe("KeyError: 'missing'");
    expect(result.stderr).toMatch(/^Traceback \(most recent call last\):\n/);
    expect(result.stderr).toContain('line 2, in f');
  });

  it('stops an endless loop at the time limit', async () => {
    const result = await runner.run('while True:\n    pass\n', { ...LIMITS, timeoutMs: 1000 });
    expect(result).toMatchObject({ outcome: 'timed-out', message: 'stopped after 1 s' });
  });

  it('stops a memory hog at the memory limit', async () => {
    const hog = 'data = bytearray(512 * 1024 ** 2)\nprint(len(data))\n';
    const result = await runner.run(hog, { ...LIMITS, memoryBytes: 128 * 1_048_576 });
    expect(result).toMatchObject({ outcome: 'failed', message: 'MemoryError (memory limit 128 MiB)' });
  });

  it('never counts a program that exits before its tests as passed', async () => {
    for (const exit of ['import sys\nsys.exit(0)\n', 'import os\nos._exit(0)\n']) {
      const result = await runner.run(`${exit}assert False\n`, LIMITS);
      expect(result).toMatchObject({
        outcome: 'failed',
        message: 'the program exited before its tests finished',
      });
    }
  });

  it('cannot read /etc/passwd, from Python or by mounting the host folder', async () => {
    expect(fs.existsSync('/etc/passwd')).toBe(true);
    const python = await runner.run('print(open("/etc/passwd").read())\n', LIMITS);
    expect(python.outcome).toBe('failed');
    expect(python.message).toMatch(/^FileNotFoundError: /);
    const mounted = await runner.run(
      'import pyodide_js\npyodide_js.mountNodeFS("/mnt", "/etc")\nprint(open("/mnt/passwd").read())\n',
      LIMITS,
    );
    expect(mounted.outcome).toBe('failed');
    expect(mounted.stdout).not.toContain('root:');
  });

  it('cannot write on the host, even in its own temporary folder', async () => {
    const outside = path.join(os.tmpdir(), `codegenie-escape-${process.pid}`);
    const program =
      'import js, pyodide_js\n' +
      `pyodide_js.mountNodeFS("/outside", ${JSON.stringify(os.tmpdir())})\n` +
      `open("/outside/${path.basename(outside)}", "w").write("x")\n`;
    const result = await runner.run(program, LIMITS);
    expect(result.outcome).toBe('failed');
    expect(fs.existsSync(outside)).toBe(false);
    const own = await runner.run(
      'import js, pyodide_js\npyodide_js.mountNodeFS("/mnt", js.process.cwd())\nwith open("/mnt/escape", "w") as f:\n    f.write("x")\n',
      LIMITS,
    );
    expect(own.outcome).toBe('failed');
    expect(own.stderr).toContain('ERR_ACCESS_DENIED');
  });

  it('cannot open a socket, from Python or from JavaScript', async () => {
    let connections = 0;
    const server = net.createServer((socket) => {
      connections += 1;
      socket.destroy();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as net.AddressInfo;
    try {
      const python = await runner.run(
        `import socket\nsocket.create_connection(("127.0.0.1", ${port}), timeout=1)\n`,
        LIMITS,
      );
      expect(python.outcome).toBe('failed');
      expect(python.message).toMatch(/^OSError: /);
      const bridge = await runner.run(
        `from pyodide.code import run_js\nrun_js("process.getBuiltinModule('node:net').connect(${port}, '127.0.0.1')")\n`,
        LIMITS,
      );
      expect(bridge.outcome).toBe('failed');
      expect(bridge.message).toContain('process.getBuiltinModule is not allowed in eval programs');
      const fetched = await runner.run('import js\njs.fetch\n', LIMITS);
      expect(fetched).toMatchObject({ outcome: 'failed', message: 'AttributeError: fetch' });
      expect(connections).toBe(0);
    } finally {
      server.close();
    }
  });

  it('cannot start a process', async () => {
    const result = await runner.run('import subprocess\nsubprocess.run(["ls"])\n', LIMITS);
    expect(result).toMatchObject({
      outcome: 'failed',
      message: 'OSError: [Errno 138] emscripten does not support processes.',
    });
  });

  it('keeps only the end of a flood of output, where the failure is', async () => {
    const flood = 'print("y" * 200000)\nprint("last line")\nassert False, "after the flood"\n';
    const { outcome, message, stdout } = await runner.run(flood, LIMITS);
    expect([outcome, message]).toEqual(['failed', 'AssertionError: after the flood']);
    expect(stdout.length).toBeLessThan(OUTPUT_TAIL_BYTES + 100);
    expect(stdout).toMatch(/^\[… \d+ bytes cut\]\n/);
    expect(stdout.endsWith('y\nlast line\n')).toBe(true);
  });

  it('shares no Python state between programs', async () => {
    expect((await runner.run('import builtins\nbuiltins.leaked = 1\n', LIMITS)).outcome).toBe('passed');
    const second = await runner.run('import builtins\nassert not hasattr(builtins, "leaked")\n', LIMITS);
    expect(second.outcome).toBe('passed');
  });

  it('stops at once when the run is cancelled (Ctrl-C)', async () => {
    const controller = new AbortController();
    const running = runner.run('while True:\n    pass\n', LIMITS, controller.signal);
    controller.abort();
    expect(await running).toMatchObject({ outcome: 'failed', message: 'killed by SIGKILL' });
  });
});
