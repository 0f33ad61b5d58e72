import { StoreBusyError } from '../../errors.js';
import {
  decideSlot,
  inWindow,
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
 * Shared counters in MongoDB (`counters`, `run_slots`, `shared_secrets`).
 * A hit is one atomic upsert ($push with $slice keeps the latest events);
 * tryHit puts the check in the filter, so the check and the write are one
 * document update and a refusal writes nothing.
 */
export class MongoCounters implements CounterRepository {
  constructor(private readonly c: MongoCollections) {}

  async hit(key: string, now: number, windowMs: number, keep: number): Promise<number[]> {
    const doc = await atBoundary(() =>
      this.c.counters.findOneAndUpdate(
        { _id: text(key, 'key') },
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
    const id = text(key, 'key');
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
      const wait = waitForWindow(await this.read(id, now, windowMs), now, windowMs, max);
      if (wait > 0) {
        return wait;
      }
    }
    throw new StoreBusyError();
  }

  async read(key: string, now: number, windowMs: number): Promise<number[]> {
    const doc = await atBoundary(() => this.c.counters.findOne({ _id: text(key, 'key') }));
    return doc ? inWindow(doc.times, now, windowMs) : [];
  }

  async reset(keys: readonly string[]): Promise<void> {
    const ids = keys.map((key) => text(key, 'key'));
    await atBoundary(() => this.c.counters.deleteMany({ _id: { $in: ids } }));
  }

  async acquireSlot(request: SlotRequest): Promise<SlotAnswer> {
    const owner = text(request.owner, 'owner');
    const lease: SlotLease = {
      id: text(request.id, 'id'),
      group: text(request.group, 'group'),
      expiresAt: request.now + request.leaseMs,
    };
    for (let attempt = 0; attempt < CAS_ATTEMPTS; attempt++) {
      const doc = await atBoundary(() => this.c.runSlots.findOne({ _id: owner }));
      const live = (doc?.slots ?? []).filter((s) => s.expiresAt > request.now && s.id !== lease.id);
      const answer = decideSlot(
        live.map((s) => [s.id, s.group] as const),
        request,
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

  async listSlots(owner: string, now: number): Promise<[id: string, group: string][]> {
    const doc = await atBoundary(() => this.c.runSlots.findOne({ _id: text(owner, 'owner') }));
    return (doc?.slots ?? []).filter((s) => s.expiresAt > now).map((s) => [s.id, s.group]);
  }

  async renewSlots(ids: readonly string[], expiresAt: number): Promise<void> {
    if (ids.length === 0) {
      return;
    }
    const checked = ids.map((id) => text(id, 'id'));
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
    const checked = text(id, 'id');
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
