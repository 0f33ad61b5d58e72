import { randomUUID } from 'node:crypto';
import type { Clock } from '../clock.js';
import type { ActivityKind, ActivityRecord, Store } from '../store/store.port.js';
import type { ClientInfo } from './auth.service.js';

/** Writes entries to a user's activity log (the `history` collection). */
export class ActivityLog {
  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
  ) {}

  async record(
    userId: string,
    kind: ActivityKind,
    client: ClientInfo | null,
    details: ActivityRecord['details'] = {},
  ): Promise<void> {
    await this.store.activity.append({
      id: randomUUID(),
      userId,
      kind,
      createdAt: this.clock.now(),
      ip: client?.ip ?? null,
      userAgent: client?.userAgent?.slice(0, 512) ?? null,
      details,
    });
  }
}
