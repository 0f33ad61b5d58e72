import fs from 'node:fs';
import { MongoClient, MongoServerError, type Document } from 'mongodb';
import { afterEach, describe, expect, it } from 'vitest';
import { captureLog } from '../../../../test/helpers/capture-log.js';
import { FakeMongod, type Handler } from '../../../../test/helpers/fake-mongod.js';
import { findBatch } from '../../../../test/helpers/fake-mongo-store.js';
import type { Logger } from '../../logger.js';
import { decodeCursor, encodeCursor } from '../cursor.js';
import { T0 } from '../store-fixtures.js';
import { fixturePrompt } from '../store-prompts.contract.js';
import {
  isSearchNotSupported,
  PENDING_RECHECK_MS,
  PromptSearch,
  SEARCH_CANDIDATE_LIMIT,
  SEARCH_INDEX_DEFINITION,
  SEARCH_INDEX_NAME,
  searchable,
  searchCandidatesPipeline,
} from './mongo-search.js';
import { QUERY_TIME_LIMIT_MS } from './mongo-time-limit.js';
import { MongoStore } from './mongo.adapter.js';
import { toPromptDoc, type PromptDoc } from './mongo.mapping.js';

/**
 * Issue 16 item 1: history search through Atlas Search where the server has
 * it (the index created at start-up, $search candidates re-checked by the
 * escaped substring match), and a time-limited scan that says when it was
 * limited where it has not. Shapes as unit tests; start-up and the requests
 * against the wire-protocol stand-in, as Atlas and as a self-hosted mongod.
 */
const fakes: FakeMongod[] = [];
const closers: (() => Promise<void>)[] = [];

afterEach(async () => {
  await Promise.all(closers.splice(0).map((close) => close()));
  await Promise.all(fakes.splice(0).map((f) => f.stop()));
});

async function fake(handler: Handler, atlas?: Record<string, Document[]>): Promise<FakeMongod> {
  const server = new FakeMongod(handler);
  server.searchIndexes = atlas;
  await server.start();
  fakes.push(server);
  return server;
}

async function start(
  handler: Handler = () => undefined,
  atlas?: Record<string, Document[]>,
  log?: Logger,
): Promise<{ server: FakeMongod; store: MongoStore }> {
  const server = await fake(handler, atlas);
  const store = await MongoStore.connect(`mongodb://127.0.0.1:${server.port}/cg`, {
    serverSelectionTimeoutMs: 1000,
    log,
  });
  closers.push(() => store.close());
  return { server, store };
}

const QUERYABLE = { id: 's1', name: SEARCH_INDEX_NAME, status: 'READY', queryable: true };
const EXISTS = { ok: 0, code: 68, codeName: 'IndexAlreadyExists', errmsg: 'Duplicate Index' };
/** Atlas with the index built and queryable (a restart): the create is refused, the list finds it. */
async function startSearching(handler: Handler): Promise<{ server: FakeMongod; store: MongoStore }> {
  const started = await start((c) => ('createSearchIndexes' in c ? EXISTS : handler(c)), {
    prompts: [QUERYABLE],
  });
  expect(started.store.prompts.search.mode).toBe('search');
  return started;
}
const isSearch = (c: Document): boolean => c.aggregate === 'prompts' && '$search' in (c.pipeline?.[0] ?? {});
const listings = (server: FakeMongod): Document[] =>
  server.commands.filter((c) => c.find === 'prompts' && c.projection !== undefined);
const expired = { ok: 0, code: 50, codeName: 'MaxTimeMSExpired', errmsg: 'operation exceeded time limit' };
const record = (id: string, at: Date): PromptDoc =>
  toPromptDoc({ ...fixturePrompt('u1', { id, input: `a linked list ${id}` }), createdAt: at });
const messages = (lines: string[]) => lines.map((line) => (JSON.parse(line) as { msg: string }).msg);

describe('Atlas Search query shapes', () => {
  it('defines lower-cased trigrams over input, output and code, and userId as a token to filter on', () => {
    expect(SEARCH_INDEX_DEFINITION.analyzers).toEqual([
      {
        name: 'codegenie_trigram',
        tokenizer: { type: 'nGram', minGram: 3, maxGram: 3 },
        tokenFilters: [{ type: 'lowercase' }],
      },
    ]);
    const { fields } = SEARCH_INDEX_DEFINITION.mappings;
    expect(SEARCH_INDEX_DEFINITION.mappings.dynamic).toBe(false);
    expect(fields.userId).toEqual({ type: 'token' });
    expect(fields.createdAt).toEqual({ type: 'date' });
    for (const field of [fields.input, fields.output, fields.code]) {
      expect(field).toEqual({
        type: 'string',
        analyzer: 'codegenie_trigram',
        searchAnalyzer: 'codegenie_trigram',
      });
    }
  });

  it('is documented in the README exactly as created, for an operator to create it by hand', () => {
    const readme = fs.readFileSync(new URL('../../../../README.md', import.meta.url), 'utf8');
    const block = /<!-- search-index-definition -->\s*```json\n([\s\S]*?)\n```/.exec(readme)?.[1];
    expect(JSON.parse(block ?? 'null')).toEqual(SEARCH_INDEX_DEFINITION);
    expect(readme).toContain(`index name \`${SEARCH_INDEX_NAME}\``);
  });

  it('asks for candidates holding every trigram, filtered by user and by the cursor time, one past the limit', () => {
    expect(searchCandidatesPipeline('u1', 'LinkedList', T0)).toEqual([
      {
        $search: {
          index: SEARCH_INDEX_NAME,
          compound: {
            filter: [{ equals: { path: 'userId', value: 'u1' } }, { range: { path: 'createdAt', lte: T0 } }],
            must: [
              { text: { query: 'LinkedList', path: ['input', 'output', 'code'], matchCriteria: 'all' } },
            ],
          },
        },
      },
      { $limit: SEARCH_CANDIDATE_LIMIT + 1 },
      { $project: { _id: 1, threadId: 1 } },
    ]);
    const first = searchCandidatesPipeline('u1', 'abc')[0] as {
      $search: { compound: { filter: unknown[] } };
    };
    expect(first.$search.compound.filter).toEqual([{ equals: { path: 'userId', value: 'u1' } }]);
  });

  it('leaves a text shorter than a trigram to the scan', () => {
    expect(searchable('ab')).toBe(false);
    expect(searchable('abc')).toBe(true);
    expect(searchable('é€')).toBe(false);
  });

  it('tells a server without Atlas Search from any other refusal', () => {
    const error = (code: number, errmsg: string) => new MongoServerError({ ok: 0, code, errmsg });
    expect(isSearchNotSupported(error(31082, 'requires additional configuration'))).toBe(true);
    expect(
      isSearchNotSupported(error(6047401, '$listSearchIndexes stage is only allowed on MongoDB Atlas')),
    ).toBe(true);
    expect(isSearchNotSupported(error(115, 'Search index commands are only supported with Atlas.'))).toBe(
      true,
    );
    expect(isSearchNotSupported(error(59, "no such command: 'createSearchIndexes'"))).toBe(true);
    expect(isSearchNotSupported(error(40324, "Unrecognized pipeline stage name: '$search'"))).toBe(true);
    expect(isSearchNotSupported(error(59, "no such command: 'frobnicate'"))).toBe(false);
    expect(isSearchNotSupported(error(13, 'not authorized'))).toBe(false);
    expect(isSearchNotSupported(new Error('requires additional configuration'))).toBe(false);
  });
});

describe('Atlas Search at start-up over the wire protocol', () => {
  it('creates the index on a server with Atlas Search, and scans until it is queryable', async () => {
    const { log, lines } = captureLog('info');
    const atlas: Record<string, Document[]> = {};
    const { server, store } = await start(undefined, atlas, log);
    const created = server.commands.find((c) => c.createSearchIndexes === 'prompts');
    expect(created?.indexes).toEqual([
      { name: SEARCH_INDEX_NAME, type: 'search', definition: SEARCH_INDEX_DEFINITION },
    ]);
    expect(atlas.prompts?.map((i) => i.name)).toEqual([SEARCH_INDEX_NAME]);
    expect(store.prompts.search.mode).toBe('pending');
    expect(messages(lines)).toContain(
      'MongoDB: Atlas Search index created; history search scans until it is queryable',
    );
    await store.prompts.listSummariesForUser('u1', { q: 'linked' }, 20);
    expect(server.commands.some(isSearch)).toBe(false);
  });

  it('uses an existing queryable index: a refused create is followed by one look at the indexes', async () => {
    const { log, lines } = captureLog('info');
    const { store } = await start(
      (c) => ('createSearchIndexes' in c ? EXISTS : undefined),
      {
        prompts: [QUERYABLE],
      },
      log,
    );
    expect(store.prompts.search.mode).toBe('search');
    expect(messages(lines)).toContain('MongoDB: history search uses Atlas Search');
  });

  it('on a server without Atlas Search, says so plainly and scans; it never sends $search', async () => {
    const { log, lines } = captureLog('info');
    const { server, store } = await start(undefined, undefined, log);
    expect(server.commands.filter((c) => 'createSearchIndexes' in c)).toHaveLength(1);
    expect(store.prompts.search.mode).toBe('scan');
    expect(messages(lines)).toContain(
      'MongoDB: no Atlas Search on this server; history search scans with a time limit (README: MongoDB)',
    );
    const page = await store.prompts.listSummariesForUser('u1', { q: 'linked' }, 20);
    expect(page).toEqual({ items: [], nextCursor: null });
    expect(server.commands.some(isSearch)).toBe(false);
  });

  it('warns, naming the refusal, when the user may not create the index and none exists; it still starts', async () => {
    const { log, lines } = captureLog('info');
    const denied = { ok: 0, code: 13, codeName: 'Unauthorized', errmsg: 'not authorized' };
    const { store } = await start((c) => ('createSearchIndexes' in c ? denied : undefined), {}, log);
    expect(store.prompts.search.mode).toBe('scan');
    const warning = lines
      .map((line) => JSON.parse(line) as { level: number; msg: string })
      .find((l) => l.level === 40);
    expect(warning?.msg).toMatch(/refused to create the Atlas Search index prompts_text \(Unauthorized\)/);
    expect(warning?.msg).toMatch(/Create the index by hand \(README: MongoDB\)/);
  });

  it('asks a pending index again once PENDING_RECHECK_MS has passed, and then searches with it', async () => {
    const atlas: Record<string, Document[]> = { prompts: [] };
    const server = await fake(() => undefined, atlas);
    const client = new MongoClient(`mongodb://127.0.0.1:${server.port}/cg`, {
      serverSelectionTimeoutMS: 1000,
    });
    closers.push(() => client.close());
    let now = 1_000_000;
    const search = new PromptSearch(client.db('cg').collection<PromptDoc>('prompts'), () => now);
    await search.prepare('test', () => undefined);
    expect(search.mode).toBe('pending');
    const lists = () => server.commands.filter((c) => '$listSearchIndexes' in (c.pipeline?.[0] ?? {})).length;
    const before = lists();
    now += PENDING_RECHECK_MS - 1;
    expect(await search.usable()).toBe(false);
    expect(lists()).toBe(before);
    (atlas.prompts ?? []).forEach((index) => Object.assign(index, { status: 'READY', queryable: true }));
    now += 1;
    expect(await search.usable()).toBe(true);
    expect(lists()).toBe(before + 1);
    expect(search.mode).toBe('search');
  });
});

describe('history search over the wire protocol', () => {
  it('in search mode, takes $search candidates and re-checks them with the escaped substring match', async () => {
    const hit = record('p1', T0);
    const { server, store } = await startSearching((c) => {
      if (isSearch(c)) {
        return findBatch('prompts', [{ _id: 'p1' }, { _id: 'p2' }]);
      }
      return c.find === 'prompts' && c.projection !== undefined ? findBatch('prompts', [hit]) : undefined;
    });
    const cursor = encodeCursor({ createdAt: T0.getTime() + 5_000, id: 'zz' });
    const page = await store.prompts.listSummariesForUser('u1', { q: ' Linked.List ' }, 20, cursor);
    expect(page.items.map((p) => p.id)).toEqual(['p1']);
    expect(page.searchLimited).toBeUndefined();
    const search = server.commands.find(isSearch);
    expect(search?.pipeline).toEqual(
      searchCandidatesPipeline('u1', 'Linked.List', new Date(decodeCursor(cursor).createdAt)),
    );
    expect(Number(search?.maxTimeMS)).toBe(QUERY_TIME_LIMIT_MS);
    const [find] = listings(server);
    const match = { $regex: 'Linked\\.List', $options: 'i' };
    expect(find?.filter.$and[0]).toEqual({ _id: { $in: ['p1', 'p2'] } });
    expect(find?.filter.$and[1].$and).toContainEqual({
      $or: [{ input: match }, { output: match }, { code: match }],
    });
    expect(Number(find?.maxTimeMS)).toBe(QUERY_TIME_LIMIT_MS);
  });

  it('in search mode, answers no candidates with an empty page, and too many with the scan', async () => {
    let candidates: Document[] = [];
    const { server, store } = await startSearching((c) =>
      isSearch(c) ? findBatch('prompts', candidates) : undefined,
    );
    server.commands.length = 0;
    expect(await store.prompts.listForUser('u1', { q: 'zebracorn' }, 20)).toEqual({
      items: [],
      nextCursor: null,
    });
    expect(server.commands.filter((c) => c.find === 'prompts')).toEqual([]);
    candidates = Array.from({ length: SEARCH_CANDIDATE_LIMIT + 1 }, (_, i) => ({ _id: `p${i}` }));
    await store.prompts.listForUser('u1', { q: 'def' }, 20);
    const finds = server.commands.filter((c) => c.find === 'prompts');
    expect(finds).toHaveLength(1);
    expect(JSON.stringify(finds[0]?.filter)).not.toContain('$in');
    // A text shorter than a trigram never asks the index.
    const searches = server.commands.filter(isSearch).length;
    await store.prompts.listForUser('u1', { q: 'de' }, 20);
    expect(server.commands.filter(isSearch)).toHaveLength(searches);
  });

  it('without Atlas Search, a scan cut short by its time limit answers from the newest records and says so', async () => {
    const newest = record('p9', new Date(T0.getTime() + 9_000));
    const end = { _id: 'p0', createdAt: T0 };
    const { server, store } = await start((c) => {
      if (c.find !== 'prompts' || c.projection === undefined) {
        return undefined;
      }
      if (Number(c.skip) > 0) {
        return findBatch('prompts', [end]);
      }
      // The unbounded scan runs out of time; the one bounded by the window does not.
      return JSON.stringify(c.filter).includes('$gte') ? findBatch('prompts', [newest]) : expired;
    });
    const page = await store.prompts.listSummariesForUser('u1', { q: 'linked' }, 20);
    expect(page.items.map((p) => p.id)).toEqual(['p9']);
    expect(page.searchLimited).toBe(true);
    expect(decodeCursor(page.nextCursor ?? '')).toEqual({ createdAt: T0.getTime(), id: 'p0' });

    const [scan, probe, bounded] = listings(server);
    expect(probe).toMatchObject({
      filter: { userId: 'u1' },
      projection: { _id: 1, createdAt: 1 },
      sort: { createdAt: -1, _id: -1 },
    });
    expect(Number(probe?.skip)).toBe(1_999);
    expect(bounded?.filter.$and).toEqual([
      scan?.filter,
      { createdAt: { $gte: T0 }, $or: [{ createdAt: { $gt: T0 } }, { createdAt: T0, _id: { $gte: 'p0' } }] },
    ]);
    for (const find of [scan, probe, bounded]) {
      expect(Number(find?.maxTimeMS)).toBe(QUERY_TIME_LIMIT_MS);
    }
  });

  it('a window that fills the page is a complete page: no flag, the cursor after its last item', async () => {
    const docs = [3, 2, 1].map((i) => record(`p${i}`, new Date(T0.getTime() + i * 1000)));
    const { store } = await start((c) => {
      if (c.find !== 'prompts' || !JSON.stringify(c.filter).includes('u1')) {
        return undefined;
      }
      if (Number(c.skip) > 0) {
        return findBatch('prompts', [{ _id: 'p0', createdAt: T0 }]);
      }
      return JSON.stringify(c.filter).includes('$gte') ? findBatch('prompts', docs) : expired;
    });
    const page = await store.prompts.listForUser('u1', { q: 'linked' }, 2);
    expect(page.items.map((p) => p.id)).toEqual(['p3', 'p2']);
    expect(page.searchLimited).toBeUndefined();
    expect(decodeCursor(page.nextCursor ?? '')).toEqual({ createdAt: T0.getTime() + 2000, id: 'p2' });
  });

  it('a scan cut short with fewer records than the window left is still 503 store_timeout', async () => {
    const { store } = await start((c) =>
      c.find === 'prompts' && c.projection !== undefined && Number(c.skip ?? 0) === 0 ? expired : undefined,
    );
    await expect(store.prompts.listSummariesForUser('u1', { q: 'linked' }, 20)).rejects.toMatchObject({
      code: 'store_timeout',
    });
  });
});
