import {
  settingsFrom,
  type InvitationRecord,
  type RegistrationRepository,
  type RegistrationSettings,
} from '../admin.port.js';
import type { MongoCollections } from './mongo-collections.js';
import { atBoundary, duplicateKeyField, translateError } from './mongo-errors.js';
import { date, text } from './mongo-filters.js';
import { fromDoc, toDoc, type DocOf, type FieldsOf } from './mongo.mapping.js';

/**
 * `settings`: one document per purpose, by `_id`. `registration` holds the
 * settings an admin changed; `first-admin` is claimed once, atomically (unique
 * `_id`), by the first account created in an empty store.
 */
export interface SettingsDoc {
  _id: string;
  updatedAt: Date;
  registration?: RegistrationSettings['registration'];
  allowedEmailDomains?: RegistrationSettings['allowedEmailDomains'];
  userId?: string;
}

/** `invitations` (hashes only; TTL on expiresAt). */
export type InvitationDoc = DocOf<InvitationRecord>;

const REGISTRATION_ID = 'registration';
const FIRST_ADMIN_ID = 'first-admin';

const INVITATION_FIELDS: FieldsOf<InvitationRecord> = {
  tokenHash: true,
  createdBy: true,
  createdAt: true,
  expiresAt: true,
  usedAt: true,
};

function fromInvitationDoc(doc: InvitationDoc): InvitationRecord {
  return fromDoc(doc, INVITATION_FIELDS, { usedAt: null });
}

/**
 * Claims the first-admin marker for `userId`; true for exactly one caller
 * ever (a duplicate `_id` refuses every later one), so of two simultaneous
 * first registrations on two instances only one becomes admin.
 */
export async function claimFirstAdmin(c: MongoCollections, userId: string, at: Date): Promise<boolean> {
  try {
    await c.settings.insertOne({ _id: FIRST_ADMIN_ID, userId, updatedAt: at });
    return true;
  } catch (error) {
    if (duplicateKeyField(error) !== undefined) {
      return false;
    }
    throw translateError(error);
  }
}

/**
 * Gives the first-admin marker back: the account it was claimed for could
 * not be created, or (no `userId`: whoever claimed it) the last account, an
 * admin alone, was deleted and the next one registered is to be admin again.
 */
export async function releaseFirstAdmin(c: MongoCollections, userId?: string): Promise<void> {
  const filter = userId === undefined ? { _id: FIRST_ADMIN_ID } : { _id: FIRST_ADMIN_ID, userId };
  await atBoundary(() => c.settings.deleteOne(filter));
}

/** Registration settings and invitations in MongoDB. */
export class MongoRegistration implements RegistrationRepository {
  constructor(private readonly c: MongoCollections) {}

  async getSettings(): Promise<RegistrationSettings> {
    const doc = await atBoundary(() => this.c.settings.findOne({ _id: REGISTRATION_ID }));
    return settingsFrom(doc ?? {});
  }

  async updateSettings(changes: RegistrationSettings, at: Date): Promise<RegistrationSettings> {
    const set: Partial<SettingsDoc> = { updatedAt: date(at, 'at') };
    if (changes.registration !== undefined) {
      set.registration = changes.registration;
    }
    if (changes.allowedEmailDomains !== undefined) {
      set.allowedEmailDomains = changes.allowedEmailDomains.map((d) => text(d, 'allowedEmailDomains'));
    }
    await atBoundary(() =>
      this.c.settings.updateOne({ _id: REGISTRATION_ID }, { $set: set }, { upsert: true }),
    );
    return this.getSettings();
  }

  async createInvitation(invitation: InvitationRecord): Promise<InvitationRecord> {
    // Exactly the record's fields: nothing else of the object passed in is written.
    await atBoundary(() => this.c.invitations.insertOne(toDoc(invitation, INVITATION_FIELDS)));
    return { ...invitation };
  }

  async consumeInvitation(tokenHash: string, now: Date): Promise<InvitationRecord | null> {
    // One findOneAndUpdate: the check and the mark are a single atomic document update.
    const filter = {
      tokenHash: text(tokenHash, 'tokenHash'),
      usedAt: null,
      expiresAt: { $gt: date(now, 'now') },
    };
    const doc = await atBoundary(() =>
      this.c.invitations.findOneAndUpdate(filter, { $set: { usedAt: now } }, { returnDocument: 'after' }),
    );
    return doc ? fromInvitationDoc(doc) : null;
  }

  async releaseInvitation(id: string): Promise<boolean> {
    const filter = { _id: text(id, 'id') };
    const result = await atBoundary(() => this.c.invitations.updateOne(filter, { $set: { usedAt: null } }));
    return result.matchedCount > 0;
  }
}
