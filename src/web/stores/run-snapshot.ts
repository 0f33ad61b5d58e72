import type { ExplainRequest, GenerateRequest, GenerationResult } from '../api/generation.api';
import type { RunError } from '../generation/describe-error';
import type { RepairProgress } from '../generation/repair-progress';

/**
 * `starting`: request sent, no `start` event yet (a local model may be loading
 * or downloading). `waiting`: the server said "too many at once" and the run
 * retries by itself (Compare only). Then `streaming`, and one of the ends.
 */
export type RunStatus = 'starting' | 'waiting' | 'streaming' | 'done' | 'stopped' | 'failed';

/** Everything a page shows about one run; a new object on every change. */
export interface RunSnapshot {
  status: RunStatus;
  /** The model asked for (the default model when the request named none, until `start`). */
  modelId: string | undefined;
  /** The generation id from the `start` event. */
  id: string | null;
  /** The answer so far (the whole answer once done). */
  output: string;
  /** The `done` payload. */
  result: GenerationResult | null;
  error: RunError | null;
  /** Why a `waiting` run waits, in plain words. */
  waitMessage: string | null;
  /** performance.now() times. */
  startedAt: number;
  firstTokenAt: number | null;
  endedAt: number | null;
  /** Token events received: the live count until `done` gives the real one. */
  tokenEvents: number;
  /** The thread and the turn this run follows, from the `start` event. */
  threadId: string | null;
  parentId: string | null;
  /** Earlier turns of the thread left out of the model's context (from `start`; 0 on a replay). */
  omittedTurns: number;
  /** Test and fix: the rounds so far and the loop's end; absent for a plain run. */
  repair?: RepairProgress;
}

/** Whether the run may still change (and can be stopped). */
export function isRunActive(snapshot: RunSnapshot | null): boolean {
  return (
    snapshot !== null &&
    (snapshot.status === 'starting' || snapshot.status === 'waiting' || snapshot.status === 'streaming')
  );
}

export type RunRequest =
  { kind: 'generate'; body: GenerateRequest } | { kind: 'explain'; body: ExplainRequest };
