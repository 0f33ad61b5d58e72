import { HashingBusyError } from '../errors.js';

/** How many password hashes may run at once and wait (HASH_CONCURRENCY, HASH_QUEUE_MAX). */
export interface HashLimits {
  /** Hashes or verifications running at the same time. */
  concurrency: number;
  /** Further ones waiting, in arrival order; beyond them a request gets 503 `busy`. */
  queueMax: number;
}

/**
 * Admits argon2 work `concurrency` at a time. argon2 runs on libuv's thread
 * pool (4 threads), so 16 sign-ins at once kept every core busy and the event
 * loop waited for a core: /api/health p99 went to 43 ms (issue 13). With the
 * default of cores − 1, one core stays free for everything else. Work beyond
 * the limit waits in arrival order; when `queueMax` are already waiting,
 * `run` refuses at once with HashingBusyError (Retry-After), which costs
 * nothing, rather than queueing without bound.
 */
export class HashLimiter {
  private running = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(
    private readonly limits: HashLimits,
    /** The Retry-After of a refusal: one hash takes tens of milliseconds. */
    private readonly retryAfterSeconds = 1,
  ) {}

  /** Work running now, and waiting for a slot. */
  get load(): { active: number; queued: number } {
    return { active: this.running, queued: this.waiting.length };
  }

  /** Runs `work` once a slot is free; throws HashingBusyError when the queue is full. */
  async run<T>(work: () => Promise<T>): Promise<T> {
    if (this.running < this.limits.concurrency) {
      this.running++;
    } else if (this.waiting.length < this.limits.queueMax) {
      // release() hands its slot straight to the first waiter: `running` stays the same.
      await new Promise<void>((resolve) => {
        this.waiting.push(resolve);
      });
    } else {
      throw new HashingBusyError(this.retryAfterSeconds);
    }
    try {
      return await work();
    } finally {
      this.release();
    }
  }

  private release(): void {
    const next = this.waiting.shift();
    if (next) {
      next();
    } else {
      this.running--;
    }
  }
}
