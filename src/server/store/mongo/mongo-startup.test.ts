import type { Document } from 'mongodb';
import { afterEach, describe, expect, it } from 'vitest';
import { captureLog } from '../../../../test/helpers/capture-log.js';
import { FakeMongod, type Handler } from '../../../../test/helpers/fake-mongod.js';
import type { Logger } from '../../logger.js';
import { INDEXES } from './mongo-collections.js';
import { loadConfig } from '../../config.js';
import { DEFAULT_INDEX_TIMEOUT_MS, indexTimeoutMessage, StartupRefusal } from './mongo-startup.js';
import { MongoStore } from './mongo.adapter.js';

/**
 * Start-up against the wire-protocol stand-in server when the server answers
 * with an error, or holds a database of another application: the message
 * names the server's codeName and the operation, not the network.
 */
const fakes: FakeMongod[] = [];
const stores: MongoStore[] = [];

afterEach(async () => {
  await Promise.all(stores.splice(0).map((s) => s.close()));
  await Promise.all(fakes.splice(0).map((f) => f.stop()));
});

async function start(
  handler: Handler,
  log?: Logger,
  slow?: {
    delay: (command: Document) => number;
    serverSelectionTimeoutMs: number;
    indexTimeoutMs?: number;
    searchIndexes?: Record<string, Document[]>;
  },
): Promise<{ server: FakeMongod; result: unknown }> {
  const server = new FakeMongod(handler);
  if (slow) {
    server.delay = slow.delay;
    server.searchIndexes = slow.searchIndexes;
  }
  await server.start();
  fakes.push(server);
  const result = await MongoStore.connect(`mongodb://127.0.0.1:${server.port}/cg`, {
    serverSelectionTimeoutMs: slow?.serverSelectionTimeoutMs ?? 1000,
    indexTimeoutMs: slow?.indexTimeoutMs,
    log,
  }).then(
    (store) => {
      stores.push(store);
      return store;
    },
    (error: unknown) => error,
  );
  return { server, result };
}

const message = (result: unknown) => (result instanceof Error ? result.message : 'connected');

const ATLAS_ERROR = { ok: 0, code: 8000, codeName: 'AtlasError', errmsg: 'user is not allowed to do action' };

describe('mongo start-up errors over the wire protocol', () => {
  it('reports an error the server answered to the ping with its codeName, not as a network problem', async () => {
    const { result } = await start((c) => ('ping' in c ? ATLAS_ERROR : undefined));
    expect(message(result)).toMatch(/the server answered ping with AtlasError \(code 8000\)/);
    expect(message(result)).toMatch(/database user’s role/);
    expect(message(result)).not.toMatch(/no server answered|IP access list/);
  });

  it('names the collection whose index creation the server refused, with its codeName', async () => {
    const { result } = await start((c) =>
      c.createIndexes === 'prompts'
        ? {
            ok: 0,
            code: 85,
            codeName: 'IndexOptionsConflict',
            errmsg: 'Index already exists with different options',
          }
        : undefined,
    );
    expect(message(result)).toMatch(
      /the server answered createIndexes on prompts with IndexOptionsConflict \(code 85\): an index of the same name exists/,
    );
    expect(message(result)).not.toMatch(/no server answered/);
  });

  it('explains a users collection of another application, with the way out, and creates no index', async () => {
    const { server, result } = await start((c) =>
      c.count === 'users' && '$or' in (c.query as Document) ? { ok: 1, n: 1 } : undefined,
    );
    expect(message(result)).toMatch(
      /already has a users collection whose documents lack the fields CodeGenie indexes/,
    );
    expect(message(result)).toMatch(/npm run db:copy/);
    expect(message(result)).not.toMatch(/no server answered|IP access list/);
    expect(server.commands.some((c) => 'createIndexes' in c)).toBe(false);
  });

  it('builds the indexes outside the connect deadline: a slow build still connects', async () => {
    // Deadline: 200 ms of server selection + 2 s of grace; the users index build answers after 2.5 s.
    const { log, lines } = captureLog('info');
    const { result } = await start(() => undefined, log, {
      serverSelectionTimeoutMs: 200,
      delay: (c) => (c.createIndexes === 'users' ? 2_500 : 0),
    });
    expect(message(result)).toBe('connected');
    expect(lines.some((line) => line.includes('"collection":"users"'))).toBe(true);
  });

  it('stops start-up, naming the collection and its indexes, when an index request is never answered', async () => {
    // The fake holds the prompts index build back far longer than the 300 ms index deadline.
    const { server, result } = await start(() => undefined, undefined, {
      serverSelectionTimeoutMs: 1000,
      indexTimeoutMs: 300,
      delay: (c) => (c.createIndexes === 'prompts' ? 600_000 : 0),
    });
    expect(result).toBeInstanceOf(StartupRefusal);
    expect(message(result)).toMatch(
      /did not answer createIndexes on prompts \(prompts_user, [^)]*\) within 300 ms \(MONGODB_INDEX_TIMEOUT_MINUTES\)/,
    );
    expect(message(result)).toMatch(/may still be building it/);
    expect(message(result)).not.toMatch(/no server answered|IP access list/);
    // Start-up went no further than the request that hung.
    const built = server.commands.filter((c) => 'createIndexes' in c).map((c) => c.createIndexes as string);
    expect(built.at(-1)).toBe('prompts');
  });

  it('stops start-up, naming the Atlas Search index, when its creation is never answered', async () => {
    const { result } = await start(() => undefined, undefined, {
      serverSelectionTimeoutMs: 1000,
      indexTimeoutMs: 300,
      searchIndexes: {},
      delay: (c) => ('createSearchIndexes' in c ? 600_000 : 0),
    });
    expect(result).toBeInstanceOf(StartupRefusal);
    expect(message(result)).toMatch(
      /did not answer the Atlas Search index prompts_text on prompts within 300 ms/,
    );
  });

  it('logs the index build collection by collection, then connects', async () => {
    const { log, lines } = captureLog('info');
    const { result } = await start(() => undefined, log);
    expect(result).toBeInstanceOf(MongoStore);
    const messages = lines.map((line) => JSON.parse(line) as { msg: string; collection?: string });
    const built = messages.filter((m) => m.msg === 'MongoDB: indexes ready').map((m) => m.collection);
    const withIndexes = Object.values(INDEXES).filter((list) => list.length > 0).length;
    expect(built).toHaveLength(withIndexes);
    expect(built[0]).toBe('users');
    const order = messages.map((m) => m.msg);
    expect(order.indexOf('MongoDB: creating indexes')).toBeLessThan(order.indexOf('MongoDB: indexes ready'));
    expect(order.at(-1)).toBe('MongoDB store connected');
  });
});

describe('the index deadline setting', () => {
  it('is MONGODB_INDEX_TIMEOUT_MINUTES in ms, 10 minutes by default, as the message and README say', () => {
    const base = { DATA_DIR: '/tmp/unused', MODELS_GPU: 'off' };
    expect(loadConfig(base).mongoIndexTimeoutMs).toBe(DEFAULT_INDEX_TIMEOUT_MS);
    expect(loadConfig({ ...base, MONGODB_INDEX_TIMEOUT_MINUTES: '90' }).mongoIndexTimeoutMs).toBe(
      90 * 60_000,
    );
    expect(
      indexTimeoutMessage('createIndexes on prompts (prompts_user)', 'h', DEFAULT_INDEX_TIMEOUT_MS),
    ).toContain(
      'did not answer createIndexes on prompts (prompts_user) within 10 min (MONGODB_INDEX_TIMEOUT_MINUTES)',
    );
  });
});
