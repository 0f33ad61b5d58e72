import type { PromptStats } from './store.port.js';

const DAY_MS = 86_400_000;

/** What an adapter counts for the profile page: runs by kind, by model (most used first) and by UTC day. */
export interface PromptCounts {
  /** Runs by kind (`generate`, `explain`). */
  kinds: ReadonlyMap<string, number>;
  byModel: PromptStats['byModel'];
  /** Runs by UTC day (`YYYY-MM-DD`) in the range asked for; days without runs may be absent. */
  days: ReadonlyMap<string, number>;
}

/** The profile's figures from an adapter's counts: every UTC day from `since` to `until`, zero where none ran. */
export function promptStats(counts: PromptCounts, since: Date, until: Date): PromptStats {
  const perDay: PromptStats['perDay'] = [];
  for (let t = since.getTime(); t < until.getTime(); t += DAY_MS) {
    const date = new Date(t).toISOString().slice(0, 10);
    perDay.push({ date, count: counts.days.get(date) ?? 0 });
  }
  return {
    generations: counts.kinds.get('generate') ?? 0,
    explanations: counts.kinds.get('explain') ?? 0,
    byModel: counts.byModel,
    perDay,
  };
}
