/**
 * The storage port: what the services need from a data store, in domain
 * terms. Two adapters implement it, sqlite/ (embedded, the default) and
 * mongo/ (MongoDB), chosen by index.ts from DATABASE_URL; both must pass the
 * contract suite in store.contract.ts. Nothing here may mention SQL or a
 * driver.
 *
 * Adapters translate driver errors at their boundary: a unique-key violation
 * becomes ConflictError (details.fields names the field), an unreachable
 * store becomes StoreUnavailableError.
 */
import type { Section } from '../../shared/generation.schemas.js';
import type { HistoryKind, HistoryStatus } from '../../shared/history.schemas.js';
import type { ActivityKind } from '../../shared/profile.schemas.js';
import type { OutboxRepository } from '../outbox.js';
import type { CounterRepository } from './counters.port.js';
import type { CredentialRepository } from './credentials.port.js';
import type { InstanceRepository } from './instances.port.js';
import type { ThreadRepository } from './threads.port.js';
import type { UsageRepository } from './usage.port.js';
import type { BulkRepository } from './bulk.port.js';
import type {
  NewUser,
  RegistrationRepository,
  UserAccess,
  UserAdminMethods,
  UserDeletion,
} from './admin.port.js';
/** A stored account. `passwordHash` never leaves the services. */
export interface UserRecord extends UserAccess {
  id: string;
  /** As the user typed it; unique case-insensitively. */
  username: string;
  /** Lower-cased; unique. */
  email: string;
  displayName: string | null;
  passwordHash: string;
  createdAt: Date;
  updatedAt: Date;
}
/** A user as created (defined in admin.port.ts with the access fields). */
export type { NewUser };

export interface UserRepository extends UserAdminMethods {
  /** Inserts a user; ConflictError with field `username` or `email` when taken. */
  create(user: NewUser): Promise<UserRecord>;
  findById(id: string): Promise<UserRecord | null>;
  /** Case-insensitive match on the username. */
  findByUsername(username: string): Promise<UserRecord | null>;
  /** Exact match on the (lower-cased) email. */
  findByEmail(email: string): Promise<UserRecord | null>;
  /** Replaces the password hash; false when the user does not exist. */
  updatePasswordHash(id: string, passwordHash: string, at: Date): Promise<boolean>;
  /**
   * Changes the display name and/or email (lower-cased by the caller);
   * ConflictError on `email` when taken. Returns the updated user, or null
   * when absent.
   */
  updateProfile(
    id: string,
    changes: { displayName?: string | null; email?: string },
    at: Date,
  ): Promise<UserRecord | null>;
  /**
   * Deletes the user and every record of theirs in every collection
   * (sessions, password resets, activity, prompts, threads, outbox). Safe to call again after
   * a failure half-way. False when the user did not exist. `options.keepAnAdmin`: see UserDeletion.
   */
  delete(id: string, options?: UserDeletion): Promise<boolean>;
  /** Every user in id order, `limit` at a time, after `afterId` (null: from the start). For db:copy. */
  listAll(afterId: string | null, limit: number): Promise<UserRecord[]>;
}

/** A server-side session; the signed token only references it by id. */
export interface SessionRecord {
  id: string;
  userId: string;
  createdAt: Date;
  lastUsedAt: Date;
  /** Absolute expiry. */
  expiresAt: Date;
  ip: string | null;
  userAgent: string | null;
}

export interface SessionRepository {
  create(session: SessionRecord): Promise<SessionRecord>;
  findById(id: string): Promise<SessionRecord | null>;
  /**
   * The session and its user in one call: what every signed-in request needs
   * (one statement instead of two on the request path). Null when either is missing;
   * expiry is the caller's to check. The records may be shared with other
   * callers (SQLite keeps them in memory), hence read-only.
   */
  findWithUser(id: string): Promise<{ session: Readonly<SessionRecord>; user: Readonly<UserRecord> } | null>;
  /** Records use of the session at `at`. */
  touch(id: string, at: Date): Promise<void>;
  /** Deletes one session; false when it did not exist. */
  revoke(id: string): Promise<boolean>;
  /** Deletes every session of the user except `exceptId`; returns how many. */
  revokeAllForUser(userId: string, exceptId?: string): Promise<number>;
  /** Sessions of the user that are neither past their absolute expiry nor idle too long, newest first. */
  listActiveForUser(userId: string, now: Date, idleMs: number): Promise<SessionRecord[]>;
  /** Deletes sessions past their absolute expiry or idle too long; returns how many. */
  purgeExpired(now: Date, idleMs: number): Promise<number>;
  /** Every session of the user, expired and idle ones too, newest first. For db:copy. */
  listAllForUser(userId: string): Promise<SessionRecord[]>;
}

/**
 * A password-reset token, stored only as the SHA-256 hash of the token that
 * was mailed (OWASP Forgot Password Cheat Sheet).
 */
export interface PasswordResetRecord {
  id: string;
  userId: string;
  /** Hex SHA-256 of the token. */
  tokenHash: string;
  createdAt: Date;
  expiresAt: Date;
  /** Set once the token is used or invalidated; a used token never works again. */
  usedAt: Date | null;
}

export interface PasswordResetRepository {
  create(reset: PasswordResetRecord): Promise<PasswordResetRecord>;
  findByHash(tokenHash: string): Promise<PasswordResetRecord | null>;
  /**
   * Marks the token used if it is unused and unexpired at `now`, atomically:
   * of two simultaneous calls for one token exactly one gets the record,
   * the other null.
   */
  consume(tokenHash: string, now: Date): Promise<PasswordResetRecord | null>;
  /** Marks every unused token of the user used, except `exceptId`; returns how many. */
  invalidateUnused(userId: string, now: Date, exceptId?: string): Promise<number>;
  /** Deletes one token (e.g. its mail could not be sent); false when absent. */
  delete(id: string): Promise<boolean>;
  /** Deletes tokens that expired before `now`; returns how many. */
  purgeExpired(now: Date): Promise<number>;
  /** Every reset token of the user, used and expired ones too, newest first. For db:copy. */
  listForUser(userId: string): Promise<PasswordResetRecord[]>;
}

/** Kinds of entries in a user's activity log: one list, shared with the Profile page. */
export type { ActivityKind };

/**
 * One entry of a user's activity log, kept in the `history` collection as
 * the original system named it (sign-ins, password changes, generations).
 */
export interface ActivityRecord {
  id: string;
  userId: string;
  kind: ActivityKind;
  createdAt: Date;
  ip: string | null;
  userAgent: string | null;
  /** Small, kind-specific facts (e.g. `{via: "admin-cli"}`); never secrets. */
  details: Record<string, string | number | boolean | null>;
}

export interface ActivityRepository {
  append(entry: ActivityRecord): Promise<void>;
  /** The user's newest entries first, at most `limit`. */
  listForUser(userId: string, limit: number): Promise<ActivityRecord[]>;
  /**
   * The user's newest entries of these kinds first, at most `limit`: the
   * profile's security events, which many generations must not push out.
   */
  listKindsForUser(userId: string, kinds: readonly ActivityKind[], limit: number): Promise<ActivityRecord[]>;
}

/** Mail waiting to be sent: shapes shared with the mail service, defined once in the kernel. */
export type { OutboxRecord, OutboxRepository } from '../outbox.js';

/** What was asked of a model and what it answered: the `prompts` collection. */
export interface PromptRecord {
  id: string;
  userId: string;
  /** The thread (conversation) this turn belongs to; a thread's id is its first turn's id. */
  threadId: string;
  /**
   * The turn this one follows; null for the thread's first position. Turns
   * with the same parent in one thread are versions of one position (Regenerate).
   */
  parentId: string | null;
  kind: HistoryKind;
  modelId: string;
  /** Sampling parameters and, for explain, level and format. */
  params: Record<string, string | number | boolean | string[] | null>;
  /** The prompt (generate) or the code (explain). */
  input: string;
  /** Requested, then detected, language. */
  language: string;
  output: string;
  /** Extracted code (generate) or null. */
  code: string | null;
  /** Line-by-line explanation sections, or null. */
  sections: Section[] | null;
  status: HistoryStatus;
  error: { code: string; message: string } | null;
  promptTokens: number | null;
  completionTokens: number | null;
  firstTokenMs: number | null;
  totalMs: number | null;
  /** For an explanation of generated code: the generation it explains. */
  generationId: string | null;
  createdAt: Date;
  finishedAt: Date | null;
}

/** The fields a finished (or stopped, or failed) run sets. */
export type PromptOutcome = Pick<
  PromptRecord,
  | 'status'
  | 'output'
  | 'code'
  | 'language'
  | 'sections'
  | 'error'
  | 'promptTokens'
  | 'completionTokens'
  | 'firstTokenMs'
  | 'totalMs'
  | 'finishedAt'
>;

/** The outcome fields of a run just started: no output and nothing measured yet. */
export function runningOutcome(language: PromptRecord['language']): PromptOutcome {
  return {
    status: 'running',
    output: '',
    code: null,
    language,
    sections: null,
    error: null,
    promptTokens: null,
    completionTokens: null,
    firstTokenMs: null,
    totalMs: null,
    finishedAt: null,
  };
}

/** Filters of a history listing; every one optional. */
export interface PromptQuery {
  /** Case-insensitive text searched in the prompt or code given, the output and the extracted code. */
  q?: string;
  modelId?: string;
  kind?: PromptRecord['kind'];
  language?: string;
  status?: PromptRecord['status'];
  /** Created at or after. */
  from?: Date;
  /** Created before. */
  to?: Date;
}

/** A page of a listing, newest first; `nextCursor` is null on the last page. */
export interface PromptPage {
  items: PromptRecord[];
  nextCursor: string | null;
  /** A search that stopped before the page was full (MongoDB without Atlas Search); SQLite never sets it. */
  searchLimited?: true;
}

/**
 * What a history list shows of a record: none of its output, code, sections
 * or parameters, which a list never needs and which are most of its bytes.
 */
export const PROMPT_SUMMARY_FIELDS = [
  'id',
  'threadId',
  'kind',
  'modelId',
  'language',
  'status',
  'input',
  'totalMs',
  'firstTokenMs',
  'completionTokens',
  'createdAt',
  'finishedAt',
] as const;
export type PromptSummary = Pick<PromptRecord, (typeof PROMPT_SUMMARY_FIELDS)[number]>;

/** What a listing of prompts is asked: whose, which, how many, and after which cursor. */
export type PromptListingArgs = [userId: string, query: PromptQuery, limit: number, cursor?: string];

export interface PromptSummaryPage {
  items: PromptSummary[];
  nextCursor: string | null;
  /** As PromptPage's. */
  searchLimited?: true;
}

/** Usage figures of one user. */
export interface PromptStats {
  generations: number;
  explanations: number;
  byModel: { modelId: string; count: number; completionTokens: number }[];
  /** Runs per UTC day from `since`, oldest first, days without runs included. */
  perDay: { date: string; count: number }[];
}

export interface PromptRepository {
  create(record: PromptRecord): Promise<PromptRecord>;
  /** Records the outcome of a run; false when the record does not exist. */
  finish(id: string, outcome: PromptOutcome): Promise<boolean>;
  findById(id: string): Promise<PromptRecord | null>;
  /**
   * Saves the output streamed so far of a record still `running` (called
   * while a run streams, so a crash loses at most the last save); false when
   * the record is absent or no longer running, which is then left unchanged.
   */
  saveProgress(id: string, output: string, completionTokens: number | null): Promise<boolean>;
  /**
   * Marks every record still `running` as failed (after a crash or restart:
   * nothing can still be running); returns how many.
   */
  failRunning(error: { code: string; message: string }, at: Date): Promise<number>;
  /**
   * The user's records matching `query`, newest first (createdAt, then id),
   * `limit` at most. The cursor is opaque and stays correct while new
   * records arrive: no duplicates, no gaps. An invalid cursor throws
   * InvalidInputError.
   */
  listForUser(userId: string, query: PromptQuery, limit: number, cursor?: string): Promise<PromptPage>;
  /** The same page as listForUser (same filters, order and cursor), with only the fields of a PromptSummary. */
  listSummariesForUser(...args: PromptListingArgs): Promise<PromptSummaryPage>;
  /**
   * A number that changes with every write to the user's records (create, finish, progress, delete), so
   * a listing read at one revision is still right while it is unchanged; null when the adapter keeps none.
   */
  listingRevision(userId: string): Promise<number | null>;
  /**
   * Every turn of the user's thread (every version), oldest first (createdAt,
   * then id); empty when the thread is not theirs or absent.
   */
  listThread(userId: string, threadId: string): Promise<PromptRecord[]>;
  /** Deletes one record of the user, and its thread when no turn is left; false when it is not theirs or absent. */
  deleteForUser(userId: string, id: string): Promise<boolean>;
  /** Deletes every record of the user, and every thread of theirs; returns how many records. */
  deleteAllForUser(userId: string): Promise<number>;
  /** Counts for the profile page; `perDay` covers `since` (a UTC midnight) to `until`. */
  statsForUser(userId: string, since: Date, until: Date): Promise<PromptStats>;
}

/** Conversations (threads.port.ts). */
export type { ThreadPage, ThreadRecord, ThreadRepository, ThreadSummary } from './threads.port.js';

export interface Store {
  readonly users: UserRepository;
  readonly sessions: SessionRepository;
  readonly passwordResets: PasswordResetRepository;
  /** Password changes and the end of the old sessions, as one operation (credentials.port.ts). */
  readonly credentials: CredentialRepository;
  /** The activity log (`history`). */
  readonly activity: ActivityRepository;
  readonly prompts: PromptRepository;
  /** Conversations: groups of prompt records. */
  readonly threads: ThreadRepository;
  /** Mail waiting to be sent. */
  readonly outbox: OutboxRepository;
  /** Server processes and the runs each owns (instances.port.ts). */
  readonly instances: InstanceRepository;
  /** Registration settings and invitations (admin.port.ts). */
  readonly registration: RegistrationRepository;
  /** Counters, running slots and the generated session secret every instance shares (counters.port.ts). */
  readonly counters: CounterRepository;
  /** Usage across every user, for the Admin page (usage.port.ts). */
  readonly usage: UsageRepository;
  /** Many records read and written at once, for db:copy (bulk.port.ts). */
  readonly bulk: BulkRepository;
  readonly repairs: import('./repairs.port.js').RepairRepository; // Test and fix runs (repairs.port.ts)
  readonly preferences: import('./preferences.port.js').PreferenceRepository; // remembered choices (preferences.port.ts)
  /** Resolves when the store answers; throws StoreUnavailableError otherwise. */
  ping(): Promise<void>;
  /**
   * Resolves when a write can happen now, checked cheaply and without
   * waiting; otherwise throws StoreBusyError (another writer holds the lock),
   * StoreFullError or StoreReadOnlyError. Optional: a store without it is
   * judged by ping alone.
   */
  checkWrite?(): Promise<void>;
  close(): Promise<void>;
}
