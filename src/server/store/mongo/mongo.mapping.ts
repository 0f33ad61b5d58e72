import type {
  ActivityRecord,
  NewUser,
  PasswordResetRecord,
  PromptOutcome,
  PromptRecord,
  PromptSummary,
  SessionRecord,
  ThreadRecord,
  UserRecord,
} from '../store.port.js';
import { PROMPT_SUMMARY_FIELDS } from '../store.port.js';

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
  /** Absent in a document written before roles: `user`, `active`, never signed in. */
  role?: UserRecord['role'];
  status?: UserRecord['status'];
  lastSignInAt?: Date | null;
}

/** A record as a document: its id under `_id`, every other field as is. */
export type DocOf<T extends { id: string }> = Omit<T, 'id'> & { _id: string };

/** `sessions`. */
export type SessionDoc = DocOf<SessionRecord>;

/** `password_resets`. */
export type ResetDoc = DocOf<PasswordResetRecord>;

/** `history` (the activity log). `details` may be missing in a document written by hand. */
export type ActivityDoc = Omit<DocOf<ActivityRecord>, 'details'> & { details?: ActivityRecord['details'] };

/**
 * `prompts`. `params` may be missing in a document written by hand;
 * `threadId` and `parentId` in one written before threads (a one-turn thread).
 */
export type PromptDoc = Omit<PromptRecord, 'id' | 'params' | 'threadId' | 'parentId'> & {
  _id: string;
  params?: PromptRecord['params'];
  threadId?: string;
  parentId?: string | null;
};

/** `threads`. */
export type ThreadDoc = DocOf<ThreadRecord>;

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
    role: user.role ?? 'user',
    status: user.status ?? 'active',
    lastSignInAt: user.lastSignInAt ?? null,
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
    role: doc.role === 'admin' ? 'admin' : 'user',
    status: doc.status === 'pending' || doc.status === 'disabled' ? doc.status : 'active',
    lastSignInAt: doc.lastSignInAt ?? null,
  };
}

/**
 * The fields a document of one kind holds besides `_id`, each named once: a
 * field added to the record fails to compile until it is listed here, and
 * nothing else of a record object is ever written.
 */
export type FieldsOf<T> = Record<Exclude<keyof T, 'id'>, true>;

const SESSION_FIELDS: FieldsOf<SessionRecord> = {
  userId: true,
  createdAt: true,
  lastUsedAt: true,
  expiresAt: true,
  ip: true,
  userAgent: true,
};
const RESET_FIELDS: FieldsOf<PasswordResetRecord> = {
  userId: true,
  tokenHash: true,
  createdAt: true,
  expiresAt: true,
  usedAt: true,
};
const THREAD_FIELDS: FieldsOf<ThreadRecord> = {
  userId: true,
  title: true,
  kind: true,
  createdAt: true,
  updatedAt: true,
};
const ACTIVITY_FIELDS: FieldsOf<ActivityRecord> = {
  userId: true,
  kind: true,
  createdAt: true,
  ip: true,
  userAgent: true,
  details: true,
};

/** The document of `record`: its id under `_id` and exactly the listed fields. */
export function toDoc<T extends { id: string }>(record: T, fields: FieldsOf<T>): DocOf<T> {
  const doc: Record<string, unknown> = { _id: record.id };
  for (const key of Object.keys(fields) as (keyof T & string)[]) {
    doc[key] = record[key];
  }
  return doc as DocOf<T>;
}

/** The record of `doc`; a field missing from it (written by hand) takes its value in `absent`. */
export function fromDoc<T extends { id: string }>(
  doc: Partial<DocOf<T>> & { _id: string },
  fields: FieldsOf<T>,
  absent: Partial<T>,
): T {
  const record: Record<string, unknown> = { id: doc._id };
  for (const key of Object.keys(fields) as (keyof DocOf<T> & keyof T & string)[]) {
    record[key] = key in absent ? (doc[key] ?? absent[key]) : doc[key];
  }
  return record as T;
}

export function toSessionDoc(session: SessionRecord): SessionDoc {
  return toDoc(session, SESSION_FIELDS);
}

export function fromSessionDoc(doc: SessionDoc): SessionRecord {
  return fromDoc(doc, SESSION_FIELDS, { ip: null, userAgent: null });
}

export function toResetDoc(reset: PasswordResetRecord): ResetDoc {
  return toDoc(reset, RESET_FIELDS);
}

export function fromResetDoc(doc: ResetDoc): PasswordResetRecord {
  return fromDoc(doc, RESET_FIELDS, { usedAt: null });
}

export function toActivityDoc(entry: ActivityRecord): ActivityDoc {
  return toDoc(entry, ACTIVITY_FIELDS);
}

export function fromActivityDoc(doc: ActivityDoc): ActivityRecord {
  return fromDoc(doc, ACTIVITY_FIELDS, { ip: null, userAgent: null, details: {} });
}

export function toThreadDoc(thread: ThreadRecord): ThreadDoc {
  return toDoc(thread, THREAD_FIELDS);
}

export function fromThreadDoc(doc: ThreadDoc): ThreadRecord {
  return fromDoc(doc, THREAD_FIELDS, {});
}

export function toPromptDoc(record: PromptRecord): PromptDoc {
  return {
    _id: record.id,
    userId: record.userId,
    threadId: record.threadId,
    parentId: record.parentId,
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
    threadId: doc.threadId ?? doc._id,
    parentId: doc.parentId ?? null,
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

/** The fields of a PromptSummary, as a find projection (`_id` comes by default). */
export const SUMMARY_PROJECTION = Object.fromEntries(
  PROMPT_SUMMARY_FIELDS.filter((field) => field !== 'id').map((field) => [field, 1]),
) as Record<Exclude<(typeof PROMPT_SUMMARY_FIELDS)[number], 'id'>, 1>;

/** The summary of a document read with SUMMARY_PROJECTION. */
export function fromSummaryDoc(doc: Pick<PromptDoc, keyof typeof SUMMARY_PROJECTION | '_id'>): PromptSummary {
  return {
    id: doc._id,
    threadId: doc.threadId ?? doc._id,
    kind: doc.kind,
    modelId: doc.modelId,
    language: doc.language,
    status: doc.status,
    input: doc.input,
    totalMs: doc.totalMs ?? null,
    firstTokenMs: doc.firstTokenMs ?? null,
    completionTokens: doc.completionTokens ?? null,
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
