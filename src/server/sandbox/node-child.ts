/**
 * The bootstrap the JavaScript runner passes to its `node` child with `-e`:
 * the child runs under Node's permission model (it may read only its
 * program's file, write nowhere, start no process or worker, load no addon),
 * and Node 20's model leaves the network open, so the bootstrap takes away
 * what model-written code could reach it through (the socket, DNS, HTTP and
 * TLS modules, fetch, internal bindings, the module loader itself) before
 * the program runs. Arguments: the program's file.
 *
 * The program runs as the body of an async function (top-level `await`
 * works; `import` lines were turned into `require` by the runner) with a
 * `require` that refuses those modules and no dynamic `import()` (a vm
 * script without an import callback). `console.assert` throws on a false
 * check, so a failing check fails the run with its message, as Python's
 * `assert` does. Only when the program's function returned does the child
 * write "done" to fd 3: a program that exits early never counts as passed.
 */
export const NODE_CHILD_SOURCE = `
'use strict';
const fs = require('node:fs');
const vm = require('node:vm');
const util = require('node:util');
const Module = require('node:module');
const file = process.argv[1];
const source = fs.readFileSync(file, 'utf8');
const refused = new Set([
  'net', 'dgram', 'dns', 'http', 'https', 'http2', 'tls', 'child_process', 'cluster', 'worker_threads',
  'inspector', 'module', 'vm', 'repl', 'v8', 'wasi', 'trace_events', 'diagnostics_channel',
]);
const refuse = (what) => () => {
  throw new Error(what + ' is not allowed in tested programs');
};
const load = Module._load;
Module._load = function (request, ...rest) {
  const name = String(request).replace(/^node:/, '').split('/')[0];
  if (refused.has(name)) {
    throw new Error("require('" + request + "') is not allowed in tested programs");
  }
  return load.call(this, request, ...rest);
};
const safeRequire = (request) => Module._load(request, null, false);
for (const name of ['fetch', 'WebSocket', 'EventSource', 'require', 'module', 'exports', '__filename', '__dirname']) {
  delete globalThis[name];
}
for (const name of ['binding', '_linkedBinding', 'dlopen', 'kill', 'getBuiltinModule']) {
  if (name in process) {
    process[name] = refuse('process.' + name);
  }
}
console.assert = (value, ...message) => {
  if (!value) {
    throw new Error('Assertion failed' + (message.length > 0 ? ': ' + util.format(...message) : ''));
  }
};
const wrapped = '(async function (require, module, exports) {' + source + '\\n})';
const run = new vm.Script(wrapped, { filename: file }).runInThisContext();
const module = { exports: {} };
run(safeRequire, module, module.exports).then(
  () => {
    fs.writeSync(3, 'done');
  },
  (error) => {
    // The program's own frames only, under a plain name: the bootstrap's are noise to the model.
    const text = error instanceof Error ? (error.stack ?? String(error)) : 'Uncaught ' + util.inspect(error);
    const lines = text.split('\\n').filter((line) => !/^\\s+at .*(\\[eval\\]|node:internal)/.test(line));
    console.error(lines.join('\\n').split(file).join('program.js'));
    process.exitCode = 1;
  },
);
`;
