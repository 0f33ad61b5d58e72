import type { GenerationEvent } from '../../shared/generation.schemas.js';

/** One event of a run with its number: 1 for `start`, then one more per event. */
export interface NumberedEvent {
  id: number;
  event: GenerationEvent;
}

/** Timers, injected so tests can move time (the detached grace period, progress saves). */
export interface RunTimers {
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

/** The process's own timers. */
export const systemTimers: RunTimers = {
  setTimeout: (callback, ms) => setTimeout(callback, ms),
  clearTimeout: (handle) => {
    clearTimeout(handle as ReturnType<typeof setTimeout>);
  },
};

/** A client reading a run: the events after the given number, then live ones until the run ends. */
export interface RunReader extends AsyncIterable<NumberedEvent> {
  /** Detaches at once (the client went away), even while waiting for the next event. */
  close(): void;
}

/** Where one reader is: the number of events it has had, and how to wake it. */
interface Cursor {
  next: number;
  closed: boolean;
  wake?: () => void;
}

/**
 * A run in progress, owned by the server rather than by one HTTP connection:
 * it keeps every event written so far so that a client can attach (again)
 * and read from any point, and it counts the attached readers. With nobody
 * attached for `graceMs` it calls `onAbandoned` (which stops the run).
 */
export class LiveRun {
  private readonly events: GenerationEvent[] = [];
  private ended = false;
  private readers = 0;
  private graceTimer: unknown;
  private wakers = new Set<() => void>();

  constructor(
    readonly id: string,
    readonly userId: string,
    private readonly graceMs: number,
    private readonly onAbandoned: () => void,
    private readonly timers: RunTimers = systemTimers,
  ) {
    // Nobody reads yet: the one who started it attaches at once, or it is abandoned.
    this.armGrace();
  }

  /** Number of events written so far (the id of the last one). */
  get length(): number {
    return this.events.length;
  }

  /** Whether the last event (`done` or `error`) has been written. */
  get finished(): boolean {
    return this.ended;
  }

  /** Clients attached right now. */
  get attached(): number {
    return this.readers;
  }

  /** Appends an event; the run ends with its `done` or `error`. */
  push(event: GenerationEvent): void {
    if (this.ended) {
      return;
    }
    this.events.push(event);
    if (event.event === 'done' || event.event === 'error') {
      this.end();
    }
    this.wake();
  }

  /** Ends the run without another event (its stream stopped early); readers see the end. */
  end(): void {
    this.ended = true;
    this.disarmGrace();
    this.wake();
  }

  /** Attaches a reader that starts after event `afterId` (0: from the start). */
  read(afterId = 0): RunReader {
    this.readers += 1;
    this.disarmGrace();
    const cursor: Cursor = { next: Math.max(0, Math.min(afterId, this.events.length)), closed: false };
    const close = () => {
      if (cursor.closed) {
        return;
      }
      cursor.closed = true;
      this.readers -= 1;
      if (this.readers === 0 && !this.ended) {
        this.armGrace();
      }
      cursor.wake?.();
    };
    return { [Symbol.asyncIterator]: () => this.iterate(cursor, close), close };
  }

  private async *iterate(cursor: Cursor, close: () => void): AsyncGenerator<NumberedEvent> {
    try {
      for (;;) {
        while (!cursor.closed && cursor.next < this.events.length) {
          const event = this.events[cursor.next] as GenerationEvent;
          cursor.next += 1;
          yield { id: cursor.next, event };
        }
        if (cursor.closed || this.ended) {
          return;
        }
        await new Promise<void>((resolve) => {
          cursor.wake = resolve;
          this.wakers.add(resolve);
        });
      }
    } finally {
      close();
    }
  }

  private wake(): void {
    const wakers = this.wakers;
    this.wakers = new Set();
    for (const wake of wakers) {
      wake();
    }
  }

  private armGrace(): void {
    this.disarmGrace();
    this.graceTimer = this.timers.setTimeout(() => {
      this.graceTimer = undefined;
      if (this.readers === 0 && !this.ended) {
        this.onAbandoned();
      }
    }, this.graceMs);
  }

  private disarmGrace(): void {
    if (this.graceTimer !== undefined) {
      this.timers.clearTimeout(this.graceTimer);
      this.graceTimer = undefined;
    }
  }
}

/** The live runs of this server by id; a run leaves when it ends (its record then holds everything). */
export class RunRegistry {
  private readonly runs = new Map<string, LiveRun>();
  private readonly forget = new Map<string, unknown>();

  constructor(
    private readonly graceMs: number,
    private readonly timers: RunTimers = systemTimers,
  ) {}

  /** Registers a new run; `onAbandoned` stops it when nobody is attached for the grace period. */
  add(id: string, userId: string, onAbandoned: () => void): LiveRun {
    const run = new LiveRun(id, userId, this.graceMs, onAbandoned, this.timers);
    this.runs.set(id, run);
    return run;
  }

  /** The live run `id` of `userId`, or undefined (unknown, finished or someone else's). */
  find(userId: string, id: string): LiveRun | undefined {
    const run = this.runs.get(id);
    return run?.userId === userId ? run : undefined;
  }

  /**
   * Forgets an ended run after the grace period: until then a client that
   * lost its connection near the end resumes exactly after its last event;
   * later, the run's record answers.
   */
  retire(id: string): void {
    const run = this.runs.get(id);
    if (!run) {
      return;
    }
    run.end();
    this.forget.set(
      id,
      this.timers.setTimeout(() => {
        this.forget.delete(id);
        this.runs.delete(id);
      }, this.graceMs),
    );
  }

  /** Forgets every run and its timers (shutdown). */
  clear(): void {
    for (const run of this.runs.values()) {
      run.end();
    }
    for (const handle of this.forget.values()) {
      this.timers.clearTimeout(handle);
    }
    this.forget.clear();
    this.runs.clear();
  }
}
