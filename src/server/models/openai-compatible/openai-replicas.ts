import type { Clock } from '../../clock.js';

/** How long a replica that refused a connection is left out of the choice. */
export const REPLICA_SKIP_MS = 30_000;

/** What the pool knows of one replica (a base URL). */
interface ReplicaState {
  /** Requests sent to it that have not ended. */
  inFlight: number;
  /** Until when it is left out (epoch ms); 0 when it is not. */
  skippedUntil: number;
  /** When it was last chosen (a sequence number), so ties go round the replicas. */
  lastPicked: number;
}

/** One replica chosen for one request: release it when the exchange ends. */
export interface ReplicaLease {
  url: string;
  release(): void;
}

/**
 * The replicas of OpenAI-compatible servers (a catalogue entry's
 * `baseUrls`) and the runs in flight on each. A request goes to the replica
 * with the fewest runs in flight (ties: the one chosen longest ago), leaving
 * out for REPLICA_SKIP_MS the replicas that refused a connection. When every
 * replica is left out, all are candidates again: a refused connection costs
 * nothing to try, and a request must not be refused for a replica that may
 * be back. State is kept per base URL, so models served by the same server
 * share its count.
 */
export class ReplicaPool {
  private readonly replicas = new Map<string, ReplicaState>();
  private picks = 0;

  constructor(private readonly clock: Clock) {}

  /**
   * Chooses among `urls`, leaving out `exclude` (replicas this request has
   * tried already) while any other is left, and counts the request in
   * flight on it until released.
   */
  acquire(urls: readonly string[], exclude: ReadonlySet<string> = new Set()): ReplicaLease {
    const url = this.choose(urls, exclude);
    const state = this.stateOf(url);
    state.inFlight += 1;
    this.picks += 1;
    state.lastPicked = this.picks;
    let released = false;
    return {
      url,
      release: () => {
        if (!released) {
          released = true;
          state.inFlight -= 1;
        }
      },
    };
  }

  /** The replica refused a connection: leave it out for REPLICA_SKIP_MS. */
  markRefused(url: string): void {
    this.stateOf(url).skippedUntil = this.clock.now().getTime() + REPLICA_SKIP_MS;
  }

  /** Whether any of `urls` but `exclude` is not left out now: where a refused request moves on to. */
  hasOther(urls: readonly string[], exclude: ReadonlySet<string>): boolean {
    const now = this.clock.now().getTime();
    return urls.some((url) => !exclude.has(url) && this.stateOf(url).skippedUntil <= now);
  }

  /** Runs in flight on `url` (tests and the log). */
  inFlight(url: string): number {
    return this.replicas.get(url)?.inFlight ?? 0;
  }

  private choose(urls: readonly string[], exclude: ReadonlySet<string>): string {
    const now = this.clock.now().getTime();
    const untried = urls.filter((url) => !exclude.has(url));
    const open = untried.filter((url) => this.stateOf(url).skippedUntil <= now);
    const candidates = open.length > 0 ? open : untried.length > 0 ? untried : urls;
    let best: string | undefined;
    for (const url of candidates) {
      if (best === undefined || this.isBetter(url, best)) {
        best = url;
      }
    }
    if (best === undefined) {
      throw new Error('ReplicaPool.acquire needs at least one URL');
    }
    return best;
  }

  private isBetter(url: string, than: string): boolean {
    const a = this.stateOf(url);
    const b = this.stateOf(than);
    return a.inFlight !== b.inFlight ? a.inFlight < b.inFlight : a.lastPicked < b.lastPicked;
  }

  private stateOf(url: string): ReplicaState {
    let state = this.replicas.get(url);
    if (state === undefined) {
      state = { inFlight: 0, skippedUntil: 0, lastPicked: 0 };
      this.replicas.set(url, state);
    }
    return state;
  }
}
