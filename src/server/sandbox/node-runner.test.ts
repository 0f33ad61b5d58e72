import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runNodeProgram, toCommonJs } from './node-runner.js';

const LIMITS = { timeoutMs: 20_000, memoryBytes: 128 * 1_048_576 };
const run = (program: string, language: 'javascript' | 'typescript' = 'javascript', limits = LIMITS) =>
  runNodeProgram(program, language, limits);

describe('the JavaScript test runner', () => {
  const servers: net.Server[] = [];
  afterEach(() => {
    for (const server of servers.splice(0)) {
      server.close();
    }
  });

  it('passes a program whose checks hold, with its output', async () => {
    const result = await run(
      'const add = (a, b) => a + b;\nconsole.assert(add(2, 3) === 5);\nconsole.log("sum", add(2, 3));',
    );
    expect(result).toEqual({ outcome: 'passed', stdout: 'sum 5\n', stderr: '' });
  });

  it('runs TypeScript without its types, and imports as requires', async () => {
    const program =
      "import assert from 'node:assert';\nconst twice = (n: number): number => n * 2;\nassert.equal(twice(4), 8);\nconsole.log(twice(4));";
    expect(await run(program, 'typescript')).toMatchObject({ outcome: 'passed', stdout: '8\n' });
  });

  it('fails a failing console.assert with its message and where it was', async () => {
    const result = await run(
      'const add = (a, b) => a - b;\nconsole.assert(add(2, 3) === 5, "add(2, 3) should be", 5);',
    );
    expect(result.outcome).toBe('failed');
    expect(result.message).toBe('Error: Assertion failed: add(2, 3) should be 5');
    expect(result.stderr).toContain('at program.js:2');
    expect(result.stderr).not.toContain('[eval]');
  });

  it('fails a thrown error and a rejected await with the error line', async () => {
    expect((await run("throw new TypeError('no such thing')")).message).toBe('TypeError: no such thing');
    expect((await run("await Promise.reject(new RangeError('too far'))")).message).toBe(
      'RangeError: too far',
    );
  });

  it('fails a syntax error without starting a process', async () => {
    expect(await run('function (')).toMatchObject({
      outcome: 'failed',
      message: expect.stringMatching(/^SyntaxError/),
    });
  });

  it('does not pass a program that exits before its checks ran', async () => {
    expect(await run('process.exit(0);\nconsole.assert(false);')).toMatchObject({
      outcome: 'failed',
      message: 'the program exited before its tests finished',
    });
  });

  it('kills an endless loop at the time limit', async () => {
    expect(await run('for (;;) {}', 'javascript', { ...LIMITS, timeoutMs: 1000 })).toMatchObject({
      outcome: 'timed-out',
      message: 'stopped after 1 s',
    });
  });

  it('refuses to write a file or read /etc/passwd', async () => {
    const target = path.join(fs.realpathSync(os.tmpdir()), `codegenie-run-test-${process.pid}`);
    const write = await run(`require('node:fs').writeFileSync(${JSON.stringify(target)}, 'x')`);
    expect(write).toMatchObject({
      outcome: 'failed',
      message: 'Error: Access to this API has been restricted',
    });
    expect(fs.existsSync(target)).toBe(false);
    const read = await run("console.log(require('fs').readFileSync('/etc/passwd', 'utf8'))");
    expect(read).toMatchObject({
      outcome: 'failed',
      message: 'Error: Access to this API has been restricted',
    });
    expect(read.stdout).toBe('');
  });

  it('refuses to start a process or a worker, or to load the module loader', async () => {
    for (const name of ['child_process', 'node:worker_threads', 'module']) {
      expect((await run(`require('${name}')`)).message).toBe(
        `Error: require('${name}') is not allowed in tested programs`,
      );
    }
    expect((await run("process.getBuiltinModule('child_process')")).message).toBe(
      'Error: process.getBuiltinModule is not allowed in tested programs',
    );
  });

  it('refuses sockets, fetch and dynamic import: nothing reaches a listening server', async () => {
    let connections = 0;
    const server = net.createServer((socket) => {
      connections += 1;
      socket.destroy();
    });
    servers.push(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    const port = typeof address === 'object' && address ? address.port : 0;
    const attempts = [
      `require('net').connect(${port}, '127.0.0.1')`,
      `require('node:http').get('http://127.0.0.1:${port}/')`,
      `await fetch('http://127.0.0.1:${port}/')`,
      `const load = new Function('return import("node:net")'); (await load()).connect(${port}, '127.0.0.1')`,
    ];
    for (const attempt of attempts) {
      expect((await run(attempt)).outcome).toBe('failed');
    }
    expect(connections).toBe(0);
  });

  it('gives the program an empty environment', async () => {
    expect((await run('console.log(JSON.stringify(process.env))')).stdout).toBe('{}\n');
  });
});

describe('toCommonJs', () => {
  it('turns imports into requires and strips types', () => {
    const out = toCommonJs(
      "import { strict } from 'node:assert';\nconst n: number = 1;\nstrict.equal(n, 1);",
      'typescript',
    );
    expect(out).toContain("require('node:assert')");
    expect(out).not.toContain(': number');
  });
});
