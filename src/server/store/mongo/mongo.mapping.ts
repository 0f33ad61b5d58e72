import type {
  ActivityRecord,
  NewUser,
  PasswordResetRecord,
  PromptOutcome,
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
