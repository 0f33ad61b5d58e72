import type { Collection, Db, IndexDescription } from 'mongodb';
import type { ActivityDoc, PromptDoc, ResetDoc, SessionDoc, ThreadDoc, UserDoc } from './mongo.mapping.js';
import type { OutboxDoc } from './mongo-outbox.js';
import type { InstanceDoc } from './mongo-instances.js';
import type { InvitationDoc, SettingsDoc } from './mongo-registration.js';
import type { CounterDoc, SecretDoc, SlotsDoc } from './mongo-counters.js';

/** The collections; `users`, `prompts` and `history` are named as in the original system. */
export interface MongoCollections {
  users: Collection<UserDoc>;
  sessions: Collection<SessionDoc>;
  passwordResets: Collection<ResetDoc>;
  history: Collection<ActivityDoc>;
  prompts: Collection<PromptDoc>;
  threads: Collection<ThreadDoc>;
  outbox: Collection<OutboxDoc>;
  instances: Collection<InstanceDoc>;
  settings: Collection<SettingsDoc>;
  invitations: Collection<InvitationDoc>;
  counters: Collection<CounterDoc>;
  runSlots: Collection<SlotsDoc>;
  sharedSecrets: Collection<SecretDoc>;
}

/** Collection names in the database. */
export const COLLECTION_NAMES: Record<keyof MongoCollections, string> = {
  users: 'users',
  sessions: 'sessions',
  passwordResets: 'password_resets',
  history: 'history',
  prompts: 'prompts',
  threads: 'threads',
  outbox: 'outbox',
  instances: 'instances',
  settings: 'settings',
  invitations: 'invitations',
  counters: 'counters',
  runSlots: 'run_slots',
  sharedSecrets: 'shared_secrets',
};

export function openCollections(db: Db): MongoCollections {
  return {
    users: db.collection<UserDoc>(COLLECTION_NAMES.users),
    sessions: db.collection<SessionDoc>(COLLECTION_NAMES.sessions),
    passwordResets: db.collection<ResetDoc>(COLLECTION_NAMES.passwordResets),
    history: db.collection<ActivityDoc>(COLLECTION_NAMES.history),
    prompts: db.collection<PromptDoc>(COLLECTION_NAMES.prompts),
    threads: db.collection<ThreadDoc>(COLLECTION_NAMES.threads),
    outbox: db.collection<OutboxDoc>(COLLECTION_NAMES.outbox),
    instances: db.collection<InstanceDoc>(COLLECTION_NAMES.instances),
    settings: db.collection<SettingsDoc>(COLLECTION_NAMES.settings),
    invitations: db.collection<InvitationDoc>(COLLECTION_NAMES.invitations),
    counters: db.collection<CounterDoc>(COLLECTION_NAMES.counters),
    runSlots: db.collection<SlotsDoc>(COLLECTION_NAMES.runSlots),
    sharedSecrets: db.collection<SecretDoc>(COLLECTION_NAMES.sharedSecrets),
  };
}

const NEWEST = { userId: 1, createdAt: -1, _id: -1 } as const;

/**
 * Indexes created at start-up. createIndexes is idempotent for identical
 * definitions; never change one in place (the server refuses a changed
 * definition under the same name): add one with a new name instead.
 *
 * TTL indexes (expireAfterSeconds 0 on expiresAt) let the server's TTL
 * monitor (once a minute) drop expired sessions and reset tokens; the port's
 * queries still check expiry and idleness themselves, so a record the monitor
 * has not reached yet never counts as live.
 */
export const INDEXES: Record<keyof MongoCollections, IndexDescription[]> = {
  users: [
    // Unique, case-insensitive: on the stored ASCII-lower-cased key (see usernameKey).
    { key: { usernameKey: 1 }, name: 'users_username', unique: true },
    { key: { email: 1 }, name: 'users_email', unique: true },
    // The Admin page's list (newest first); the last-admin check (users_role).
    { key: { createdAt: -1, _id: -1 }, name: 'users_newest' },
    { key: { role: 1, status: 1 }, name: 'users_role' },
  ],
  sessions: [
    { key: NEWEST, name: 'sessions_user' },
    { key: { expiresAt: 1 }, name: 'sessions_expires', expireAfterSeconds: 0 },
    { key: { lastUsedAt: 1 }, name: 'sessions_last_used' },
  ],
  passwordResets: [
    { key: { tokenHash: 1 }, name: 'password_resets_token', unique: true },
    { key: { userId: 1 }, name: 'password_resets_user' },
    { key: { expiresAt: 1 }, name: 'password_resets_expires', expireAfterSeconds: 0 },
  ],
  history: [
    { key: NEWEST, name: 'history_user' },
    { key: { userId: 1, kind: 1, createdAt: -1, _id: -1 }, name: 'history_user_kind' },
  ],
  prompts: [
    { key: NEWEST, name: 'prompts_user' },
    { key: { userId: 1, modelId: 1, createdAt: -1, _id: -1 }, name: 'prompts_user_model' },
    { key: { status: 1 }, name: 'prompts_running', partialFilterExpression: { status: 'running' } },
    { key: { userId: 1, threadId: 1, createdAt: 1 }, name: 'prompts_thread' },
    // An owner's once-a-second look for stop requests (issue 14): only running runs someone asked to stop.
    {
      key: { owner: 1 },
      name: 'prompts_cancel_requested',
      partialFilterExpression: { status: 'running', cancelRequestedAt: { $exists: true } },
    },
    // Usage across every user (the Admin page): the last 30 days' runs, whoever ran them, counted
    // from the index alone (MongoUsage projects these fields only), as SQLite's prompts_created.
    // A new name: a database built before has prompts_created on createdAt alone (left unused).
    { key: { createdAt: 1, kind: 1, modelId: 1, userId: 1 }, name: 'prompts_usage' },
    // Profile stats' all-time counts by kind and model, read from the index alone (statsTotalsPipeline).
    { key: { userId: 1, kind: 1, modelId: 1, completionTokens: 1 }, name: 'prompts_stats' },
  ],
  threads: [{ key: { userId: 1, updatedAt: -1, _id: -1 }, name: 'threads_user' }],
  outbox: [
    { key: { nextAttemptAt: 1, _id: 1 }, name: 'outbox_due' },
    { key: { userId: 1 }, name: 'outbox_user' },
  ],
  // Found by _id alone ('registration', 'first-admin').
  settings: [],
  invitations: [
    { key: { tokenHash: 1 }, name: 'invitations_token', unique: true },
    { key: { createdBy: 1 }, name: 'invitations_creator' },
    { key: { expiresAt: 1 }, name: 'invitations_expires', expireAfterSeconds: 0 },
  ],
  // A process that died without a word leaves its record; the sweep removes it, and a day later TTL does.
  instances: [{ key: { heartbeatAt: 1 }, name: 'instances_heartbeat', expireAfterSeconds: 86_400 }],
  // Shared counters and running slots go by themselves once expired (issue 14: many instances, one store).
  counters: [{ key: { expiresAt: 1 }, name: 'counters_expires', expireAfterSeconds: 0 }],
  runSlots: [
    { key: { 'slots.id': 1 }, name: 'run_slots_id' },
    { key: { expiresAt: 1 }, name: 'run_slots_expires', expireAfterSeconds: 0 },
  ],
  sharedSecrets: [],
};

// Start-up creates them in prepareDatabase (mongo-startup.ts), collection by collection with a progress log.
