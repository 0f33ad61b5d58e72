import type { Clock } from '../clock.js';
import { RateLimitedError } from '../errors.js';
import { MAX_GROUP_RUNS } from '../../shared/generation.schemas.js';
import { SlidingWindowCounter } from './sliding-window.js';

/** How much one user may generate (GENERATION_* settings). */
export interface GenerationLimits {
  /** Generations started per minute (sliding window). */
  perMinute: number;
  /** Generations running at once; a Compare group counts as one. */
  runningPerUser: number;
}

/** Seconds a client waits before trying again when all its slots are taken. */
const SLOT_RETRY_SECONDS = 5;

/**
 * Admission of generations per user, in memory: running slots (the runs of
 * one Compare share a slot, up to MAX_GROUP_RUNS of them), and starts per
 * minute. `check` refuses with RateLimitedError; `begin` and `end` bracket a
 * run that was let in.
 */
export class GenerationLimiter {
  private readonly running = new Map<string, { userId: string; groupId: string | undefined }>();
  private readonly perMinute = new SlidingWindowCounter(60_000);

  constructor(
    private readonly limits: GenerationLimits,
    private readonly clock: Clock,
  ) {}

  /** Throws RateLimitedError when `userId` may not start a run (of `groupId`) now. */
  check(userId: string, groupId: string | undefined): void {
    const mine = [...this.running.entries()].filter(([, r]) => r.userId === userId);
    const inGroup = groupId === undefined ? 0 : mine.filter(([, r]) => r.groupId === groupId).length;
    const slots = new Set(mine.map(([id, r]) => r.groupId ?? id)).size;
    if (inGroup >= MAX_GROUP_RUNS) {
      throw new RateLimitedError(
        `A comparison runs at most ${MAX_GROUP_RUNS} models at once.`,
        SLOT_RETRY_SECONDS,
      );
    }
    // A run joining a group already running takes no new slot.
    if (inGroup === 0 && slots >= this.limits.runningPerUser) {
      throw new RateLimitedError(
        `You already have ${slots} generations running. Wait for one to finish or stop it.`,
        SLOT_RETRY_SECONDS,
      );
    }
    const wait = this.perMinute.waitFor(userId, this.limits.perMinute, this.clock.now().getTime());
    if (wait > 0) {
      throw new RateLimitedError(
        `You have reached ${this.limits.perMinute} generations per minute. Please wait a moment.`,
        Math.ceil(wait / 1000),
      );
    }
  }

  /** Counts run `runId` as started: one start this minute, and a slot until `end`. */
  begin(runId: string, userId: string, groupId: string | undefined): void {
    this.perMinute.hit(userId, this.clock.now().getTime());
    this.running.set(runId, { userId, groupId });
  }

  /** Frees the slot of run `runId` (finished, failed or cancelled); its start still counts this minute. */
  end(runId: string): void {
    this.running.delete(runId);
  }
}
