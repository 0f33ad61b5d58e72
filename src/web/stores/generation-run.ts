import { useSyncExternalStore } from 'react';
import { ApiError } from '../api/api-client';
import { attachRun, cancelGeneration, openRun, type StreamEvent } from '../api/generation.api';
import { describeRunError } from '../generation/describe-error';
import { NO_REPAIR_PROGRESS, withRound, withRun } from '../generation/repair-progress';
import { isRunActive, type RunRequest, type RunSnapshot, type RunStatus } from './run-snapshot';

export { isRunActive, type RunRequest, type RunSnapshot, type RunStatus } from './run-snapshot';

export interface RunOptions {
  /**
   * Retry by itself after "too many running" (429) and "busy" (503) answers,
   * waiting as the server says or until `nudge()`. Compare starts several
   * runs at once and the per-user limit may be lower than the column count.
   */
  retryWhenBusy?: boolean;
}

/** Tokens are drawn at most this often: Markdown is re-rendered per flush, not per token. */
const FLUSH_MS = 50;
/** How long Stop waits for the server to confirm before closing the connection anyway. */
const CANCEL_GRACE_MS = 1500;
/** After another run ends, the server needs a moment to free its slot. */
const NUDGE_DELAY_MS = 300;
/** A stream that breaks is attached again (after its last event) this many times in a row without progress. */
const MAX_RESUMES = 3;

/**
 * One generate or explain request streaming into the page. Lives outside
 * React (started from an event handler, so StrictMode never starts it twice)
 * and keeps running when its page unmounts: the pages keep their last run in
 * a workspace so going to Explain and back shows the answer still there.
 * The run itself belongs to the server: after a refresh the page attaches to
 * it again by id (`attachTo`), and a stream that breaks resumes after its
 * last event.
 */
export class GenerationRun {
  private snapshot: RunSnapshot;
  private readonly listeners = new Set<() => void>();
  private readonly controller = new AbortController();
  private pendingText = '';
  private pendingTokens = 0;
  private flushTimer: ReturnType<typeof setTimeout> | undefined;
  private retryTimer: ReturnType<typeof setTimeout> | undefined;
  private retryNow: (() => void) | undefined;
  private stopRequested = false;
  /** The number of the last event read: a broken stream continues after it. */
  private lastEventId: number | null = null;

  constructor(
    readonly request: RunRequest,
    private readonly options: RunOptions = {},
    /** The id of a run already on the server to attach to instead of sending the request. */
    private readonly attachTo: string | null = null,
    /** A run that has ended, as its record shows it: drawn as it is, never started (nothing to fetch). */
    ended: RunSnapshot | null = null,
  ) {
    this.snapshot = ended ?? {
      status: 'starting',
      modelId: request.body.modelId,
      id: attachTo,
      output: '',
      result: null,
      error: null,
      waitMessage: null,
      startedAt: performance.now(),
      firstTokenAt: null,
      endedAt: null,
      tokenEvents: 0,
      threadId: request.body.threadId ?? null,
      parentId: request.body.parentId ?? null,
      omittedTurns: 0,
      ...(request.kind === 'generate' && request.body.repair ? { repair: NO_REPAIR_PROGRESS } : {}),
    };
  }

  /** Sends the request and reads the stream to its end. Never throws: failures land in the snapshot. */
  async start(): Promise<void> {
    for (;;) {
      try {
        await this.read();
        return;
      } catch (error) {
        if (this.stopRequested || this.controller.signal.aborted) {
          return;
        }
        if (this.shouldRetry(error)) {
          await this.waitForRetry(error);
          if (this.stopped()) {
            return;
          }
          this.update({ status: 'starting', waitMessage: null });
          continue;
        }
        this.flush();
        this.finish({ status: 'failed', error: describeRunError(error) });
        return;
      }
    }
  }

  /**
   * Stops the run; the partial answer stays, marked stopped. Asks the server
   * to cancel (so the record is saved as cancelled even behind a proxy that
   * keeps connections open), then closes the connection, which on its own
   * also stops the model at once.
   */
  stop(): void {
    if (!isRunActive(this.snapshot) || this.stopRequested) {
      return;
    }
    this.stopRequested = true;
    clearTimeout(this.retryTimer);
    this.flush();
    this.finish({ status: 'stopped', waitMessage: null });
    const waiting = this.retryNow;
    const id = this.snapshot.id;
    if (waiting) {
      // Between two tries: nothing runs on the server; end the wait.
      waiting();
    } else if (id !== null) {
      this.cancelThenAbort(id);
    } else {
      // The request is in flight: its `start` event brings the id to cancel by
      // (closing the connection before the server answers might not reach the run).
      setTimeout(() => {
        if (this.snapshot.id === null) {
          this.controller.abort();
        }
      }, 2 * CANCEL_GRACE_MS);
    }
  }

  /** A waiting run retries now (another run of the same page has just ended). */
  nudge(): void {
    const retry = this.retryNow;
    if (retry) {
      clearTimeout(this.retryTimer);
      this.retryTimer = setTimeout(retry, NUDGE_DELAY_MS);
    }
  }

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  };

  getSnapshot = (): RunSnapshot => this.snapshot;

  private async read(): Promise<void> {
    const signal = this.controller.signal;
    let source =
      this.attachTo === null
        ? openRun(this.request.kind, this.request.body, signal)
        : attachRun(this.attachTo, null, signal);
    for (let resumes = 0; ; resumes += 1) {
      const before = this.lastEventId;
      try {
        for await (const { id, event } of source) {
          this.lastEventId = id ?? this.lastEventId;
          this.handle(event);
        }
      } catch (error) {
        // Nothing to resume before the server named the run; a stop closed it on purpose.
        if (this.snapshot.id === null || this.stopRequested || signal.aborted) {
          throw error;
        }
      }
      const id = this.snapshot.id;
      if (!isRunActive(this.snapshot) || this.stopRequested || id === null) {
        break;
      }
      if (this.lastEventId !== before) {
        resumes = 0;
      }
      if (resumes >= MAX_RESUMES) {
        break;
      }
      // The connection broke mid-answer, but the run goes on on the server: continue after the last event.
      source = attachRun(id, this.lastEventId, signal);
    }
    if (isRunActive(this.snapshot) && !this.stopRequested) {
      this.flush();
      this.finish({
        status: 'failed',
        error: {
          code: 'interrupted',
          message: 'The answer was cut off: the connection closed early.',
          fields: {},
        },
      });
    }
  }

  private handle(event: StreamEvent): void {
    if (this.stopRequested) {
      if (event.event === 'start' && this.snapshot.id === null) {
        // Stop was pressed before the server named the run.
        this.update({ id: event.data.id, modelId: event.data.modelId });
        this.cancelThenAbort(event.data.id);
      }
      return;
    }
    switch (event.event) {
      case 'start':
        // A finished run replays from its start: begin the answer afresh.
        clearTimeout(this.flushTimer);
        this.flushTimer = undefined;
        this.pendingText = '';
        this.pendingTokens = 0;
        this.update({
          status: 'streaming',
          id: event.data.id,
          modelId: event.data.modelId,
          output: '',
          tokenEvents: 0,
          threadId: event.data.threadId,
          parentId: event.data.parentId,
          omittedTurns: event.data.omittedTurns ?? this.snapshot.omittedTurns,
          // A replay sends the rounds again.
          ...(this.snapshot.repair ? { repair: NO_REPAIR_PROGRESS } : {}),
        });
        break;
      case 'token':
        if (this.snapshot.firstTokenAt === null) {
          this.update({ firstTokenAt: performance.now() });
        }
        this.pendingText += event.data.text;
        this.pendingTokens += 1;
        this.flushTimer ??= setTimeout(() => {
          this.flush();
        }, FLUSH_MS);
        break;
      case 'done':
        this.flush();
        this.finish({ status: 'done', result: event.data, output: event.data.output });
        break;
      case 'error':
        this.flush();
        this.finish(
          event.data.code === 'cancelled'
            ? { status: 'stopped' }
            : { status: 'failed', error: describeRunError(event.data) },
        );
        break;
      case 'round': {
        // Test and fix: a new round is a new turn; the answer so far stays with the round before.
        this.flush();
        const repair = withRound(
          this.snapshot.repair ?? NO_REPAIR_PROGRESS,
          event.data,
          this.snapshot.output,
        );
        this.update(event.data.round === 0 ? { repair } : { repair, output: '', tokenEvents: 0 });
        break;
      }
      case 'run':
        this.flush();
        this.update({ repair: withRun(this.snapshot.repair ?? NO_REPAIR_PROGRESS, event.data) });
        break;
      case 'repaired':
        this.update({ repair: { ...(this.snapshot.repair ?? NO_REPAIR_PROGRESS), outcome: event.data } });
        break;
      default: {
        const unreachable: never = event;
        return unreachable;
      }
    }
  }

  /** Read through a method: `stop()` may set the flag while start() awaits. */
  private stopped(): boolean {
    return this.stopRequested;
  }

  private shouldRetry(error: unknown): error is ApiError {
    return (
      this.options.retryWhenBusy === true &&
      error instanceof ApiError &&
      ((error.status === 429 && error.code === 'rate_limited') ||
        (error.status === 503 && error.code === 'busy'))
    );
  }

  private waitForRetry(error: ApiError): Promise<void> {
    const seconds = Math.min(Math.max(error.retryAfterSeconds ?? 5, 1), 60);
    this.update({
      status: 'waiting',
      waitMessage: `${describeRunError(error).message} This column starts by itself as soon as it can.`,
    });
    return new Promise((resolve) => {
      const go = () => {
        this.retryNow = undefined;
        resolve();
      };
      this.retryNow = go;
      this.retryTimer = setTimeout(go, seconds * 1000);
    });
  }

  private cancelThenAbort(id: string): void {
    const abort = () => {
      this.controller.abort();
    };
    const grace = setTimeout(abort, CANCEL_GRACE_MS);
    cancelGeneration(id)
      .catch(() => {
        // Already finished or gone (409/404), or offline: closing the connection is enough.
      })
      .finally(() => {
        clearTimeout(grace);
        abort();
      });
  }

  private flush(): void {
    clearTimeout(this.flushTimer);
    this.flushTimer = undefined;
    if (this.pendingTokens === 0) {
      return;
    }
    const text = this.pendingText;
    const count = this.pendingTokens;
    this.pendingText = '';
    this.pendingTokens = 0;
    this.update({ output: this.snapshot.output + text, tokenEvents: this.snapshot.tokenEvents + count });
  }

  private finish(change: Partial<RunSnapshot> & { status: RunStatus }): void {
    if (!isRunActive(this.snapshot)) {
      return;
    }
    this.update({ ...change, endedAt: performance.now() });
  }

  private update(change: Partial<RunSnapshot>): void {
    this.snapshot = { ...this.snapshot, ...change };
    for (const listener of this.listeners) {
      listener();
    }
  }
}

/** Starts a run and returns it; the promise of its end is deliberately not awaited. */
export function startRun(request: RunRequest, options?: RunOptions): GenerationRun {
  const run = new GenerationRun(request, options);
  void run.start();
  return run;
}

/**
 * Attaches to run `id`, started earlier with `request` (by this page before a
 * refresh, or in another tab): what it wrote so far, then the rest live, or
 * the finished answer.
 */
export function attachToRun(id: string, request: RunRequest): GenerationRun {
  const run = new GenerationRun(request, {}, id);
  void run.start();
  return run;
}

const noSubscribe = () => () => undefined;
const noSnapshot = () => null;

/** The live snapshot of `run` (null for no run), re-rendering on every change. */
export function useRunSnapshot(run: GenerationRun | null): RunSnapshot | null {
  return useSyncExternalStore(run ? run.subscribe : noSubscribe, run ? run.getSnapshot : noSnapshot);
}
