import type Database from 'better-sqlite3';
import { threadTitle } from '../../../shared/thread-title.js';

/**
 * Versioned schema migrations, applied in order at start-up inside one
 * transaction each. Never edit a migration that has shipped: add a new one.
 */
export interface Migration {
  version: number;
  name: string;
  sql: string;
  /** Run first, in the same transaction: registers SQL functions the migration's SQL calls. */
  prepare?: (db: Database.Database) => void;
}

/** thread_title(kind, input, params): the title of a thread whose first turn is this record. */
function registerThreadTitle(db: Database.Database): void {
  db.function('thread_title', { deterministic: true }, (kind: unknown, input: unknown, params: unknown) => {
    const parsed: unknown = typeof params === 'string' ? JSON.parse(params) : {};
    const explain = parsed !== null && typeof parsed === 'object' ? (parsed as Record<string, unknown>) : {};
    return threadTitle(kind === 'explain' ? 'explain' : 'generate', String(input), explain);
  });
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'users and sessions',
    sql: `
      CREATE TABLE users (
        id            TEXT PRIMARY KEY,
        username      TEXT NOT NULL COLLATE NOCASE,
        email         TEXT NOT NULL,
        display_name  TEXT,
        password_hash TEXT NOT NULL,
        created_at    INTEGER NOT NULL,
        updated_at    INTEGER NOT NULL
      ) STRICT;
      CREATE UNIQUE INDEX users_username ON users (username COLLATE NOCASE);
      CREATE UNIQUE INDEX users_email ON users (email);

      CREATE TABLE sessions (
        id           TEXT PRIMARY KEY,
        user_id      TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
        created_at   INTEGER NOT NULL,
        last_used_at INTEGER NOT NULL,
        expires_at   INTEGER NOT NULL,
        ip           TEXT,
        user_agent   TEXT
      ) STRICT;
      CREATE INDEX sessions_user ON sessions (user_id, created_at DESC);
      CREATE INDEX sessions_expires ON sessions (expires_at);
    `,
  },
  {
    version: 2,
    name: 'password resets and activity history',
    sql: `
      CREATE TABLE password_resets (
        id         TEXT PRIMARY KEY,
        user_id    TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
        token_hash TEXT NOT NULL UNIQUE,
        created_at INTEGER NOT NULL,
        expires_at INTEGER NOT NULL,
        used_at    INTEGER
      ) STRICT;
      CREATE INDEX password_resets_user ON password_resets (user_id) WHERE used_at IS NULL;
      CREATE INDEX password_resets_expires ON password_resets (expires_at);

      CREATE TABLE history (
        id         TEXT PRIMARY KEY,
        user_id    TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
        kind       TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        ip         TEXT,
        user_agent TEXT,
        details    TEXT NOT NULL DEFAULT '{}'
      ) STRICT;
      CREATE INDEX history_user ON history (user_id, created_at DESC, id DESC);
    `,
  },
  {
    version: 3,
    name: 'prompts',
    sql: `
      CREATE TABLE prompts (
        id                TEXT PRIMARY KEY,
        user_id           TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
        kind              TEXT NOT NULL,
        model_id          TEXT NOT NULL,
        params            TEXT NOT NULL,
        input             TEXT NOT NULL,
        language          TEXT NOT NULL,
        output            TEXT NOT NULL,
        code              TEXT,
        sections          TEXT,
        status            TEXT NOT NULL,
        error             TEXT,
        prompt_tokens     INTEGER,
        completion_tokens INTEGER,
        first_token_ms    INTEGER,
        total_ms          INTEGER,
        generation_id     TEXT,
        created_at        INTEGER NOT NULL,
        finished_at       INTEGER
      ) STRICT;
      CREATE INDEX prompts_user ON prompts (user_id, created_at DESC, id DESC);
      CREATE INDEX prompts_running ON prompts (status) WHERE status = 'running';
    `,
  },
  {
    version: 4,
    name: 'history search',
    // Trigram full-text index over what a user asked and got, for substring
    // search of the history. External content: the text lives once, in
    // prompts. secure-delete removes a deleted record's entries at once.
    // Note: VACUUM may renumber prompts' rowids; run the 'rebuild' command
    // of prompts_fts after one.
    sql: `
      CREATE VIRTUAL TABLE prompts_fts USING fts5(
        input, output, code, content = 'prompts', content_rowid = 'rowid', tokenize = 'trigram'
      );
      INSERT INTO prompts_fts (prompts_fts, rank) VALUES ('secure-delete', 1);
      INSERT INTO prompts_fts (prompts_fts) VALUES ('rebuild');
      CREATE TRIGGER prompts_fts_insert AFTER INSERT ON prompts BEGIN
        INSERT INTO prompts_fts (rowid, input, output, code) VALUES (new.rowid, new.input, new.output, new.code);
      END;
      CREATE TRIGGER prompts_fts_delete AFTER DELETE ON prompts BEGIN
        INSERT INTO prompts_fts (prompts_fts, rowid, input, output, code)
          VALUES ('delete', old.rowid, old.input, old.output, old.code);
      END;
      CREATE TRIGGER prompts_fts_update AFTER UPDATE OF input, output, code ON prompts BEGIN
        INSERT INTO prompts_fts (prompts_fts, rowid, input, output, code)
          VALUES ('delete', old.rowid, old.input, old.output, old.code);
        INSERT INTO prompts_fts (rowid, input, output, code) VALUES (new.rowid, new.input, new.output, new.code);
      END;
      CREATE INDEX prompts_user_model ON prompts (user_id, model_id, created_at DESC, id DESC);
    `,
  },
  {
    version: 5,
    name: 'threads',
    // Every existing record becomes a one-turn thread: the thread's id is
    // its first turn's id, so nothing is lost and old links keep working.
    // No foreign key from prompts.thread_id: SQLite cannot add one with a
    // default; the adapter deletes a thread's turns with it instead.
    prepare: registerThreadTitle,
    sql: `
      CREATE TABLE threads (
        id         TEXT PRIMARY KEY,
        user_id    TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
        title      TEXT NOT NULL,
        kind       TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL
      ) STRICT;
      CREATE INDEX threads_user ON threads (user_id, updated_at DESC, id DESC);
      ALTER TABLE prompts ADD COLUMN thread_id TEXT NOT NULL DEFAULT '';
      ALTER TABLE prompts ADD COLUMN parent_id TEXT;
      UPDATE prompts SET thread_id = id;
      INSERT INTO threads (id, user_id, title, kind, created_at, updated_at)
        SELECT id, user_id, thread_title(kind, input, params), kind, created_at, coalesce(finished_at, created_at)
        FROM prompts;
      CREATE INDEX prompts_thread ON prompts (thread_id, created_at, id);
    `,
  },
  {
    version: 6,
    name: 'outbox and security events',
    // Pending mail survives a restart; it goes with its account (cascade).
    // history_user_kind: the profile's security events without walking every generation.
    sql: `
      CREATE TABLE outbox (
        id              TEXT PRIMARY KEY,
        user_id         TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
        purpose         TEXT NOT NULL,
        payload         TEXT NOT NULL,
        token_id        TEXT,
        attempts        INTEGER NOT NULL,
        next_attempt_at INTEGER NOT NULL,
        created_at      INTEGER NOT NULL,
        last_error      TEXT
      ) STRICT;
      CREATE INDEX outbox_due ON outbox (next_attempt_at, id);
      CREATE INDEX outbox_user ON outbox (user_id);
      CREATE INDEX history_user_kind ON history (user_id, kind, created_at DESC, id DESC);
    `,
  },
  {
    version: 7,
    name: 'roles, account status, registration settings and invitations',
    // Existing accounts become active users: an upgraded instance has no admin
    // until the operator runs `npm run admin -- grant-admin <user>`.
    // Invitations go with the admin who created them (cascade).
    sql: `
      ALTER TABLE users ADD COLUMN role TEXT NOT NULL DEFAULT 'user' CHECK (role IN ('admin', 'user'));
      ALTER TABLE users ADD COLUMN status TEXT NOT NULL DEFAULT 'active'
        CHECK (status IN ('active', 'pending', 'disabled'));
      ALTER TABLE users ADD COLUMN last_sign_in_at INTEGER;
      CREATE INDEX users_newest ON users (created_at DESC, id DESC);
      CREATE INDEX users_role ON users (role, status);
      CREATE TABLE settings (
        key        TEXT PRIMARY KEY,
        value      TEXT NOT NULL,
        updated_at INTEGER NOT NULL
      ) STRICT;
      CREATE TABLE invitations (
        id         TEXT PRIMARY KEY,
        token_hash TEXT NOT NULL UNIQUE,
        created_by TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
        created_at INTEGER NOT NULL,
        expires_at INTEGER NOT NULL,
        used_at    INTEGER
      ) STRICT;
      CREATE INDEX invitations_creator ON invitations (created_by);
    `,
  },
  {
    version: 8,
    name: 'shared counters, running slots and secrets',
    // What every instance must agree on (issue 14): one row per counter key
    // (its events as a JSON array, at most the limit's number), one per
    // running slot (a lease), one per generated secret. The expiry indexes
    // let each write purge a few expired rows in O(1).
    sql: `
      CREATE TABLE counters (
        key        TEXT PRIMARY KEY,
        times      TEXT NOT NULL,
        expires_at INTEGER NOT NULL
      ) STRICT, WITHOUT ROWID;
      CREATE INDEX counters_expiry ON counters (expires_at);
      CREATE TABLE run_slots (
        id         TEXT PRIMARY KEY,
        owner      TEXT NOT NULL,
        grp        TEXT NOT NULL,
        expires_at INTEGER NOT NULL
      ) STRICT;
      CREATE INDEX run_slots_owner ON run_slots (owner, expires_at);
      CREATE INDEX run_slots_expiry ON run_slots (expires_at);
      CREATE TABLE shared_secrets (
        name       TEXT PRIMARY KEY,
        value      TEXT NOT NULL,
        created_at INTEGER NOT NULL
      ) STRICT;
    `,
  },
  {
    version: 9,
    name: 'instances and run owners',
    // Issue 14: each server process has a heartbeat row. run_owners holds one row per
    // running prompt: the instance that drives it and, once someone asks, when it was
    // asked to stop. A row goes with its run's end (trigger) or its record (cascade), so
    // the table holds running runs only and an owner's once-a-second look is one index probe.
    sql: `
      CREATE TABLE instances (
        id           TEXT PRIMARY KEY,
        host         TEXT NOT NULL,
        pid          INTEGER NOT NULL,
        started_at   INTEGER NOT NULL,
        heartbeat_at INTEGER NOT NULL
      ) STRICT;
      CREATE TABLE run_owners (
        prompt_id           TEXT PRIMARY KEY REFERENCES prompts (id) ON DELETE CASCADE,
        owner               TEXT,
        cancel_requested_at INTEGER
      ) STRICT;
      CREATE INDEX run_owners_owner ON run_owners (owner, cancel_requested_at);
      CREATE TRIGGER run_owners_end AFTER UPDATE OF status ON prompts WHEN NEW.status <> 'running' BEGIN
        DELETE FROM run_owners WHERE prompt_id = NEW.id;
      END;
    `,
  },
  {
    version: 10,
    name: 'listing revisions',
    // A per-user number bumped by every write to the user's prompts, so a
    // cached history page can be checked with one primary-key read, by every
    // instance sharing this file. The EXISTS guard: when an account is deleted,
    // its prompts go by cascade after the user row, and must not re-create a
    // revision row for a user who is gone (the foreign key would refuse it).
    sql: `
      CREATE TABLE listing_revisions (
        user_id  TEXT PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
        revision INTEGER NOT NULL
      ) STRICT, WITHOUT ROWID;
      CREATE TRIGGER listing_revision_insert AFTER INSERT ON prompts BEGIN
        INSERT INTO listing_revisions (user_id, revision)
          SELECT new.user_id, 1 WHERE EXISTS (SELECT 1 FROM users WHERE id = new.user_id)
          ON CONFLICT (user_id) DO UPDATE SET revision = revision + 1;
      END;
      CREATE TRIGGER listing_revision_update AFTER UPDATE ON prompts BEGIN
        INSERT INTO listing_revisions (user_id, revision)
          SELECT new.user_id, 1 WHERE EXISTS (SELECT 1 FROM users WHERE id = new.user_id)
          ON CONFLICT (user_id) DO UPDATE SET revision = revision + 1;
      END;
      CREATE TRIGGER listing_revision_delete AFTER DELETE ON prompts BEGIN
        INSERT INTO listing_revisions (user_id, revision)
          SELECT old.user_id, 1 WHERE EXISTS (SELECT 1 FROM users WHERE id = old.user_id)
          ON CONFLICT (user_id) DO UPDATE SET revision = revision + 1;
      END;
    `,
  },
  {
    version: 11,
    name: 'outbox claims and the usage index',
    // Issue 14: instances sharing this file claim a mail before sending it
    // (claimed_by; the lease's end is kept in next_attempt_at, so outbox_due
    // serves claims too), so a reset link is not sent twice. prompts_created:
    // the admin usage counts scan one date range across every user; with
    // kind, model and user in the index they read no table row.
    sql: `
      ALTER TABLE outbox ADD COLUMN claimed_by TEXT;
      CREATE INDEX prompts_created ON prompts (created_at, kind, model_id, user_id);
    `,
  },
  {
    version: 14,
    name: 'test runs of Test and fix turns',
    // Issue 17: the run of an answer's code with its tests (JSON), on the answer turn it ran.
    sql: `
      ALTER TABLE prompts ADD COLUMN test_run TEXT;
    `,
  },
  {
    version: 15,
    name: 'user preferences: Test and fix',
    // Issue 17: Generate's "Test and fix" (off until turned on) and its fix rounds, remembered per user.
    sql: `
      ALTER TABLE users ADD COLUMN repair_enabled INTEGER NOT NULL DEFAULT 0;
      ALTER TABLE users ADD COLUMN repair_rounds INTEGER NOT NULL DEFAULT 2;
    `,
  },
];
