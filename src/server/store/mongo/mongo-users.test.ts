import type { Document } from 'mongodb';
import { describe, expect, it } from 'vitest';
import { useFakeMongoStore } from '../../../../test/helpers/fake-mongo-store.js';
import type { FakeMongod, Handler } from '../../../../test/helpers/fake-mongod.js';

/**
 * Account deletion over the wire protocol: the order of the deletes, a step
 * retried after a failover error, and a second call finishing what a failed
 * one left. The result on real data is the contract suite's.
 */
const open = useFakeMongoStore();
const USER_ID = 'user-1';

/** The collections deleted from, in order. */
const deletes = (server: FakeMongod) =>
  server.commands.filter((c) => 'delete' in c).map((c) => String(c.delete));

const DEPENDENTS = ['password_resets', 'history', 'prompts', 'threads', 'outbox', 'invitations', 'sessions'];

/** Answers `error` to the first delete from `collection`; the users delete finds the user. */
function failOnce(collection: string, error: Document): Handler {
  let failed = false;
  return (c) => {
    if (c.delete === collection && !failed) {
      failed = true;
      return error;
    }
    return c.delete === 'users' ? { ok: 1, n: 1 } : undefined;
  };
}

const STEPPED_DOWN = { ok: 0, code: 189, codeName: 'PrimarySteppedDown', errmsg: 'primary stepped down' };
const UNAUTHORIZED = { ok: 0, code: 13, codeName: 'Unauthorized', errmsg: 'not authorized' };

describe('mongo account deletion over the wire protocol', () => {
  it('deletes the data first, the sessions after it and the user last, then sweeps once more', async () => {
    const { server, store } = await open((c) => (c.delete === 'users' ? { ok: 1, n: 1 } : undefined));
    expect(await store.users.delete(USER_ID)).toBe(true);
    expect(deletes(server)).toEqual([...DEPENDENTS, 'users', ...DEPENDENTS]);
    const first = server.commands.find((c) => c.delete === 'prompts');
    expect(first?.deletes).toEqual([{ q: { userId: USER_ID }, limit: 0 }]);
  });

  it('retries a step that fails on a failover error and completes', async () => {
    const { server, store } = await open(failOnce('history', STEPPED_DOWN));
    expect(await store.users.delete(USER_ID)).toBe(true);
    expect(deletes(server)).toEqual([
      'password_resets',
      'history',
      'history',
      ...DEPENDENTS.slice(2),
      'users',
      ...DEPENDENTS,
    ]);
  });

  it('stops at a step failing for good, leaving sessions and user; a second call completes', async () => {
    const { server, store } = await open(failOnce('prompts', UNAUTHORIZED));
    await expect(store.users.delete(USER_ID)).rejects.toThrow();
    // Still signed in and still there: the user can try again.
    expect(deletes(server)).toEqual(['password_resets', 'history', 'prompts']);
    server.commands.length = 0;
    expect(await store.users.delete(USER_ID)).toBe(true);
    expect(deletes(server)).toEqual([...DEPENDENTS, 'users', ...DEPENDENTS]);
  });
});
