import type Database from 'better-sqlite3';
import {
  settingsFrom,
  type InvitationRecord,
  type RegistrationRepository,
  type RegistrationSettings,
} from '../admin.port.js';

interface InvitationRow {
  id: string;
  token_hash: string;
  created_by: string;
  created_at: number;
  expires_at: number;
  used_at: number | null;
}

function toInvitation(row: InvitationRow): InvitationRecord {
  return {
    id: row.id,
    tokenHash: row.token_hash,
    createdBy: row.created_by,
    createdAt: new Date(row.created_at),
    expiresAt: new Date(row.expires_at),
    usedAt: row.used_at === null ? null : new Date(row.used_at),
  };
}

/** Registration settings (one row per setting, JSON values) and invitations in SQLite. */
export class SqliteRegistration implements RegistrationRepository {
  private readonly allSettings;
  private readonly upsertSetting;
  private readonly insertInvitation;
  private readonly consumeStmt;
  private readonly releaseStmt;

  constructor(private readonly db: Database.Database) {
    this.allSettings = db.prepare<[], { key: string; value: string }>('SELECT key, value FROM settings');
    this.upsertSetting = db.prepare(
      `INSERT INTO settings (key, value, updated_at) VALUES (?, ?, ?)
       ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at`,
    );
    this.insertInvitation = db.prepare(
      `INSERT INTO invitations (id, token_hash, created_by, created_at, expires_at, used_at)
       VALUES (@id, @tokenHash, @createdBy, @createdAt, @expiresAt, @usedAt)`,
    );
    // One statement: the check and the mark cannot be split by another writer.
    this.consumeStmt = db.prepare<[number, string, number], InvitationRow>(
      `UPDATE invitations SET used_at = ?
       WHERE token_hash = ? AND used_at IS NULL AND expires_at > ? RETURNING *`,
    );
    this.releaseStmt = db.prepare('UPDATE invitations SET used_at = NULL WHERE id = ?');
  }

  async getSettings(): Promise<RegistrationSettings> {
    const values: Record<string, unknown> = {};
    for (const row of this.allSettings.all()) {
      values[row.key] = JSON.parse(row.value) as unknown;
    }
    return settingsFrom(values);
  }

  async updateSettings(changes: RegistrationSettings, at: Date): Promise<RegistrationSettings> {
    this.db
      .transaction(() => {
        for (const [key, value] of Object.entries(changes)) {
          if (value !== undefined) {
            this.upsertSetting.run(key, JSON.stringify(value), at.getTime());
          }
        }
      })
      .immediate();
    return this.getSettings();
  }

  async createInvitation(invitation: InvitationRecord): Promise<InvitationRecord> {
    this.insertInvitation.run({
      ...invitation,
      createdAt: invitation.createdAt.getTime(),
      expiresAt: invitation.expiresAt.getTime(),
      usedAt: invitation.usedAt?.getTime() ?? null,
    });
    return { ...invitation };
  }

  async consumeInvitation(tokenHash: string, now: Date): Promise<InvitationRecord | null> {
    const row = this.consumeStmt.get(now.getTime(), tokenHash, now.getTime());
    return row ? toInvitation(row) : null;
  }

  async releaseInvitation(id: string): Promise<boolean> {
    return this.releaseStmt.run(id).changes > 0;
  }
}
