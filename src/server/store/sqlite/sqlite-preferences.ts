import type Database from 'better-sqlite3';
import type { PreferenceRepository, UserPreferences } from '../preferences.port.js';

interface Row {
  repair_enabled: number;
  repair_rounds: number;
}

/** A user's preferences: columns of their `users` row (migration 15), with defaults in the schema. */
export class SqlitePreferences implements PreferenceRepository {
  private readonly read;
  private readonly write;

  constructor(db: Database.Database) {
    this.read = db.prepare<[string], Row>('SELECT repair_enabled, repair_rounds FROM users WHERE id = ?');
    // One statement: a change made meanwhile by another instance to the other field is kept.
    this.write = db.prepare<[number | null, number | null, string], Row>(
      `UPDATE users SET repair_enabled = COALESCE(?, repair_enabled), repair_rounds = COALESCE(?, repair_rounds)
       WHERE id = ? RETURNING repair_enabled, repair_rounds`,
    );
  }

  get(userId: string): Promise<UserPreferences | null> {
    const row = this.read.get(userId);
    return Promise.resolve(row ? fromRow(row) : null);
  }

  update(userId: string, changes: Partial<UserPreferences>): Promise<UserPreferences | null> {
    const enabled = changes.repairEnabled === undefined ? null : Number(changes.repairEnabled);
    const saved = this.write.get(enabled, changes.repairRounds ?? null, userId);
    return Promise.resolve(saved ? fromRow(saved) : null);
  }
}

function fromRow(row: Row): UserPreferences {
  return { repairEnabled: row.repair_enabled === 1, repairRounds: row.repair_rounds };
}
