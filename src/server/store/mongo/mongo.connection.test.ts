import net from 'node:net';
import type { Logger } from '../../logger.js';
import { BSON, type Document } from 'mongodb';
import { afterEach, describe, expect, it } from 'vitest';
import { ConflictError, InvalidInputError, StoreUnavailableError } from '../../errors.js';
import { fixtureUser, T0 } from '../store-fixtures.js';
import { runningOutcome } from '../store.port.js';
import { FakeMongod, type Handler } from '../../../../test/helpers/fake-mongod.js';
import { MongoStore } from './mongo.adapter.js';

/**
 * The adapter against a stand-in server that speaks the MongoDB wire
 * protocol over a real socket (OP_QUERY handshake, OP_MSG commands), for
 * what needs no query engine: start-up failures, outages and recovery, the
 * driver's real duplicate-key error, and that the $-guard stops a request
 * value before anything is sent. The full behaviour is the contract suite's
 * (mongo.adapter.test.ts, against a real server).
 */

const fakes: FakeMongod[] = [];
const stores: MongoStore[] = [];

async function fake(handler?: Handler): Promise<FakeMongod> {
  const f = new FakeMongod(handler);
  await f.start();
  fakes.push(f);
  return f;
}

async function connect(uri: string, serverSelectionTimeoutMs = 1000, log?: Logger): Promise<MongoStore> {
  const store = await MongoStore.connect(uri, { serverSelectionTimeoutMs, log });
  stores.push(store);
  return store;
}

afterEach(async () => {
  await Promise.all(stores.splice(0).map((s) => s.close()));
  await Promise.all(fakes.splice(0).map((f) => f.stop()));
});

const DUPLICATE =
  (keyPattern: Document): Handler =>
  (command) =>
    'insert' in command
      ? {
          ok: 1,
          n: 0,
          writeErrors: [
            {
              index: 0,
              code: 11000,
              errmsg: 'E11000 duplicate key error',
              keyPattern,
              keyValue: Object.fromEntries(Object.keys(keyPattern).map((k) => [k, 'x'])),
            },
          ],
        }
      : undefined;

/** Commands that read or write data (not the handshake, monitoring or indexes). */
const DATA_COMMANDS = ['find', 'insert', 'update', 'delete', 'findAndModify', 'aggregate', 'count'];
const dataCommands = (server: FakeMongod) =>
  server.commands.filter((c) => DATA_COMMANDS.includes(Object.keys(c)[0] ?? ''));

describe('mongo adapter over the wire protocol', () => {
  it('connects, pings and creates the indexes at start-up', async () => {
    const server = await fake();
    const store = await connect(`mongodb://127.0.0.1:${server.port}/cg_test`);
    await expect(store.ping()).resolves.toBeUndefined();
    const created = server.commands.filter((c) => 'createIndexes' in c);
    expect(created.map((c) => c.createIndexes)).toEqual([
      'users',
      'sessions',
      'password_resets',
      'history',
      'prompts',
      'threads',
      'outbox',
      'invitations',
      'instances',
      'counters',
      'run_slots',
    ]);
    expect(created.every((c) => c.$db === 'cg_test')).toBe(true);
    const indexes = (name: string) => created.find((c) => c.createIndexes === name)?.indexes;
    expect(indexes('users')).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ key: { usernameKey: 1 }, unique: true }),
        expect.objectContaining({ key: { email: 1 }, unique: true }),
      ]),
    );
    for (const ttl of ['sessions', 'password_resets', 'counters', 'run_slots']) {
      expect(indexes(ttl)).toContainEqual(
        expect.objectContaining({ key: { expiresAt: 1 }, expireAfterSeconds: 0 }),
      );
    }
    expect(indexes('prompts')).toContainEqual(
      expect.objectContaining({ key: { userId: 1, createdAt: -1, _id: -1 } }),
    );
    expect(indexes('invitations')).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ key: { tokenHash: 1 }, unique: true }),
        expect.objectContaining({ key: { expiresAt: 1 }, expireAfterSeconds: 0 }),
      ]),
    );
    expect(indexes('history')).toContainEqual(
      expect.objectContaining({ key: { userId: 1, createdAt: -1, _id: -1 } }),
    );
  });

  it('uses the database codegenie when the URI names none', async () => {
    const server = await fake();
    await connect(`mongodb://127.0.0.1:${server.port}`);
    expect(server.commands.filter((c) => 'createIndexes' in c).every((c) => c.$db === 'codegenie')).toBe(
      true,
    );
  });

  it('stops start-up quickly when nothing listens, naming the host and not the password', async () => {
    const server = await fake();
    const port = server.port;
    await server.stop();
    // A refused connection fails at once, not after the selection timeout: the message says refused.
    const error = await connect(`mongodb://app:s3cret%21@127.0.0.1:${port}/cg`).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Error);
    const message = (error as Error).message;
    expect(message).toContain(`127.0.0.1:${port}`);
    expect(message).toMatch(/refused/);
    expect(message).not.toMatch(/s3cret/);
  });

  it('stops start-up within the timeout when the server never answers', async () => {
    const silent = net.createServer((socket) => socket.on('error', () => undefined));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const address = silent.address();
    const port = typeof address === 'object' && address ? address.port : 0;
    try {
      // The message names the 0.8 s timeout given here, so that is the limit that ended it.
      const error = await connect(`mongodb://127.0.0.1:${port}/cg`, 800).catch((e: unknown) => e);
      expect((error as Error).message).toMatch(
        /no server answered within 0\.8 s: check the network and firewall/,
      );
    } finally {
      silent.close();
      await new Promise((resolve) => setImmediate(resolve));
    }
  });

  it('names the credentials when authentication fails, without the password', async () => {
    const server = await fake((command) =>
      'saslStart' in command || 'authenticate' in command
        ? { ok: 0, code: 18, codeName: 'AuthenticationFailed', errmsg: 'Authentication failed.' }
        : undefined,
    );
    const error = await connect(`mongodb://app:s3cret@127.0.0.1:${server.port}/cg?authSource=admin`).catch(
      (e: unknown) => e,
    );
    const message = (error as Error).message;
    expect(message).toMatch(/authentication failed: check the user name and password/);
    expect(message).toContain(`127.0.0.1:${server.port}`);
    expect(message).not.toMatch(/s3cret/);
  });

  it('answers 503 while the server is gone and recovers by itself once it is back, logging both', async () => {
    const logged: { level: string; message: string }[] = [];
    const log = {
      info: (_: unknown, message: string) => logged.push({ level: 'info', message }),
      warn: (_: unknown, message: string) => logged.push({ level: 'warn', message }),
    } as unknown as Logger;
    const server = await fake();
    const store = await connect(`mongodb://127.0.0.1:${server.port}/cg`, 1500, log);
    await expect(store.users.findById('a')).resolves.toBeNull();

    await server.stop();
    await expect(store.users.findById('a')).rejects.toBeInstanceOf(StoreUnavailableError);
    await expect(store.ping()).rejects.toBeInstanceOf(StoreUnavailableError);
    expect(logged).toContainEqual({
      level: 'warn',
      message: expect.stringMatching(/MongoDB server unreachable/),
    });

    await server.start(server.port);
    await expect(store.ping()).resolves.toBeUndefined();
    await expect(store.users.findById('a')).resolves.toBeNull();
    expect(logged.at(-1)).toEqual({ level: 'info', message: 'MongoDB server reachable again' });
  });

  it('reports a closed store as unavailable', async () => {
    const server = await fake();
    const store = await connect(`mongodb://127.0.0.1:${server.port}/cg`);
    await store.close();
    await expect(store.ping()).rejects.toBeInstanceOf(StoreUnavailableError);
    await expect(store.users.findById('a')).rejects.toBeInstanceOf(StoreUnavailableError);
  });

  it.each([
    [{ email: 1 }, 'email'],
    [{ usernameKey: 1 }, 'username'],
  ])('turns the driver’s duplicate-key error on %o into a conflict on %s', async (keyPattern, field) => {
    const server = await fake(DUPLICATE(keyPattern));
    const store = await connect(`mongodb://127.0.0.1:${server.port}/cg`);
    const error = await store.users.create(fixtureUser()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConflictError);
    expect((error as ConflictError).details).toEqual({ fields: { [field]: expect.any(String) } });
  });

  it('refuses operator objects and $-strings in every filter before anything is sent', async () => {
    const server = await fake();
    const store = await connect(`mongodb://127.0.0.1:${server.port}/cg`);
    // Only what the calls below send: not the threads migration's query at start-up.
    server.commands.length = 0;
    const op = { $gt: '' } as unknown as string;
    const at = op as unknown as Date;
    const n = op as unknown as number;
    const outcome = { ...runningOutcome('python'), status: 'completed' as const, finishedAt: T0 };
    const calls: (() => Promise<unknown>)[] = [
      () => store.users.findById(op),
      () => store.users.findByUsername(op),
      () => store.users.findByEmail(op),
      () => store.users.updatePasswordHash(op, 'hash', T0),
      () => store.users.updateProfile(op, { displayName: 'x' }, T0),
      () => store.users.delete(op),
      () => store.users.delete('$where'),
      () => store.users.listAll(op, 10),
      () => store.sessions.findById(op),
      () => store.sessions.touch(op, T0),
      () => store.sessions.revoke(op),
      () => store.sessions.revokeAllForUser(op),
      () => store.sessions.revokeAllForUser('u', op),
      () => store.sessions.listActiveForUser(op, T0, 1000),
      () => store.sessions.listActiveForUser('u', at, 1000),
      () => store.sessions.purgeExpired(at, 1000),
      () => store.sessions.listAllForUser(op),
      () => store.passwordResets.findByHash(op),
      () => store.passwordResets.consume(op, T0),
      () => store.passwordResets.consume('hash', at),
      () => store.passwordResets.invalidateUnused(op, T0),
      () => store.passwordResets.invalidateUnused('u', T0, op),
      () => store.passwordResets.delete(op),
      () => store.passwordResets.purgeExpired(at),
      () => store.passwordResets.listForUser(op),
      () => store.activity.listForUser(op, 10),
      () => store.activity.listForUser('u', n),
      () => store.prompts.finish(op, outcome),
      () => store.prompts.findById(op),
      () => store.prompts.findById('$expr'),
      () => store.prompts.listForUser(op, {}, 10),
      () => store.prompts.listForUser('u', { modelId: op }, 10),
      () => store.prompts.listForUser('u', { kind: op as 'generate' }, 10),
      () => store.prompts.listForUser('u', { language: '$lang' }, 10),
      () => store.prompts.listForUser('u', { status: op as 'running' }, 10),
      () => store.prompts.listForUser('u', { from: at }, 10),
      () => store.prompts.listForUser('u', { to: at }, 10),
      () => store.prompts.listForUser('u', { q: op }, 10),
      () => store.prompts.listForUser('u', {}, n),
      () => store.prompts.listForUser('u', {}, 10, op),
      () => store.prompts.deleteForUser(op, 'p'),
      () => store.prompts.deleteForUser('u', op),
      () => store.prompts.deleteAllForUser(op),
      () => store.prompts.listThread(op, 't'),
      () => store.prompts.listThread('u', op),
      () => store.threads.findForUser(op, 't'),
      () => store.threads.findForUser('u', op),
      () => store.threads.touch(op, T0),
      () => store.threads.touch('t', at),
      () => store.threads.deleteForUser(op, 't'),
      () => store.threads.deleteForUser('u', op),
      () => store.threads.listAllForUser(op),
      () => store.threads.listForUser(op, {}, 10),
      () => store.threads.listForUser('u', { modelId: op }, 10),
      () => store.threads.listForUser('u', {}, 10, op),
      () => store.prompts.statsForUser(op, T0, T0),
      () => store.prompts.statsForUser('u', at, T0),
    ];
    for (const call of calls) {
      await expect(call()).rejects.toBeInstanceOf(InvalidInputError);
    }
    // A $-string typed at sign-in or reset is an unknown name (401, as on SQLite), not bad input.
    await expect(store.users.findByUsername('$ne')).resolves.toBeNull();
    await expect(store.users.findByEmail('$where@example.com')).resolves.toBeNull();
    expect(dataCommands(server)).toEqual([]);
  });

  it('sends a search text as an escaped pattern, never as an operator', async () => {
    const server = await fake();
    const store = await connect(`mongodb://127.0.0.1:${server.port}/cg`);
    server.commands.length = 0;
    await store.prompts.listForUser('u', { q: '$where: (a.*)' }, 10);
    const [find] = dataCommands(server);
    expect(JSON.stringify(find?.filter)).toContain(String.raw`\\$where: \\(a\\.\\*\\)`);
  });

  it('moves records written before threads into one-turn threads at start-up', async () => {
    const old = {
      _id: 'p1',
      userId: 'u1',
      kind: 'explain',
      modelId: 'm',
      params: { level: 'beginner', format: 'overview' },
      input: 'def add(a, b):\n    return a + b',
      language: 'python',
      output: 'Adds.',
      status: 'completed',
      createdAt: T0,
      finishedAt: T0,
    };
    let served = false;
    const server = await fake((command) => {
      if (command.find === 'prompts' && !served) {
        served = true;
        return { ok: 1, cursor: { id: BSON.Long.fromNumber(0), ns: 'cg.prompts', firstBatch: [old] } };
      }
      return undefined;
    });
    await connect(`mongodb://127.0.0.1:${server.port}/cg`);
    const updates = server.commands.filter((c) => 'update' in c);
    expect(updates.map((c) => c.update)).toEqual(['threads', 'prompts']);
    expect(updates[0]?.updates).toEqual([
      {
        q: { _id: 'p1' },
        u: {
          $setOnInsert: {
            userId: 'u1',
            title: 'def add(a, b):… (beginner, overview)',
            kind: 'explain',
            createdAt: T0,
            updatedAt: T0,
          },
        },
        upsert: true,
      },
    ]);
    expect(updates[1]?.updates).toEqual([
      { q: { _id: 'p1' }, u: { $set: { threadId: 'p1', parentId: null } } },
    ]);
  });
});
