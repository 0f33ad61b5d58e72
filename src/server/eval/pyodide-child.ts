/**
 * The program the Pyodide runner starts in its child process, as source
 * text: the child runs under plain `node` with the permission model, which
 * could not load a TypeScript loader (tsx starts esbuild as a child process,
 * which the child may not do), so the runner writes this file into the run's
 * temporary folder, the only folder besides the Pyodide package it may read.
 *
 * The child loads Pyodide, takes away what the program could reach through
 * Pyodide's JavaScript bridge (`import js`) and that the permission model of
 * Node 20 leaves open (sockets, DNS, signals to other processes), says
 * "ready" on fd 3, reads one program from stdin, runs it as __main__ and
 * writes "done" to fd 3 only when it returned normally, like the python3
 * runner. Then it exits: one process never runs two programs.
 */

/**
 * Runs the program in a fresh namespace; returns the exit status. The
 * traceback is printed as python3 prints it, so both runners report the
 * same last line.
 */
const WRAPPER = `
import sys, traceback
def _codegenie_run(source):
    try:
        code = compile(source, "/home/pyodide/program.py", "exec")
        exec(code, {"__name__": "__main__", "__file__": "/home/pyodide/program.py", "__builtins__": __builtins__})
    except SystemExit as stop:
        if stop.code is None:
            return 0
        if isinstance(stop.code, int):
            return stop.code
        print(stop.code, file=sys.stderr)
        return 1
    except BaseException:
        traceback.print_exc()
        return 1
    finally:
        sys.stdout.flush()
        sys.stderr.flush()
    return "done"
`;

/** The child's source (an ES module). Arguments: the Pyodide folder URL, the memory limit in bytes. */
export const PYODIDE_CHILD_SOURCE = `
import fs from 'node:fs';
import os from 'node:os';
import net from 'node:net';
import dgram from 'node:dgram';
import dns from 'node:dns';

const [indexURL, memoryBytes] = process.argv.slice(2);
const refuse = (what) => () => {
  throw new Error(what + ' is not allowed in eval programs');
};

// Emscripten's Node file system reads its flags through process.binding, which the permission
// model refuses; the constants it wants are public.
process.binding = (name) => {
  if (name === 'constants') {
    return { fs: fs.constants, os: os.constants };
  }
  return refuse('process.binding')();
};

// The memory bound: Pyodide's heap is one WebAssembly memory of up to 4 GiB, outside V8's heap
// (--max-old-space-size does not count it); its maximum becomes the limit, so an allocation
// beyond it is Python's MemoryError.
const limitPages = Math.max(1, Math.floor(Number(memoryBytes) / 65536));
const NativeMemory = WebAssembly.Memory;
function Memory(descriptor) {
  if (!descriptor.shared && (descriptor.maximum === undefined || descriptor.maximum > limitPages)) {
    descriptor = { ...descriptor, maximum: Math.max(limitPages, descriptor.initial) };
  }
  return new NativeMemory(descriptor);
}
Memory.prototype = NativeMemory.prototype;
WebAssembly.Memory = Memory;

const stdin = [];
process.stdin.on('data', (part) => stdin.push(part));
const program = new Promise((resolve) => process.stdin.on('end', () => resolve(Buffer.concat(stdin).toString('utf8'))));

/** Writes all of buf to fd; a full pipe (EAGAIN) is waited out. */
function writeAll(fd, buf) {
  let offset = 0;
  while (offset < buf.length) {
    try {
      offset += fs.writeSync(fd, buf, offset);
    } catch (error) {
      if (error.code !== 'EAGAIN') {
        throw error;
      }
    }
  }
  return buf.length;
}

const { loadPyodide } = await import(new URL('pyodide.mjs', indexURL).href);
const pyodide = await loadPyodide({ indexURL: new URL(indexURL).pathname, env: { HOME: '/home/pyodide' } });
pyodide.setStdout({ write: (buf) => writeAll(1, buf) });
pyodide.setStderr({ write: (buf) => writeAll(2, buf) });
pyodide.runPython(${JSON.stringify(WRAPPER)});
const run = pyodide.globals.get('_codegenie_run');

// What the permission model of Node 20 leaves open, closed before the program runs: it can reach
// JavaScript through 'import js', but no socket (fetch, http and WebSocket all connect through
// net.Socket), no DNS, no signals to other processes, no native code.
net.Socket.prototype.connect = refuse('network access');
net.Server.prototype.listen = refuse('network access');
for (const method of ['bind', 'connect', 'send']) {
  dgram.Socket.prototype[method] = refuse('network access');
}
for (const api of [dns, dns.promises]) {
  for (const method of Object.keys(api)) {
    if (typeof api[method] === 'function' && /^(lookup|resolve|reverse)/.test(method)) {
      api[method] = refuse('DNS');
    }
  }
}
dns.Resolver.prototype.resolve = refuse('DNS');
for (const name of ['fetch', 'WebSocket', 'EventSource']) {
  delete globalThis[name];
}
for (const name of ['kill', '_debugProcess', 'dlopen', '_linkedBinding', 'getBuiltinModule']) {
  process[name] = refuse('process.' + name);
}

writeAll(3, Buffer.from('ready\\n'));
let status;
try {
  status = run(await program);
} catch (error) {
  // os._exit() ends the WebAssembly instance with its status; anything else is Pyodide failing.
  if (typeof error?.status === 'number' && /exit\\(/.test(String(error.message))) {
    process.exit(error.status);
  }
  writeAll(2, Buffer.from('Pyodide failed: ' + String(error?.name) + ' ' + String(error?.message ?? error).split('\\n')[0] + '\\n'));
  process.exit(1);
}
if (status === 'done') {
  writeAll(3, Buffer.from('done'));
}
process.exit(status === 'done' ? 0 : status);
`;
