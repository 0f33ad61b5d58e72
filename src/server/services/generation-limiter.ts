import type { Clock } from '../clock.js';
import { RateLimitedError } from '../errors.js';
import { MAX_GROUP_RUNS } from '../../shared/generation.schemas.js';
import { waitForWindow, type CounterRepository, type SlotAnswer } from '../store/counters.port.js';

/** How much one user may generate (GENERATION_* settings). */
export interface GenerationLimits {
  /** Generations started per minute (sliding window). */
  perMinute: number;
  /** Generations running at once; a Compare group counts as one. */
  runningPerUser: number;
}

/** Seconds a client waits before trying again when all its slots are taken. */
const SLOT_RETRY_SECONDS = 5;
const MINUTE = 60_000;
/**
 * How long a running slot is held without renewal. This process renews its
 * slots every third of it; a process that dies (kill -9, power cut) stops
 * renewing, and its users' slots come free within this time.
 */
export const SLOT_LEASE_MS = 60_000;

/**
 * Admission of generations per user, kept in the store so that every
 * instance of the app counts the same runs: running slots (the runs of one
 * Compare share a slot, up to MAX_GROUP_RUNS of them), and starts per
 * minute. `check` refuses early with RateLimitedError from a read; `begin`
 * takes the slot and the start atomically (it refuses too, when another
 * instance took the last place meanwhile); `end` frees the slot.
 */
export class GenerationLimiter {
  /** The slots this process holds, renewed while their runs last. */
  private readonly held = new Set<string>();
  private renewal: NodeJS.Timeout | undefined;

  constructor(
    private readonly limits: GenerationLimits,
    private readonly clock: Clock,
    private readonly counters: CounterRepository,
    private readonly leaseMs = SLOT_LEASE_MS,
  ) {}

  /** Throws RateLimitedError when `userId` may not start a run (of `groupId`) now. */
  async check(userId: string, groupId: string | undefined): Promise<void> {
    const now = this.clock.now().getTime();
    const [slot, starts] = await Promise.all([
      this.counters.peekSlot({ ...this.slotRequest('', userId, groupId), now }),
      this.counters.read(startsKey(userId), now, MINUTE),
    ]);
    this.refuseUnless(slot);
    this.refuseStartsAfter(waitForWindow(starts, now, MINUTE, this.limits.perMinute));
  }

  /**
   * Counts run `runId` as started: a slot until `end`, and one start this
   * minute. Throws RateLimitedError (nothing taken) when either is full.
   */
  async begin(runId: string, userId: string, groupId: string | undefined): Promise<void> {
    const now = this.clock.now().getTime();
    this.refuseUnless(
      await this.counters.acquireSlot({
        ...this.slotRequest(runId, userId, groupId),
        now,
        leaseMs: this.leaseMs,
      }),
    );
    const wait = await this.counters
      .tryHit(startsKey(userId), now, MINUTE, this.limits.perMinute)
      .catch(async (error: unknown) => {
        await this.counters.releaseSlot(runId);
        throw error;
      });
    if (wait > 0) {
      await this.counters.releaseSlot(runId);
      this.refuseStartsAfter(wait);
    }
    this.held.add(runId);
    this.renewal ??= setInterval(() => void this.renew(), Math.max(1, Math.floor(this.leaseMs / 3)));
    // Renewal never keeps a stopping process alive.
    this.renewal.unref();
  }

  /**
   * Frees the slot of run `runId` (finished, failed or cancelled); its start
   * still counts this minute. Never rejects: a slot the store could not free
   * now comes free when its lease ends, since it is no longer renewed.
   */
  async end(runId: string): Promise<void> {
    this.held.delete(runId);
    if (this.held.size === 0) {
      clearInterval(this.renewal);
      this.renewal = undefined;
    }
    await this.counters.releaseSlot(runId).catch(() => undefined);
  }

  /** Moves the end of every held lease on; a failed renewal is tried again at the next tick. */
  private async renew(): Promise<void> {
    const until = this.clock.now().getTime() + this.leaseMs;
    await this.counters.renewSlots([...this.held], until).catch(() => undefined);
  }

  private slotRequest(runId: string, userId: string, groupId: string | undefined) {
    return {
      owner: userId,
      id: runId,
      group: groupId ?? runId,
      maxGroups: this.limits.runningPerUser,
      maxPerGroup: MAX_GROUP_RUNS,
    };
  }

  private refuseUnless(answer: SlotAnswer): void {
    if (answer.granted) {
      return;
    }
    if (answer.reason === 'group_full') {
      throw new RateLimitedError(
        `A comparison runs at most ${MAX_GROUP_RUNS} models at once.`,
        SLOT_RETRY_SECONDS,
      );
    }
    throw new RateLimitedError(
      `You already have ${answer.slots} generations running. Wait for one to finish or stop it.`,
      SLOT_RETRY_SECONDS,
    );
  }

  private refuseStartsAfter(waitMs: number): void {
    if (waitMs > 0) {
      throw new RateLimitedError(
        `You have reached ${this.limits.perMinute} generations per minute. Please wait a moment.`,
        Math.ceil(waitMs / 1000),
      );
    }
  }
}

/** The store key of a user's starts this minute. */
function startsKey(userId: string): string {
  return `generation:starts:${userId}`;
}
