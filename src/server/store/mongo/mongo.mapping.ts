import type { Filter } from 'mongodb';
import { InvalidInputError } from '../../errors.js';
import { decodeCursor } from '../cursor.js';
import type {
  ActivityRecord,
  NewUser,
  PasswordResetRecord,
  PromptOutcome,
  PromptQuery,
  PromptRecord,
  SessionRecord,
  UserRecord,
} from '../store.port.js';

/**
 * Documents as stored in MongoDB and the pure functions that map them to the
 * port's records and back. Field names are the domain's, `_id` is the
 * record's string UUID, times are BSON dates. Tested without a server.
 */

/** `users`. `usernameKey` carries the unique, case-insensitive index. */
export interface UserDoc {
  _id: string;
  username: string;
  usernameKey: string;
  email: string;
  displayName: string | null;
  passwordHash: string;
  createdAt: Date;
  updatedAt: Date;
}

/** `sessions`. */
export interface SessionDoc {
  _id: string;
  userId: string;
  createdAt: Date;
  lastUsedAt: Date;
  expiresAt: Date;
  ip: string | null;
  userAgent: string | null;
}

/** `password_resets`. */
export interface ResetDoc {
  _id: string;
  userId: string;
  tokenHash: string;
  createdAt: Date;
  expiresAt: Date;
  usedAt: Date | null;
}

/** `history` (the activity log). `details` may be missing in a document written by hand. */
export interface ActivityDoc {
  _id: string;
  userId: string;
  kind: ActivityRecord['kind'];
  createdAt: Date;
  ip: string | null;
  userAgent: string | null;
  details?: ActivityRecord['details'];
}

/** `prompts`. `params` may be missing in a document written by hand. */
export type PromptDoc = Omit<PromptRecord, 'id' | 'params'> & {
  _id: string;
  params?: PromptRecord['params'];
};

/**
 * The key of the unique username index. SQLite's NOCASE folds ASCII letters
 * only, and usernames are ASCII (USERNAME_PATTERN), so this folds exactly
 * A-Z: both stores then agree on which names collide.
 */
export function usernameKey(username: string): string {
  return username.replace(/[A-Z]/g, (c) => c.toLowerCase());
}

export function toUserDoc(user: NewUser | UserRecord): UserDoc {
  return {
    _id: user.id,
    username: user.username,
    usernameKey: usernameKey(user.username),
    email: user.email,
    displayName: user.displayName,
    passwordHash: user.passwordHash,
    createdAt: user.createdAt,
    updatedAt: 'updatedAt' in user ? user.updatedAt : user.createdAt,
  };
}

export function fromUserDoc(doc: UserDoc): UserRecord {
  return {
    id: doc._id,
    username: doc.username,
    email: doc.email,
    displayName: doc.displayName ?? null,
    passwordHash: doc.passwordHash,
    createdAt: doc.createdAt,
    updatedAt: doc.updatedAt,
  };
}

export function toSessionDoc(session: SessionRecord): SessionDoc {
  return {
    _id: session.id,
    userId: session.userId,
    createdAt: session.createdAt,
    lastUsedAt: session.lastUsedAt,
    expiresAt: session.expiresAt,
    ip: session.ip,
    userAgent: session.userAgent,
  };
}

export function fromSessionDoc(doc: SessionDoc): SessionRecord {
  return {
    id: doc._id,
    userId: doc.userId,
    createdAt: doc.createdAt,
    lastUsedAt: doc.lastUsedAt,
    expiresAt: doc.expiresAt,
    ip: doc.ip ?? null,
    userAgent: doc.userAgent ?? null,
  };
}

export function toResetDoc(reset: PasswordResetRecord): ResetDoc {
  return {
    _id: reset.id,
    userId: reset.userId,
    tokenHash: reset.tokenHash,
    createdAt: reset.createdAt,
    expiresAt: reset.expiresAt,
    usedAt: reset.usedAt,
  };
}

export function fromResetDoc(doc: ResetDoc): PasswordResetRecord {
  return {
    id: doc._id,
    userId: doc.userId,
    tokenHash: doc.tokenHash,
    createdAt: doc.createdAt,
    expiresAt: doc.expiresAt,
    usedAt: doc.usedAt ?? null,
  };
}

export function toActivityDoc(entry: ActivityRecord): ActivityDoc {
  return {
    _id: entry.id,
    userId: entry.userId,
    kind: entry.kind,
    createdAt: entry.createdAt,
    ip: entry.ip,
    userAgent: entry.userAgent,
    details: entry.details,
  };
}

export function fromActivityDoc(doc: ActivityDoc): ActivityRecord {
  return {
    id: doc._id,
    userId: doc.userId,
    kind: doc.kind,
    createdAt: doc.createdAt,
    ip: doc.ip ?? null,
    userAgent: doc.userAgent ?? null,
    details: doc.details ?? {},
  };
}

export function toPromptDoc(record: PromptRecord): PromptDoc {
  return {
    _id: record.id,
    userId: record.userId,
    kind: record.kind,
    modelId: record.modelId,
    params: record.params,
    input: record.input,
    generationId: record.generationId,
    createdAt: record.createdAt,
    ...outcomeSet(record),
  };
}

export function fromPromptDoc(doc: PromptDoc): PromptRecord {
  return {
    id: doc._id,
    userId: doc.userId,
    kind: doc.kind,
    modelId: doc.modelId,
    params: doc.params ?? {},
    input: doc.input,
    language: doc.language,
    output: doc.output,
    code: doc.code ?? null,
    sections: doc.sections ?? null,
    status: doc.status,
    error: doc.error ?? null,
    promptTokens: doc.promptTokens ?? null,
    completionTokens: doc.completionTokens ?? null,
    firstTokenMs: doc.firstTokenMs ?? null,
    totalMs: doc.totalMs ?? null,
    generationId: doc.generationId ?? null,
    createdAt: doc.createdAt,
    finishedAt: doc.finishedAt ?? null,
  };
}

/** The `$set` of a finished run: exactly the PromptOutcome fields. */
export function outcomeSet(outcome: PromptOutcome): PromptOutcome {
  return {
    status: outcome.status,
    output: outcome.output,
    code: outcome.code,
    language: outcome.language,
    sections: outcome.sections,
    error: outcome.error,
    promptTokens: outcome.promptTokens,
    completionTokens: outcome.completionTokens,
    firstTokenMs: outcome.firstTokenMs,
    totalMs: outcome.totalMs,
    finishedAt: outcome.finishedAt,
  };
}

// --- The $-guard -----------------------------------------------------------

function refused(field: string): InvalidInputError {
  return new InvalidInputError(undefined, { fields: { [field]: 'This value is not allowed.' } });
}

/**
 * Every value that goes into a filter where a scalar is expected passes
 * here: objects and arrays (`{"$gt": ""}`) would become query operators,
 * and strings starting with `$` are field paths in aggregation expressions.
 * Schemas already type request values; this is the adapter's own guard.
 */
export function scalar(value: unknown, field: string): string | number | boolean {
  if (typeof value === 'string') {
    if (value.startsWith('$')) {
      throw refused(field);
    }
    return value;
  }
  if ((typeof value === 'number' && Number.isFinite(value)) || typeof value === 'boolean') {
    return value;
  }
  throw refused(field);
}

/** `scalar` for the string fields (ids, names, hashes): anything else is refused. */
export function text(value: unknown, field: string): string {
  const checked = scalar(value, field);
  if (typeof checked !== 'string') {
    throw refused(field);
  }
  return checked;
}

/** A valid Date, never an object that merely looks like one. */
export function date(value: unknown, field: string): Date {
  if (!(value instanceof Date) || Number.isNaN(value.getTime())) {
    throw refused(field);
  }
  return value;
}

/**
 * A whole number of items to return, capped below the 32-bit range (a page
 * listing asks for one more). MongoDB reads 0 as "no limit": callers handle 0.
 */
export function limitValue(value: unknown, field = 'limit'): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) {
    throw refused(field);
  }
  return Math.min(value, 2 ** 31 - 2);
}

/**
 * Escapes `text` for a PCRE `$regex` so it matches literally. NUL becomes
 * `\x00`: MongoDB refuses a pattern with an embedded null byte.
 */
export function escapeRegex(value: string): string {
  return value.replace(/[\\^$.*+?()[\]{}|-]/g, '\\$&').replaceAll('\0', '\\x00');
}

/**
 * The filter of a history listing. Search (`q`) is a case-insensitive,
 * escaped substring match over input, output and code: the documented
 * equivalent of SQLite's trigram search ($text is word-based, so "linkedlist"
 * would not find "LinkedListNode"). It runs inside the user's records, which
 * the (userId, createdAt, _id) index walks newest first until the page is full.
 */
export function promptListFilter(userId: string, query: PromptQuery, cursor?: string): Filter<PromptDoc> {
  const and: Filter<PromptDoc>[] = [{ userId: text(userId, 'userId') }];
  if (query.modelId !== undefined) {
    and.push({ modelId: text(query.modelId, 'modelId') });
  }
  if (query.kind !== undefined) {
    and.push({ kind: text(query.kind, 'kind') as PromptRecord['kind'] });
  }
  if (query.language !== undefined) {
    and.push({ language: text(query.language, 'language') });
  }
  if (query.status !== undefined) {
    and.push({ status: text(query.status, 'status') as PromptRecord['status'] });
  }
  if (query.from !== undefined) {
    and.push({ createdAt: { $gte: date(query.from, 'from') } });
  }
  if (query.to !== undefined) {
    and.push({ createdAt: { $lt: date(query.to, 'to') } });
  }
  if (cursor !== undefined) {
    if (typeof cursor !== 'string') {
      throw refused('cursor');
    }
    const at = decodeCursor(cursor);
    const createdAt = new Date(at.createdAt);
    and.push({ $or: [{ createdAt: { $lt: createdAt } }, { createdAt, _id: { $lt: at.id } }] });
  }
  if (query.q !== undefined) {
    if (typeof query.q !== 'string') {
      throw refused('q');
    }
    const q = query.q.trim();
    if (q) {
      const match = { $regex: escapeRegex(q), $options: 'i' };
      and.push({ $or: [{ input: match }, { output: match }, { code: match }] });
    }
  }
  return { $and: and };
}

/** Newest first, ties by id: the order of every listing, as in SQLite. */
export const NEWEST_FIRST = { createdAt: -1, _id: -1 } as const;
