import type { RunError, RunEvent, RunExitEvent, RunRequest } from '../../shared/run.schemas.js';
import {
  PYODIDE_VERSION,
  RUN_MEMORY_LIMIT_BYTES,
  RUN_OUTPUT_LIMIT_BYTES,
  RUN_TIME_LIMIT_MS,
} from '../../shared/run.js';
import { MESSAGES } from '../../shared/messages.js';
import { cleanTraceback, OutputCap } from './sandbox-output.js';
import StripTypesWorker from './strip-types.worker.ts?worker';

/** A run in progress: stop() ends it at once (state "stopped"); done settles with its exit event (never rejects). */
export interface RunHandle {
  stop(): void;
  done: Promise<RunExitEvent>;
}

/** The sandbox page: served by the app with its own CSP (src/server/plugins/runtime.plugin.ts). */
const SANDBOX_URL = '/runtime/sandbox.html';

/** How long a loaded sandbox page has to say "ready": it does so as soon as its script runs. */
const SANDBOX_READY_AFTER_LOAD_MS = 5_000;

interface Sandbox {
  frame: HTMLIFrameElement;
  post(message: unknown): void;
}

type Listener = (event: RunEvent) => void;
const listeners = new Map<string, Listener>();
let sandbox: Promise<Sandbox> | null = null;
let nextId = 0;

/**
 * The hidden frame the code runs in, made on the first run: sandbox="allow-scripts"
 * without allow-same-origin gives it an opaque origin, so its code can read no
 * cookie, storage or DOM of the app and its requests carry no session.
 */
function openSandbox(): Promise<Sandbox> {
  sandbox ??= new Promise<Sandbox>((resolve, reject) => {
    const frame = document.createElement('iframe');
    frame.setAttribute('sandbox', 'allow-scripts');
    frame.src = SANDBOX_URL;
    frame.title = 'Code runner';
    frame.tabIndex = -1;
    frame.setAttribute('aria-hidden', 'true');
    frame.hidden = true;
    frame.dataset.testid = 'run-sandbox';
    const box: Sandbox = {
      frame,
      // The frame's origin is opaque: "*" is the only target origin that reaches it.
      post: (message) => frame.contentWindow?.postMessage(message, '*'),
    };
    let ready = false;
    const onMessage = (event: MessageEvent<unknown>) => {
      // Only our frame speaks to us (its origin is "null"); anything else is ignored.
      if (event.source !== frame.contentWindow || event.origin !== 'null') {
        return;
      }
      const data = event.data as { type?: string; id?: string; event?: RunEvent } | null;
      if (data?.type === 'ready') {
        ready = true;
        resolve(box);
      } else if (data?.type === 'event' && typeof data.id === 'string' && data.event) {
        listeners.get(data.id)?.(data.event);
      }
    };
    // A frame that loaded but never said "ready" (the page failed to load, or
    // its script did): give up, so the run ends "failed" instead of "Running…"
    // for ever, and let the next run make a new frame.
    frame.addEventListener('load', () => {
      setTimeout(() => {
        if (!ready) {
          window.removeEventListener('message', onMessage);
          frame.remove();
          sandbox = null;
          reject(new Error(MESSAGES.runSandboxFailed));
        }
      }, SANDBOX_READY_AFTER_LOAD_MS);
    });
    window.addEventListener('message', onMessage);
    document.body.append(frame);
  });
  return sandbox;
}

/** TypeScript without its types: sucrase in a worker of its own (strip-types.worker.ts), loaded on the first TypeScript run. */
async function stripTypes(code: string): Promise<string> {
  const worker = new StripTypesWorker();
  try {
    return await new Promise<string>((resolve, reject) => {
      worker.onmessage = (event: MessageEvent<{ code?: string; error?: RunError }>) => {
        const { code: stripped, error } = event.data;
        if (stripped !== undefined) {
          resolve(stripped);
        } else {
          reject(
            Object.assign(new Error(error?.message ?? 'TypeScript could not be read'), { name: error?.name }),
          );
        }
      };
      worker.onerror = (event) => {
        reject(new Error(event.message));
      };
      worker.postMessage(code);
    });
  } finally {
    worker.terminate();
  }
}

function asError(error: unknown): RunError {
  return error instanceof Error
    ? { name: error.name, message: error.message }
    : { name: 'Error', message: String(error) };
}

/**
 * Runs code in the sandbox (an iframe with an opaque origin hosting a worker,
 * served from /runtime/): events arrive in order through onEvent, the last one
 * is the exit. Load it with a dynamic import, only when Run is first pressed.
 */
export function runCode(request: RunRequest, onEvent: (event: RunEvent) => void): RunHandle {
  const id = `run-${++nextId}`;
  const cap = new OutputCap(RUN_OUTPUT_LIMIT_BYTES);
  let ended = false;
  let box: Sandbox | null = null;
  let postedAt: number | null = null;
  let resolveDone: (exit: RunExitEvent) => void = () => {};
  const done = new Promise<RunExitEvent>((resolve) => (resolveDone = resolve));

  const finish = (exit: RunExitEvent) => {
    if (ended) {
      return;
    }
    ended = true;
    listeners.delete(id);
    const error = exit.error?.traceback
      ? { ...exit.error, traceback: cleanTraceback(exit.error.traceback) }
      : exit.error;
    const final: RunExitEvent = {
      ...exit,
      ...(error ? { error } : {}),
      truncated: exit.truncated || cap.truncated,
    };
    onEvent(final);
    resolveDone(final);
  };

  listeners.set(id, (event) => {
    if (ended) {
      return;
    }
    switch (event.type) {
      case 'stdout':
      case 'stderr': {
        const text = cap.take(event.text);
        if (text !== '') {
          onEvent({ type: event.type, text });
        }
        break;
      }
      case 'exit':
        finish(event);
        break;
      case 'loading':
        onEvent(event);
        break;
    }
  });

  void (async () => {
    try {
      let code = request.code;
      if (request.language === 'typescript') {
        onEvent({ type: 'loading', phase: 'transpiler' });
        code = await stripTypes(code);
      }
      if (!listeners.has(id)) {
        return;
      }
      onEvent({ type: 'loading', phase: 'sandbox' });
      box = await openSandbox();
      if (!listeners.has(id)) {
        return;
      }
      postedAt = performance.now();
      box.post({
        type: 'run',
        id,
        language: request.language === 'python' ? 'python' : 'javascript',
        code,
        stdin: request.stdin,
        timeoutMs: request.timeoutMs ?? RUN_TIME_LIMIT_MS,
        outputLimit: RUN_OUTPUT_LIMIT_BYTES,
        memoryLimit: RUN_MEMORY_LIMIT_BYTES,
        pyodideVersion: PYODIDE_VERSION,
        inputUnavailable: MESSAGES.runInputUnavailable,
      });
    } catch (error) {
      finish({ type: 'exit', state: 'failed', error: asError(error), ms: 0, truncated: false });
    }
  })();

  return {
    stop() {
      if (ended) {
        return;
      }
      // The frame terminates the worker; the run ends here at once whatever the worker was doing.
      box?.post({ type: 'stop', id });
      const ms = postedAt === null ? 0 : Math.round(performance.now() - postedAt);
      finish({ type: 'exit', state: 'stopped', ms, truncated: false });
    },
    done,
  };
}
