import { StoreBusyError } from '../../errors.js';
import {
  decideSlot,
  inWindow,
  storedKey,
  waitForWindow,
  type CounterRepository,
  type SlotAnswer,
  type SlotRequest,
} from '../counters.port.js';
import type { MongoCollections } from './mongo-collections.js';
import { atBoundary, duplicateKeyField, translateError } from './mongo-errors.js';
import { text } from './mongo-filters.js';

/** A counter key's latest events (ms, oldest first); the TTL index drops it after expiresAt. */
export interface CounterDoc {
  _id: string;
  times: number[];
  expiresAt: Date;
}

/** One running slot (a lease until expiresAt, ms). */
export interface SlotLease {
  id: string;
  group: string;
  expiresAt: number;
}

/**
 * A user's running slots in one document, so that the check and the take
 * are one compare-and-set on `version`; the TTL index drops the document
 * once every lease has ended.
 */
export interface SlotsDoc {
  _id: string;
  slots: SlotLease[];
  version: number;
  expiresAt: Date;
}

/** A generated secret every instance reads (insert-if-absent). */
export interface SecretDoc {
  _id: string;
  value: string;
  createdAt: Date;
}

/** Compare-and-set attempts before a slot request gives up as busy (others keep winning the race). */
const CAS_ATTEMPTS = 20;

/**
 * Shared counters in MongoDB (`counters`, `run_slots`, `shared_secrets`);
 * keys, owners and run ids as their digest (storedKey).
 * A hit is one atomic upsert ($push with $slice keeps the latest events);
 * tryHit puts the check in the filter, so the check and the write are one
 * document update and a refusal writes nothing.
 */
export class MongoCounters implements CounterRepository {
  constructor(private readonly c: MongoCollections) {}

  async hit(key: string, now: number, windowMs: number, keep: number): Promise<number[]> {
    const doc = await atBoundary(() =>
      this.c.counters.findOneAndUpdate(
        { _id: storedKey(text(key, 'key')) },
        {
          $push: { times: { $each: [now], $slice: -Math.max(1, keep) } },
          $max: { expiresAt: new Date(now + windowMs) },
        },
        { upsert: true, returnDocument: 'after' },
      ),
    );
    return inWindow(doc?.times ?? [now], now, windowMs);
  }

  async tryHit(key: string, now: number, windowMs: number, max: number): Promise<number> {
    if (max < 1) {
      return windowMs;
    }
    const id = storedKey(text(key, 'key'));
    // The document keeps the latest `max` events, oldest first: there is room
    // when it holds fewer, or when the oldest of them has left the window.
    const filter = {
      _id: id,
      $or: [{ [`times.${max - 1}`]: { $exists: false } }, { 'times.0': { $lte: now - windowMs } }],
    };
    for (let attempt = 0; attempt < CAS_ATTEMPTS; attempt++) {
      try {
        await this.c.counters.updateOne(
          filter,
          {
            $push: { times: { $each: [now], $slice: -max } },
            $max: { expiresAt: new Date(now + windowMs) },
          },
          { upsert: true },
        );
        return 0;
      } catch (error) {
        // No match on an existing key: the upsert's insert collides with it.
        if (duplicateKeyField(error) === undefined) {
          throw translateError(error);
        }
      }
      // Usually the window is full; or another process created the key at the same moment: try again.
      const wait = waitForWindow(await this.readStored(id, now, windowMs), now, windowMs, max);
      if (wait > 0) {
        return wait;
      }
    }
    throw new StoreBusyError();
  }

  async read(key: string, now: number, windowMs: number): Promise<number[]> {
    return this.readStored(storedKey(text(key, 'key')), now, windowMs);
  }

  async reset(keys: readonly string[]): Promise<void> {
    const ids = keys.map((key) => storedKey(text(key, 'key')));
    await atBoundary(() => this.c.counters.deleteMany({ _id: { $in: ids } }));
  }

  async acquireSlot(request: SlotRequest): Promise<SlotAnswer> {
    const stored = storedSlot(request);
    const owner = stored.owner;
    const lease: SlotLease = { id: stored.id, group: stored.group, expiresAt: request.now + request.leaseMs };
    for (let attempt = 0; attempt < CAS_ATTEMPTS; attempt++) {
      const doc = await atBoundary(() => this.c.runSlots.findOne({ _id: owner }));
      const live = liveSlots(doc, request.now).filter((s) => s.id !== lease.id);
      const answer = decideSlot(
        live.map((s) => [s.id, s.group] as const),
        stored,
      );
      if (!answer.granted) {
        return answer;
      }
      const slots = [...live, lease];
      const expiresAt = new Date(Math.max(...slots.map((s) => s.expiresAt)));
      if (await this.swap(owner, doc, slots, expiresAt)) {
        return answer;
      }
    }
    // Others kept winning the race for this user's slots: answered like a locked SQLite file.
    throw new StoreBusyError();
  }

  async peekSlot(request: Omit<SlotRequest, 'leaseMs'>): Promise<SlotAnswer> {
    const stored = storedSlot(request);
    const doc = await atBoundary(() => this.c.runSlots.findOne({ _id: stored.owner }));
    return decideSlot(
      liveSlots(doc, request.now).map((s) => [s.id, s.group] as const),
      stored,
    );
  }

  async renewSlots(ids: readonly string[], expiresAt: number): Promise<void> {
    if (ids.length === 0) {
      return;
    }
    const checked = ids.map((id) => storedKey(text(id, 'id')));
    await atBoundary(() =>
      this.c.runSlots.updateMany(
        { 'slots.id': { $in: checked } },
        {
          $set: { 'slots.$[s].expiresAt': expiresAt },
          $max: { expiresAt: new Date(expiresAt) },
          // A concurrent acquire re-reads: its compare-and-set cannot undo this change.
          $inc: { version: 1 },
        },
        { arrayFilters: [{ 's.id': { $in: checked } }] },
      ),
    );
  }

  async releaseSlot(id: string): Promise<void> {
    const checked = storedKey(text(id, 'id'));
    await atBoundary(() =>
      this.c.runSlots.updateOne(
        { 'slots.id': checked },
        { $pull: { slots: { id: checked } }, $inc: { version: 1 } },
      ),
    );
  }

  async purgeExpired(now: number): Promise<number> {
    const at = new Date(now);
    const counters = await atBoundary(() => this.c.counters.deleteMany({ expiresAt: { $lte: at } }));
    const slots = await atBoundary(() => this.c.runSlots.deleteMany({ expiresAt: { $lte: at } }));
    return counters.deletedCount + slots.deletedCount;
  }

  async keepSecret(name: string, candidate: string, now: number): Promise<string> {
    const id = text(name, 'name');
    try {
      await this.c.sharedSecrets.updateOne(
        { _id: id },
        { $setOnInsert: { value: candidate, createdAt: new Date(now) } },
        { upsert: true },
      );
    } catch (error) {
      // Two upserts at once: the loser's insert collides, and the winner's value is read below.
      if (duplicateKeyField(error) === undefined) {
        throw translateError(error);
      }
    }
    const doc = await atBoundary(() => this.c.sharedSecrets.findOne({ _id: id }));
    if (!doc) {
      throw new Error(`the shared secret ${name} was not stored`);
    }
    return doc.value;
  }

  async readSecret(name: string): Promise<string | null> {
    const doc = await atBoundary(() => this.c.sharedSecrets.findOne({ _id: text(name, 'name') }));
    return doc?.value ?? null;
  }

  /** The events of a counter (its digest) inside the window ending at `now`. */
  private async readStored(id: string, now: number, windowMs: number): Promise<number[]> {
    const doc = await atBoundary(() => this.c.counters.findOne({ _id: id }));
    return doc ? inWindow(doc.times, now, windowMs) : [];
  }

  /** Writes the owner's slots if nobody changed them since `doc` was read; false when someone did. */
  private async swap(
    owner: string,
    doc: SlotsDoc | null,
    slots: SlotLease[],
    expiresAt: Date,
  ): Promise<boolean> {
    try {
      if (doc === null) {
        await this.c.runSlots.insertOne({ _id: owner, slots, version: 1, expiresAt });
        return true;
      }
      const result = await this.c.runSlots.updateOne(
        { _id: owner, version: doc.version },
        { $set: { slots, version: doc.version + 1, expiresAt } },
      );
      return result.matchedCount === 1;
    } catch (error) {
      if (duplicateKeyField(error) === undefined) {
        throw translateError(error);
      }
      return false;
    }
  }
}

/** The owner's slots whose lease has not ended at `now`. */
function liveSlots(doc: SlotsDoc | null, now: number): SlotLease[] {
  return (doc?.slots ?? []).filter((s) => s.expiresAt > now);
}

/** The request with its owner, run id and group as stored (digests of the checked strings). */
function storedSlot<T extends Pick<SlotRequest, 'owner' | 'id' | 'group'>>(request: T): T {
  return {
    ...request,
    owner: storedKey(text(request.owner, 'owner')),
    id: storedKey(text(request.id, 'id')),
    group: storedKey(text(request.group, 'group')),
  };
}
