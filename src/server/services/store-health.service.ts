import { StoreBusyError, StoreFullError, StoreReadOnlyError } from '../errors.js';
import type { Store } from '../store/store.port.js';

/** Why writes cannot happen now; undefined in a healthy store. */
export type StoreCondition =
  { code: 'store_busy' | 'store_full' | 'store_read_only'; message: string } | undefined;

export interface StoreHealthOptions {
  /** How long one check's answer is reused (default 1000 ms), so a flood of health checks costs one write a second. */
  ttlMs?: number;
  /** Milliseconds now; injectable for tests. */
  now?: () => number;
}

/**
 * The store's write health for GET /api/health: the store's cheap write check
 * (Store.checkWrite), its answer cached for a second, and concurrent callers
 * sharing the one check in flight. The check never waits on a lock, so
 * health answers at once even while another process holds the database.
 */
export class StoreHealth {
  private cached: { at: number; condition: StoreCondition } | undefined;
  private inFlight: Promise<StoreCondition> | undefined;
  private readonly ttlMs: number;
  private readonly now: () => number;

  constructor(
    private readonly store: Store,
    options: StoreHealthOptions = {},
  ) {
    this.ttlMs = options.ttlMs ?? 1000;
    this.now = options.now ?? Date.now;
  }

  /** The store's condition; errors other than the three write faults (e.g. store unavailable) are thrown. */
  async condition(): Promise<StoreCondition> {
    if (this.cached && this.now() - this.cached.at < this.ttlMs) {
      return this.cached.condition;
    }
    this.inFlight ??= this.check().finally(() => {
      this.inFlight = undefined;
    });
    return this.inFlight;
  }

  private async check(): Promise<StoreCondition> {
    let condition: StoreCondition;
    try {
      await this.store.checkWrite?.();
    } catch (error) {
      if (!(
        error instanceof StoreBusyError ||
        error instanceof StoreFullError ||
        error instanceof StoreReadOnlyError
      )) {
        throw error;
      }
      condition = { code: error.code, message: error.message };
    }
    this.cached = { at: this.now(), condition };
    return condition;
  }
}
