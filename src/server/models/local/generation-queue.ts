import { GenerationCancelledError, ModelBusyError } from '../model-errors.js';

interface Waiter {
  resolve: (release: () => void) => void;
  reject: (error: Error) => void;
  signal: AbortSignal;
  onAbort: () => void;
}

/**
 * At most `parallel` holders at once and at most `queueLength` waiting in
 * arrival order; beyond that, acquire() throws ModelBusyError at once. A
 * waiter whose signal aborts leaves the queue with GenerationCancelledError.
 */
export class GenerationQueue {
  private running = 0;
  private readonly waiting: Waiter[] = [];

  constructor(
    private readonly parallel: number,
    private readonly queueLength: number,
    /** Suggested wait for a client turned away (the Retry-After of a 503). */
    private readonly retryAfterSeconds = 5,
  ) {}

  /** Holders now decoding. */
  get active(): number {
    return this.running;
  }

  /** Requests waiting for a slot. */
  get queued(): number {
    return this.waiting.length;
  }

  /** Throws ModelBusyError when a request made now would be turned away. */
  checkRoom(): void {
    if (this.running >= this.parallel && this.waiting.length >= this.queueLength) {
      throw new ModelBusyError(this.retryAfterSeconds);
    }
  }

  /** Resolves with a release function once a slot is free; call it exactly once. */
  acquire(signal: AbortSignal): Promise<() => void> {
    if (signal.aborted) {
      return Promise.reject(new GenerationCancelledError());
    }
    if (this.running < this.parallel) {
      this.running++;
      return Promise.resolve(this.releaser());
    }
    if (this.waiting.length >= this.queueLength) {
      return Promise.reject(new ModelBusyError(this.retryAfterSeconds));
    }
    return new Promise((resolve, reject) => {
      const waiter: Waiter = {
        resolve,
        reject,
        signal,
        onAbort: () => {
          const index = this.waiting.indexOf(waiter);
          if (index >= 0) {
            this.waiting.splice(index, 1);
            reject(new GenerationCancelledError());
          }
        },
      };
      signal.addEventListener('abort', waiter.onAbort, { once: true });
      this.waiting.push(waiter);
    });
  }

  /** Turns every waiter away (on shutdown). */
  rejectAll(error: Error): void {
    for (const waiter of this.waiting.splice(0)) {
      waiter.signal.removeEventListener('abort', waiter.onAbort);
      waiter.reject(error);
    }
  }

  private releaser(): () => void {
    let released = false;
    return () => {
      if (released) {
        return;
      }
      released = true;
      const next = this.waiting.shift();
      if (next) {
        // The slot passes straight to the next waiter; `running` stays the same.
        next.signal.removeEventListener('abort', next.onAbort);
        next.resolve(this.releaser());
      } else {
        this.running--;
      }
    };
  }
}
