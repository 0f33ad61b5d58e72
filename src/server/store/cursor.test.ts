import { describe, expect, it } from 'vitest';
import { InvalidInputError } from '../errors.js';
import { decodeCursor, pageOf } from './cursor.js';

/** The page every adapter's listing returns from the `limit + 1` rows it read. */
describe('pageOf', () => {
  const rows = [3, 2, 1].map((n) => ({ n }));
  const toItem = (row: { n: number }) => ({ id: `r${row.n}`, at: new Date(row.n * 1000) });

  it('keeps `limit` items and points after the last when the extra row says there is more', () => {
    const page = pageOf(rows, 2, toItem, (item) => item.at);
    expect(page.items.map((item) => item.id)).toEqual(['r3', 'r2']);
    expect(page.nextCursor).not.toBeNull();
    expect(decodeCursor(page.nextCursor ?? '')).toEqual({ createdAt: 2000, id: 'r2' });
  });

  it('has no cursor on the last page, full or not', () => {
    expect(pageOf(rows, 3, toItem, (item) => item.at).nextCursor).toBeNull();
    expect(pageOf(rows, 5, toItem, (item) => item.at)).toMatchObject({ nextCursor: null });
    expect(pageOf([], 5, toItem, (item) => item.at)).toEqual({ items: [], nextCursor: null });
  });
});

describe('decodeCursor', () => {
  it('refuses what encodeCursor did not make', () => {
    expect(() => decodeCursor('not a cursor')).toThrow(InvalidInputError);
  });
});
