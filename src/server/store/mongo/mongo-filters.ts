import type { Filter } from 'mongodb';
import { InvalidInputError } from '../../errors.js';
import { decodeCursor } from '../cursor.js';
import { storedLanguages } from '../language-filter.js';
import type { PromptQuery, PromptRecord } from '../store.port.js';
import type { PromptDoc } from './mongo.mapping.js';

/**
 * What goes into MongoDB filters: the $-guard every filter value passes,
 * and the history listing's filter. Pure functions, tested without a server.
 */

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
    const language = text(query.language, 'language');
    const languages = storedLanguages(language);
    and.push(languages.length === 1 ? { language } : { language: { $in: languages } });
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
    and.push(afterCursor(cursor));
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

/**
 * The records after a cursor position: older, or as old with a smaller id.
 * The `createdAt` bound outside the `$or` is redundant for the result but
 * lets the planner bound the scan of (userId, createdAt, _id) at the
 * cursor's time instead of reading the index from the newest record.
 */
export function afterCursor(cursor: string): Filter<PromptDoc> {
  const at = decodeCursor(cursor);
  const createdAt = new Date(at.createdAt);
  return {
    createdAt: { $lte: createdAt },
    $or: [{ createdAt: { $lt: createdAt } }, { createdAt, _id: { $lt: at.id } }],
  };
}

/** Newest first, ties by id: the order of every listing, as in SQLite. */
export const NEWEST_FIRST = { createdAt: -1, _id: -1 } as const;
