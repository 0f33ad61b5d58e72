/**
 * The storage port: what the services need from a data store, in domain
 * terms. Adapters (sqlite/ now, MongoDB later) implement it and must pass
 * the contract suite in store.contract.ts. Nothing here may mention SQL or a
 * driver.
 *
 * Adapters translate driver errors at their boundary: a unique-key violation
 * becomes ConflictError (details.fields names the field), an unreachable
 * store becomes StoreUnavailableError.
 */

/** A stored account. `passwordHash` never leaves the services. */
export interface UserRecord {
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

export interface NewUser {
  id: string;
  username: string;
  email: string;
  displayName: string | null;
  passwordHash: string;
  createdAt: Date;
}

export interface UserRepository {
  /** Inserts a user; ConflictError with field `username` or `email` when taken. */
  create(user: NewUser): Promise<UserRecord>;
  findById(id: string): Promise<UserRecord | null>;
  /** Case-insensitive match on the username. */
  findByUsername(username: string): Promise<UserRecord | null>;
  /** Exact match on the (lower-cased) email. */
  findByEmail(email: string): Promise<UserRecord | null>;
  /** Replaces the password hash; false when the user does not exist. */
  updatePasswordHash(id: string, passwordHash: string, at: Date): Promise<boolean>;
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
}

export interface Store {
  readonly users: UserRepository;
  readonly sessions: SessionRepository;
  /** Resolves when the store answers; throws StoreUnavailableError otherwise. */
  ping(): Promise<void>;
  close(): Promise<void>;
}
