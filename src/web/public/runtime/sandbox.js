// The code runner's frame: /runtime/sandbox.html, loaded by the app in an
// <iframe sandbox="allow-scripts"> (an opaque origin: no cookies, storage or
// DOM of the app) under its own CSP. It hosts one worker per run (Python's
// stays loaded between runs) and enforces the time limit and Stop by
// terminating it. Plain JavaScript served as is. See README "Run code".
/* eslint-disable */
'use strict';

(function () {
  // The app's origin: this document's URL is the app's, though its origin is opaque ("null").
  const appOrigin = new URL(location.href).origin;
  const workerScript = new URL('run-worker.js', location.href).href;
  /** @type {Worker | null} */
  let python = null;
  /** @type {{id: string, worker: Worker, timer: number | undefined, started: number} | null} */
  let current = null;

  function send(id, event) {
    parent.postMessage({ type: 'event', id, event }, appOrigin);
  }

  function newWorker() {
    // A worker of an opaque origin must come from a blob: URL; it imports the runner from the app's origin.
    const source = 'importScripts(' + JSON.stringify(workerScript) + ');';
    const url = URL.createObjectURL(new Blob([source], { type: 'text/javascript' }));
    const worker = new Worker(url);
    URL.revokeObjectURL(url);
    return worker;
  }

  function end(run, exit) {
    if (current !== run) {
      return;
    }
    clearTimeout(run.timer);
    current = null;
    const ms = run.started === 0 ? 0 : Math.round(performance.now() - run.started);
    send(run.id, Object.assign({ type: 'exit', ms, truncated: false }, exit));
  }

  /** Ends the run now: its worker is terminated (a new one is made for the next run). */
  function kill(run, state) {
    run.worker.terminate();
    if (run.worker === python) {
      python = null;
    }
    end(run, { state, truncated: run.truncated === true });
  }

  function start(msg) {
    if (current !== null) {
      kill(current, 'stopped');
    }
    let worker;
    if (msg.language === 'python') {
      python = python || newWorker();
      worker = python;
    } else {
      worker = newWorker();
    }
    const run = { id: msg.id, worker, timer: undefined, started: 0, truncated: false, loading: false };
    current = run;
    worker.onmessage = (event) => {
      const data = event.data;
      if (current !== run || !data) {
        return;
      }
      switch (data.type) {
        case 'loading':
          run.loading = true;
          send(run.id, { type: 'loading', phase: data.phase });
          break;
        case 'started':
          if (run.loading) {
            // The runtime is loaded: phase "sandbox" again tells the app the code now runs.
            send(run.id, { type: 'loading', phase: 'sandbox' });
          }
          // The time limit counts the code only, not the first load of the runtime.
          run.started = performance.now();
          run.timer = setTimeout(() => kill(run, 'timed_out'), msg.timeoutMs);
          break;
        case 'stdout':
        case 'stderr':
          send(run.id, { type: data.type, text: data.text });
          break;
        case 'done':
          run.truncated = data.truncated;
          if (worker !== python) {
            worker.terminate();
          }
          end(run, {
            state: data.error ? 'failed' : 'finished',
            error: data.error,
            truncated: data.truncated,
          });
          break;
      }
    };
    worker.onerror = (event) => {
      event.preventDefault();
      if (current === run) {
        worker.terminate();
        if (worker === python) {
          python = null;
        }
        end(run, {
          state: 'failed',
          error: {
            name: 'Error',
            message: event.message || 'The runner stopped unexpectedly (out of memory?)',
          },
        });
      }
    };
    worker.postMessage({
      type: 'run',
      language: msg.language,
      code: msg.code,
      stdin: msg.stdin,
      base: new URL('./', location.href).href,
      pyodideVersion: msg.pyodideVersion,
      outputLimit: msg.outputLimit,
      memoryLimit: msg.memoryLimit,
      inputUnavailable: msg.inputUnavailable,
    });
  }

  window.addEventListener('message', (event) => {
    // Only the app page that embeds this frame gives orders.
    if (event.source !== parent || event.origin !== appOrigin) {
      return;
    }
    const msg = event.data;
    if (msg && msg.type === 'run') {
      start(msg);
    } else if (msg && msg.type === 'stop' && current !== null && current.id === msg.id) {
      kill(current, 'stopped');
    }
  });
  parent.postMessage({ type: 'ready' }, appOrigin);
})();
