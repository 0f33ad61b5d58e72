import type { RunEvent, RunExitEvent, RunRequest } from '../../shared/run.schemas.js';

/** A run in progress: stop() ends it at once (state "stopped"); done settles with its exit event (never rejects). */
export interface RunHandle {
  stop(): void;
  done: Promise<RunExitEvent>;
}

/**
 * Runs code in the sandbox (an iframe with an opaque origin hosting a worker,
 * served from /runtime/): events arrive in order through onEvent, the last one
 * is the exit. Load it with a dynamic import, only when Run is first pressed.
 */
export function runCode(request: RunRequest, onEvent: (event: RunEvent) => void): RunHandle {
  // First commit: the API for the Run UI to build on; the sandbox follows.
  const exit: RunExitEvent = {
    type: 'exit',
    state: 'failed',
    error: { name: 'NotImplemented', message: `Run for ${request.language} is not available yet` },
    ms: 0,
    truncated: false,
  };
  onEvent(exit);
  return { stop() {}, done: Promise.resolve(exit) };
}
