/**
 * The storage port's part for administration (issue 14 section 1): roles and
 * statuses on users, the registration settings an admin changes at run time,
 * and invitation links. Like store.port.ts, nothing here may mention SQL or a
 * driver; both adapters pass store-admin.contract.ts.
 */
import {
  registrationModeSchema,
  type RegistrationMode,
  type UserRole,
  type UserStatus,
} from '../../shared/admin.schemas.js';
import type { UserRecord } from './store.port.js';

/** What a user may do and whether they may sign in; part of every UserRecord. */
export interface UserAccess {
  role: UserRole;
  status: UserStatus;
  /** The last successful sign-in; null when never. */
  lastSignInAt: Date | null;
}

/**
 * What `users.create` accepts of UserAccess. Without `role`, the adapter
 * decides atomically: `admin` when the store holds no user at all (the first
 * account registered), `user` otherwise; of two simultaneous first creates at
 * most one becomes admin. `status` defaults to `active`, `lastSignInAt` to null.
 */
export type NewUserAccess = Partial<UserAccess>;

/** A user as created: `updatedAt` starts at `createdAt`; role and status as NewUserAccess says. */
export type NewUser = Omit<UserRecord, 'updatedAt' | keyof UserAccess> & NewUserAccess;

/** Filters of the admin's user list; every one optional. */
export interface UserSearch {
  /** Case-insensitive text in the username, email or display name. */
  q?: string;
  status?: UserStatus;
}

/** A page of users, newest first; `nextCursor` is null on the last page. */
export interface UserPage {
  items: UserRecord[];
  nextCursor: string | null;
}

/** What `users.delete` keeps: the admin API and the profile's account deletion pass it. */
export interface UserDeletion {
  /**
   * Refuse, with LastAdminError and deleting nothing, to delete the last
   * active admin, checked atomically with the deletion (two admins deleting
   * each other at the same instant: exactly one succeeds). `always`; or
   * `unlessAlone`: allowed when the account is the only one left (the
   * installation is empty again). Absent: no check (a registration rolled back).
   */
  keepAnAdmin?: 'always' | 'unlessAlone';
}

/** The administration methods of UserRepository. */
export interface UserAdminMethods {
  /**
   * Changes the role and/or status. Throws LastAdminError, changing nothing,
   * when the change would leave no active admin, checked atomically with the
   * change (two admins demoting each other at the same instant: exactly one
   * succeeds). Null when the user is absent.
   */
  updateAccess(
    id: string,
    change: { role?: UserRole; status?: UserStatus },
    at: Date,
  ): Promise<UserRecord | null>;
  /** How many users are active admins. */
  countActiveAdmins(): Promise<number>;
  /** Records a successful sign-in at `at`. */
  recordSignIn(id: string, at: Date): Promise<void>;
  /**
   * Users matching `query`, newest first (createdAt, then id), `limit` at
   * most; the cursor is opaque and an invalid one throws InvalidInputError.
   */
  search(query: UserSearch, limit: number, cursor?: string): Promise<UserPage>;
  /** Runs (generations and explanations) per user created at or after `since`; users without runs are absent. */
  countRunsSince(userIds: readonly string[], since: Date): Promise<Map<string, number>>;
}

/** The registration settings as stored; a field never changed by an admin is absent (the config's value holds). */
export interface RegistrationSettings {
  registration?: RegistrationMode;
  /** Lower-cased domains; empty: any. */
  allowedEmailDomains?: string[];
}

/**
 * The settings in stored values (SQLite's JSON rows, MongoDB's registration
 * document), ignoring a value this version cannot read (written by hand or
 * by a newer version): both adapters read them the same way.
 */
export function settingsFrom(values: {
  registration?: unknown;
  allowedEmailDomains?: unknown;
}): RegistrationSettings {
  const settings: RegistrationSettings = {};
  const mode = registrationModeSchema.safeParse(values.registration);
  if (mode.success) {
    settings.registration = mode.data;
  }
  const domains = values.allowedEmailDomains;
  if (Array.isArray(domains) && domains.every((d) => typeof d === 'string')) {
    settings.allowedEmailDomains = domains;
  }
  return settings;
}

/** An invitation link, stored only as the SHA-256 hash of its token (like password resets). */
export interface InvitationRecord {
  id: string;
  /** Hex SHA-256 of the token. */
  tokenHash: string;
  /** The admin who created it; the invitation goes with their account. */
  createdBy: string;
  createdAt: Date;
  expiresAt: Date;
  /** Set once used; a used invitation never works again. */
  usedAt: Date | null;
}

/** Registration settings and invitations: `store.registration`. */
export interface RegistrationRepository {
  /** The stored settings; `{}` when no admin ever changed them. */
  getSettings(): Promise<RegistrationSettings>;
  /** Stores the given fields and leaves the others as they are; returns the stored settings. */
  updateSettings(changes: RegistrationSettings, at: Date): Promise<RegistrationSettings>;
  createInvitation(invitation: InvitationRecord): Promise<InvitationRecord>;
  /**
   * Marks the invitation used if it is unused and unexpired at `now`,
   * atomically: of two simultaneous calls for one token exactly one gets the
   * record, the other null.
   */
  consumeInvitation(tokenHash: string, now: Date): Promise<InvitationRecord | null>;
  /** Makes a consumed invitation usable again (the registration it was for failed); false when absent. */
  releaseInvitation(id: string): Promise<boolean>;
}
