// The worker that runs one language's code inside the sandbox frame
// (/runtime/sandbox.html, an opaque origin). Plain JavaScript served as is:
// it is loaded with importScripts from a blob: worker the frame creates, so
// it cannot be a bundled module. See README "Run code".
/* eslint-disable */
'use strict';

/** @type {any} */
let pyodide = null;
/** @type {{limit: number, used: number} | null} */
let output = null;
const encoder = new TextEncoder();

/** Posts output until the limit is passed; after that the text is dropped here (the frame and the app cut exactly). */
function write(stream, text) {
  if (output === null || text === '') {
    return;
  }
  if (output.used > output.limit) {
    return;
  }
  output.used += encoder.encode(text).length;
  self.postMessage({ type: stream, text });
}

/** Lines for input() / prompt() from the run's stdin box. */
function makeStdin(stdin, unavailable) {
  const lines = stdin === undefined ? null : stdin.split(/\r?\n/);
  if (lines !== null && lines.length > 0 && lines[lines.length - 1] === '') {
    lines.pop();
  }
  return () => {
    if (lines === null) {
      write('stderr', unavailable + '\n');
      return null;
    }
    const line = lines.shift();
    return line === undefined ? null : line;
  };
}

/** A WebAssembly memory may not grow past the limit: Python's allocator then fails and raises MemoryError. */
function boundMemory(limit) {
  const grow = WebAssembly.Memory.prototype.grow;
  WebAssembly.Memory.prototype.grow = function (delta) {
    if (this.buffer.byteLength + delta * 65536 > limit) {
      throw new RangeError('WebAssembly.Memory.grow(): memory limit of the run reached');
    }
    return grow.call(this, delta);
  };
}

async function runPython(msg) {
  if (pyodide === null) {
    self.postMessage({ type: 'loading', phase: 'runtime' });
    boundMemory(msg.memoryLimit);
    const indexURL = msg.base + 'pyodide/' + msg.pyodideVersion + '/';
    importScripts(indexURL + 'pyodide.js');
    pyodide = await self.loadPyodide({ indexURL, packages: [] });
  }
  const decoder = { stdout: new TextDecoder(), stderr: new TextDecoder() };
  for (const stream of ['stdout', 'stderr']) {
    const set = stream === 'stdout' ? pyodide.setStdout : pyodide.setStderr;
    set.call(pyodide, {
      write(buffer) {
        write(stream, decoder[stream].decode(buffer, { stream: true }));
        return buffer.length;
      },
    });
  }
  const readLine = makeStdin(msg.stdin, msg.inputUnavailable);
  pyodide.setStdin({ stdin: () => readLine() ?? undefined });
  const globals = pyodide.globals.get('dict')();
  globals.set('__name__', '__main__');
  self.postMessage({ type: 'started' });
  try {
    await pyodide.runPythonAsync(msg.code, { globals, filename: '<main>' });
    // Flush what print(end='') left in the buffers.
    pyodide.runPython('import sys; sys.stdout.flush(); sys.stderr.flush()');
    return null;
  } catch (error) {
    if (error && error.constructor && error.constructor.name === 'PythonError') {
      const traceback = String(error.message);
      const lines = traceback.trimEnd().split('\n');
      const last = lines[lines.length - 1] || '';
      const colon = last.indexOf(': ');
      return {
        name: error.type || 'Exception',
        message: colon >= 0 ? last.slice(colon + 2) : '',
        traceback,
      };
    }
    return jsError(error);
  } finally {
    globals.destroy();
  }
}

function jsError(error) {
  if (error instanceof Error) {
    return { name: error.name, message: error.message, traceback: error.stack };
  }
  return { name: 'Error', message: String(error) };
}

/** console.log's rendering of one value, close enough to Node's for printed results. */
function show(value, top) {
  if (typeof value === 'string') {
    return top ? value : JSON.stringify(value);
  }
  if (value instanceof Error) {
    return value.stack || value.name + ': ' + value.message;
  }
  if (typeof value === 'function') {
    return '[Function: ' + (value.name || 'anonymous') + ']';
  }
  if (typeof value === 'bigint') {
    return value + 'n';
  }
  if (value === undefined || value === null || typeof value !== 'object') {
    return String(value);
  }
  try {
    if (value instanceof Map) {
      return 'Map(' + value.size + ') ' + JSON.stringify(Object.fromEntries(value));
    }
    if (value instanceof Set) {
      return 'Set(' + value.size + ') ' + JSON.stringify([...value]);
    }
    return JSON.stringify(value, (_key, v) => (typeof v === 'bigint' ? v + 'n' : v), 1).replace(
      /\n\s*/g,
      ' ',
    );
  } catch {
    return String(value);
  }
}

function runJavaScript(msg) {
  const format = (args) => args.map((a) => show(a, true)).join(' ') + '\n';
  const toStdout = (...args) => write('stdout', format(args));
  const toStderr = (...args) => write('stderr', format(args));
  Object.assign(console, {
    log: toStdout,
    info: toStdout,
    debug: toStdout,
    error: toStderr,
    warn: toStderr,
    trace: toStderr,
  });
  const readLine = makeStdin(msg.stdin, msg.inputUnavailable);
  self.prompt = (question) => {
    if (question !== undefined) {
      write('stdout', String(question));
    }
    return readLine();
  };

  // Like Node, the run ends when the code and every pending timer are done.
  const pending = new Set();
  let mainDone = false;
  let settle;
  const finished = new Promise((resolve) => (settle = resolve));
  const check = () => {
    if (mainDone && pending.size === 0) {
      setTimer(() => settle(null), 0);
    }
  };
  const setTimer = self.setTimeout.bind(self);
  const clearTimer = self.clearTimeout.bind(self);
  const setRepeat = self.setInterval.bind(self);
  const clearRepeat = self.clearInterval.bind(self);
  const fail = (error) => settle(jsError(error));
  /** A timer callback that ends the run when it throws; a timeout is no longer pending once it ran. */
  const guarded = (fn, args, once) => () => {
    try {
      typeof fn === 'function' && fn(...args);
    } catch (error) {
      fail(error);
    }
    if (once !== undefined) {
      pending.delete(once.id);
      check();
    }
  };
  const cancel = (clear) => (id) => {
    pending.delete(id);
    clear(id);
    check();
  };
  self.setTimeout = (fn, ms, ...args) => {
    const once = { id: 0 };
    once.id = setTimer(guarded(fn, args, once), ms);
    pending.add(once.id);
    return once.id;
  };
  self.setInterval = (fn, ms, ...args) => {
    const id = setRepeat(guarded(fn, args), ms);
    pending.add(id);
    return id;
  };
  self.clearTimeout = cancel(clearTimer);
  self.clearInterval = cancel(clearRepeat);
  self.addEventListener('unhandledrejection', (event) => fail(event.reason));

  self.postMessage({ type: 'started' });
  // Top-level await works as in a module; the code runs as a classic script from a blob: URL (the frame's CSP allows blob: scripts, not eval).
  const source = 'self.__codegenieMain = (async () => {\n' + msg.code + '\n})();\n';
  const url = URL.createObjectURL(new Blob([source], { type: 'text/javascript' }));
  try {
    importScripts(url);
  } catch (error) {
    return Promise.resolve(jsError(error));
  } finally {
    URL.revokeObjectURL(url);
  }
  Promise.resolve(self.__codegenieMain).then(
    () => {
      mainDone = true;
      check();
    },
    (error) => fail(error),
  );
  return finished;
}

self.onmessage = async (event) => {
  const msg = event.data;
  if (!msg || msg.type !== 'run') {
    return;
  }
  output = { limit: msg.outputLimit, used: 0 };
  let error;
  try {
    error = msg.language === 'python' ? await runPython(msg) : await runJavaScript(msg);
  } catch (thrown) {
    error = jsError(thrown);
  }
  self.postMessage({ type: 'done', error: error || undefined, truncated: output.used > output.limit });
  output = null;
};
