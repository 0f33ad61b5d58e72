/**
 * Usage across every user, for the Admin page (issue 14). A port of its own
 * (store.port.ts is at its size limit); `Store.usage` holds it.
 */

/** Runs of every user in a time range. */
export interface UsageCounts {
  /** Runs by kind (`generate`, `explain`). */
  kinds: { kind: string; count: number }[];
  /** Runs by UTC day (`YYYY-MM-DD`); days without runs are absent. */
  days: { date: string; count: number }[];
  /** Runs by model, most first (then by id). */
  byModel: { modelId: string; count: number }[];
  /** The users with the most runs, most first (then by user id), at most the number asked for. */
  topUsers: { userId: string; username: string; count: number }[];
}

export interface UsageRepository {
  /**
   * Counts the runs (prompt records) of every user created in
   * [`since`, `until`), with the `topUsers` most active users (and their
   * usernames; a user deleted meanwhile is left out).
   */
  countBetween(since: Date, until: Date, topUsers: number): Promise<UsageCounts>;
}
