import type { Clock } from '../clock.js';
import type { Store } from '../store/store.port.js';
import type { AdminUsage } from '../../shared/admin-models.schemas.js';

const DAY_MS = 86_400_000;
/** Days in the chart, today included (as on the profile page). */
const DAYS = 30;
/** Users named in the answer. */
const TOP_USERS = 10;

/** The Admin page's usage: every user's runs over the last 30 UTC days. */
export class AdminUsageService {
  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
  ) {}

  async last30Days(): Promise<AdminUsage> {
    const now = this.clock.now();
    const today = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
    const since = today - (DAYS - 1) * DAY_MS;
    const counts = await this.store.usage.countBetween(new Date(since), new Date(today + DAY_MS), TOP_USERS);
    const byDay = new Map(counts.days.map((d) => [d.date, d.count]));
    const last30Days = Array.from({ length: DAYS }, (_, i) => {
      const date = new Date(since + i * DAY_MS).toISOString().slice(0, 10);
      return { date, count: byDay.get(date) ?? 0 };
    });
    const kind = (name: string): number => counts.kinds.find((k) => k.kind === name)?.count ?? 0;
    return {
      total: counts.kinds.reduce((sum, k) => sum + k.count, 0),
      generations: kind('generate'),
      explanations: kind('explain'),
      last30Days,
      byModel: counts.byModel,
      topUsers: counts.topUsers,
    };
  }
}
