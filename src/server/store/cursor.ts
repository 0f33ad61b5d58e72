import { InvalidInputError } from '../errors.js';

/** A position in a newest-first listing: the last item's creation time and id. */
export interface CursorPosition {
  createdAt: number;
  id: string;
}

/** Opaque to clients: base64url of "createdAtMs:id". */
export function encodeCursor(position: CursorPosition): string {
  return Buffer.from(`${position.createdAt}:${position.id}`).toString('base64url');
}

/** Throws InvalidInputError (field `cursor`) for anything encodeCursor did not make. */
export function decodeCursor(cursor: string): CursorPosition {
  const text = Buffer.from(cursor, 'base64url').toString('utf8');
  const match = /^(\d{1,15}):([\w-]{1,64})$/.exec(text);
  if (!match) {
    throw new InvalidInputError(undefined, { fields: { cursor: 'This page cursor is not valid.' } });
  }
  return { createdAt: Number(match[1]), id: match[2] ?? '' };
}

/**
 * A page of a newest-first listing read with one row more than `limit`: the
 * first `limit` rows as items, and a cursor after the last one when the extra
 * row says there is more. `at`: the item's time the listing is ordered by.
 */
export function pageOf<Row, Item extends { id: string }>(
  rows: readonly Row[],
  limit: number,
  toItem: (row: Row) => Item,
  at: (item: Item) => Date,
): { items: Item[]; nextCursor: string | null } {
  const items = rows.slice(0, limit).map(toItem);
  const last = items.at(-1);
  return {
    items,
    nextCursor:
      rows.length > limit && last ? encodeCursor({ createdAt: at(last).getTime(), id: last.id }) : null,
  };
}
