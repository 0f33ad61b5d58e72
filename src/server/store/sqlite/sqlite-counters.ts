import type Database from 'better-sqlite3';
import {
  decideSlot,
  inWindow,
  storedKey,
  waitForWindow,
  windowAfterHit,
  type CounterRepository,
  type SlotAnswer,
  type SlotRequest,
} from '../counters.port.js';

/** Expired rows deleted at most per write, so no single request pays for a backlog. */
const PURGE_PER_WRITE = 2;

/**
 * Shared counters, running slots and secrets in SQLite (tables `counters`,
 * `run_slots`, `shared_secrets`); keys, owners and run ids as their digest. Each call reads and writes one row by its
 * primary key inside an IMMEDIATE transaction (the write lock is taken
 * first, so two processes cannot both read the old value), and deletes at
 * most {@link PURGE_PER_WRITE} expired rows through the expiry index: O(1)
 * work per call.
 */
export class SqliteCounters implements CounterRepository {
  private readonly getTimes;
  private readonly putTimes;
  private readonly deleteKey;
  private readonly purgeCounters;
  private readonly purgeAllCounters;
  private readonly purgeSlots;
  private readonly purgeAllSlots;
  private readonly ownerSlots;
  private readonly insertSlot;
  private readonly renewSlot;
  private readonly deleteSlot;
  private readonly insertSecret;
  private readonly getSecret;
  private readonly hitTx;
  private readonly tryHitTx;
  private readonly resetTx;
  private readonly acquireTx;
  private readonly renewTx;

  constructor(db: Database.Database) {
    this.getTimes = db.prepare<[string], { times: string }>('SELECT times FROM counters WHERE key = ?');
    this.putTimes = db.prepare<[string, string, number]>(
      `INSERT INTO counters (key, times, expires_at) VALUES (?, ?, ?)
       ON CONFLICT (key) DO UPDATE SET times = excluded.times, expires_at = excluded.expires_at`,
    );
    this.deleteKey = db.prepare<[string]>('DELETE FROM counters WHERE key = ?');
    this.purgeCounters = db.prepare<[number, number]>(
      'DELETE FROM counters WHERE key IN (SELECT key FROM counters WHERE expires_at <= ? LIMIT ?)',
    );
    this.purgeAllCounters = db.prepare<[number]>('DELETE FROM counters WHERE expires_at <= ?');
    this.purgeSlots = db.prepare<[number, number]>(
      'DELETE FROM run_slots WHERE id IN (SELECT id FROM run_slots WHERE expires_at <= ? LIMIT ?)',
    );
    this.purgeAllSlots = db.prepare<[number]>('DELETE FROM run_slots WHERE expires_at <= ?');
    this.ownerSlots = db.prepare<[string, number], { id: string; grp: string }>(
      'SELECT id, grp FROM run_slots WHERE owner = ? AND expires_at > ?',
    );
    this.insertSlot = db.prepare<[string, string, string, number]>(
      `INSERT INTO run_slots (id, owner, grp, expires_at) VALUES (?, ?, ?, ?)
       ON CONFLICT (id) DO UPDATE SET owner = excluded.owner, grp = excluded.grp, expires_at = excluded.expires_at`,
    );
    this.renewSlot = db.prepare<[number, string]>('UPDATE run_slots SET expires_at = ? WHERE id = ?');
    this.deleteSlot = db.prepare<[string]>('DELETE FROM run_slots WHERE id = ?');
    this.insertSecret = db.prepare<[string, string, number]>(
      'INSERT INTO shared_secrets (name, value, created_at) VALUES (?, ?, ?) ON CONFLICT (name) DO NOTHING',
    );
    this.getSecret = db.prepare<[string], { value: string }>(
      'SELECT value FROM shared_secrets WHERE name = ?',
    );

    const stored = (key: string): number[] => {
      const row = this.getTimes.get(key);
      return row ? (JSON.parse(row.times) as number[]) : [];
    };
    const save = (key: string, times: number[], now: number, windowMs: number): void => {
      this.putTimes.run(key, JSON.stringify(times), (times[times.length - 1] ?? now) + windowMs);
      this.purgeCounters.run(now, PURGE_PER_WRITE);
    };
    this.hitTx = db.transaction((key: string, now: number, windowMs: number, keep: number): number[] => {
      const times = windowAfterHit(stored(key), now, windowMs, keep);
      save(key, times, now, windowMs);
      return times;
    });
    this.tryHitTx = db.transaction((key: string, now: number, windowMs: number, max: number): number => {
      const live = inWindow(stored(key), now, windowMs);
      const wait = waitForWindow(live, now, windowMs, max);
      if (wait === 0) {
        save(key, windowAfterHit(live, now, windowMs, max), now, windowMs);
      }
      return wait;
    });
    this.resetTx = db.transaction((keys: readonly string[]) => {
      for (const key of keys) {
        this.deleteKey.run(key);
      }
    });
    this.acquireTx = db.transaction((request: SlotRequest): SlotAnswer => {
      const stored = storedSlot(request);
      const answer = this.decide(stored);
      if (answer.granted) {
        this.insertSlot.run(stored.id, stored.owner, stored.group, request.now + request.leaseMs);
        this.purgeSlots.run(request.now, PURGE_PER_WRITE);
      }
      return answer;
    });
    this.renewTx = db.transaction((ids: readonly string[], expiresAt: number) => {
      for (const id of ids) {
        this.renewSlot.run(expiresAt, storedKey(id));
      }
    });
  }

  async hit(key: string, now: number, windowMs: number, keep: number): Promise<number[]> {
    return this.hitTx.immediate(storedKey(key), now, windowMs, keep);
  }

  async tryHit(key: string, now: number, windowMs: number, max: number): Promise<number> {
    return this.tryHitTx.immediate(storedKey(key), now, windowMs, max);
  }

  async read(key: string, now: number, windowMs: number): Promise<number[]> {
    const row = this.getTimes.get(storedKey(key));
    return row ? inWindow(JSON.parse(row.times) as number[], now, windowMs) : [];
  }

  async reset(keys: readonly string[]): Promise<void> {
    this.resetTx.immediate(keys.map(storedKey));
    return;
  }

  async acquireSlot(request: SlotRequest): Promise<SlotAnswer> {
    return this.acquireTx.immediate(request);
  }

  async peekSlot(request: Omit<SlotRequest, 'leaseMs'>): Promise<SlotAnswer> {
    return this.decide(storedSlot(request));
  }

  async renewSlots(ids: readonly string[], expiresAt: number): Promise<void> {
    if (ids.length > 0) {
      this.renewTx.immediate(ids, expiresAt);
    }
    return;
  }

  async releaseSlot(id: string): Promise<void> {
    this.deleteSlot.run(storedKey(id));
    return;
  }

  async purgeExpired(now: number): Promise<number> {
    return this.purgeAllCounters.run(now).changes + this.purgeAllSlots.run(now).changes;
  }

  /** The answer to a slot request (owner, id and group already digests) from the owner's live slots. */
  private decide(request: Omit<SlotRequest, 'leaseMs'>): SlotAnswer {
    const held = this.ownerSlots.all(request.owner, request.now).map((r) => [r.id, r.grp] as const);
    return decideSlot(held, request);
  }

  async keepSecret(name: string, candidate: string, now: number): Promise<string> {
    // One statement decides between instances starting at once: the first insert wins, the rest read it.
    this.insertSecret.run(name, candidate, now);
    const row = this.getSecret.get(name);
    if (!row) {
      throw new Error(`the shared secret ${name} was not stored`);
    }
    return row.value;
  }

  async readSecret(name: string): Promise<string | null> {
    return this.getSecret.get(name)?.value ?? null;
  }
}

/** The request with its owner, run id and group as stored (digests). */
function storedSlot<T extends Pick<SlotRequest, 'owner' | 'id' | 'group'>>(request: T): T {
  return {
    ...request,
    owner: storedKey(request.owner),
    id: storedKey(request.id),
    group: storedKey(request.group),
  };
}
