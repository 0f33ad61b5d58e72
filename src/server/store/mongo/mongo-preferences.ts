import type { Collection } from 'mongodb';
import type { PreferenceRepository, UserPreferences } from '../preferences.port.js';
import type { MongoCollections } from './mongo-collections.js';
import { atBoundary } from './mongo-errors.js';
import { text } from './mongo-filters.js';

/** The `preferences` field of a user document; absent (a user who never chose): the defaults. */
interface PreferencesDoc {
  _id: string;
  preferences?: Partial<UserPreferences>;
}

const DEFAULTS: UserPreferences = { repairEnabled: false, repairRounds: 2 };
const PROJECTION = { _id: 1, preferences: 1 } as const;

/** A user's preferences in MongoDB: the `preferences` sub-document of their user document. */
export class MongoPreferences implements PreferenceRepository {
  private readonly users: Collection<PreferencesDoc>;

  constructor(c: MongoCollections) {
    // Only _id and preferences are read or written here.
    this.users = c.users as unknown as Collection<PreferencesDoc>;
  }

  async get(userId: string): Promise<UserPreferences | null> {
    const doc = await atBoundary(() =>
      this.users.findOne({ _id: text(userId, 'userId') }, { projection: PROJECTION }),
    );
    return doc ? fromDoc(doc) : null;
  }

  async update(userId: string, changes: Partial<UserPreferences>): Promise<UserPreferences | null> {
    const set: Record<string, boolean | number> = {};
    if (changes.repairEnabled !== undefined) {
      set['preferences.repairEnabled'] = changes.repairEnabled;
    }
    if (changes.repairRounds !== undefined) {
      set['preferences.repairRounds'] = changes.repairRounds;
    }
    if (Object.keys(set).length === 0) {
      return this.get(userId);
    }
    // One atomic write: a change of the other field made meanwhile is kept.
    const doc = await atBoundary(() =>
      this.users.findOneAndUpdate(
        { _id: text(userId, 'userId') },
        { $set: set },
        { returnDocument: 'after', projection: PROJECTION },
      ),
    );
    return doc ? fromDoc(doc) : null;
  }
}

function fromDoc(doc: PreferencesDoc): UserPreferences {
  return {
    repairEnabled: doc.preferences?.repairEnabled ?? DEFAULTS.repairEnabled,
    repairRounds: doc.preferences?.repairRounds ?? DEFAULTS.repairRounds,
  };
}
