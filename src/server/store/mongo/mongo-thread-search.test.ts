import type { Document } from 'mongodb';
import { describe, expect, it } from 'vitest';
import { findBatch, useFakeMongoStore } from '../../../../test/helpers/fake-mongo-store.js';
import { decodeCursor, encodeCursor } from '../cursor.js';
import { T0 } from '../store-fixtures.js';
import { fixtureThread } from '../store-threads.contract.js';
import { SEARCH_INDEX_NAME } from './mongo-search.js';
import { QUERY_TIME_LIMIT_MS } from './mongo-time-limit.js';
import { toThreadDoc } from './mongo.mapping.js';

/**
 * The History page's thread search on MongoDB (issue 16 item 1), over the
 * wire protocol: the threads of Atlas Search's candidates where the index
 * answers; else a time-limited scan which, cut short, answers from the
 * newest threads with `searchLimited`.
 */
const open = useFakeMongoStore();
const expired = { ok: 0, code: 50, codeName: 'MaxTimeMSExpired', errmsg: 'operation exceeded time limit' };
const isThreadListing = (c: Document): boolean => c.aggregate === 'threads';
const firstMatch = (c: Document | undefined): Document => (c?.pipeline as Document[])[0]?.$match as Document;
const summary = (id: string, at: Date): Document => ({
  ...toThreadDoc(fixtureThread('u1', { id, updatedAt: at })),
  turnCount: 1,
  latest: { _id: `${id}-turn`, status: 'completed', modelId: 'm', language: 'python' },
});

describe('thread search over the wire protocol', () => {
  it('without Atlas Search, a scan cut short answers from the newest threads, with a cursor and searchLimited', async () => {
    const { server, store } = await open((c) => {
      if (c.find === 'threads' && Number(c.skip) > 0) {
        return findBatch('threads', [{ _id: 't-end', updatedAt: T0 }]);
      }
      if (!isThreadListing(c)) {
        return undefined;
      }
      return '$and' in firstMatch(c)
        ? findBatch('threads', [summary('t9', new Date(T0.getTime() + 9))])
        : expired;
    });
    const page = await store.threads.listForUser('u1', { q: 'linked' }, 20);
    expect(page.items.map((t) => t.id)).toEqual(['t9']);
    expect(page.searchLimited).toBe(true);
    expect(decodeCursor(page.nextCursor ?? '')).toEqual({ createdAt: T0.getTime(), id: 't-end' });
    const [scan, bounded] = server.commands.filter(isThreadListing);
    expect(firstMatch(bounded).$and).toEqual([
      firstMatch(scan),
      {
        updatedAt: { $gte: T0 },
        $or: [{ updatedAt: { $gt: T0 } }, { updatedAt: T0, _id: { $gte: 't-end' } }],
      },
    ]);
    expect(Number(scan?.maxTimeMS)).toBe(QUERY_TIME_LIMIT_MS);
    const probe = server.commands.find((c) => c.find === 'threads' && Number(c.skip) > 0);
    expect(probe).toMatchObject({ filter: { userId: 'u1' }, sort: { updatedAt: -1, _id: -1 } });
  });

  it('a scan that finishes in time says nothing of a limit; the cursor bounds the index scan at its time', async () => {
    const { server, store } = await open((c) =>
      isThreadListing(c) ? findBatch('threads', [summary('t1', T0)]) : undefined,
    );
    const cursor = encodeCursor({ createdAt: T0.getTime() + 5, id: 'zz' });
    const page = await store.threads.listForUser('u1', { q: 'linked' }, 20, cursor);
    expect(page).toMatchObject({ nextCursor: null });
    expect(page.searchLimited).toBeUndefined();
    const at = new Date(T0.getTime() + 5);
    expect(firstMatch(server.commands.find(isThreadListing))).toEqual({
      userId: 'u1',
      updatedAt: { $lte: at },
      $or: [{ updatedAt: { $lt: at } }, { updatedAt: at, _id: { $lt: 'zz' } }],
    });
  });

  it('with Atlas Search, lists only the threads of the candidates', async () => {
    const { server, store } = await open(
      (c) => {
        if ('createSearchIndexes' in c) {
          return { ok: 0, code: 68, codeName: 'IndexAlreadyExists', errmsg: 'Duplicate Index' };
        }
        if (c.aggregate === 'prompts' && '$search' in (c.pipeline?.[0] ?? {})) {
          return findBatch('prompts', [
            { _id: 'p1', threadId: 't1' },
            { _id: 'p2', threadId: 't1' },
            { _id: 'p3' },
          ]);
        }
        return isThreadListing(c) ? findBatch('threads', [summary('t1', T0)]) : undefined;
      },
      {
        searchIndexes: { prompts: [{ id: 's1', name: SEARCH_INDEX_NAME, status: 'READY', queryable: true }] },
      },
    );
    expect(store.prompts.search.mode).toBe('search');
    const page = await store.threads.listForUser('u1', { q: 'linked' }, 20);
    expect(page.items.map((t) => t.id)).toEqual(['t1']);
    // A record written before threads has no threadId: its thread is itself.
    expect(firstMatch(server.commands.find(isThreadListing)).$and).toEqual([
      { userId: 'u1' },
      { _id: { $in: ['t1', 'p3'] } },
    ]);
  });
});
