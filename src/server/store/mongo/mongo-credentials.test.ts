import type { Document } from 'mongodb';
import { describe, expect, it } from 'vitest';
import { StoreUnavailableError } from '../../errors.js';
import { useFakeMongoStore } from '../../../../test/helpers/fake-mongo-store.js';
import type { FakeMongod, Handler } from '../../../../test/helpers/fake-mongod.js';
import { T0 } from '../store-fixtures.js';
import { toResetDoc } from './mongo.mapping.js';

/**
 * Password changes over the wire protocol (issue 16, item 2): on a replica
 * set one transaction, run again on a TransientTransactionError and aborted
 * on any other failure; on a standalone server ordered steps, each retried.
 * What they do to real data is the contract suite's.
 */
const open = useFakeMongoStore();
const USER_ID = 'user-1';
const HASH = 'a'.repeat(64);
const LATER = new Date(T0.getTime() + 60_000);
const TOKEN = toResetDoc({
  id: 'reset-1',
  userId: USER_ID,
  tokenHash: HASH,
  createdAt: T0,
  expiresAt: new Date(T0.getTime() + 3_600_000),
  usedAt: LATER,
});

const STEPPED_DOWN = { ok: 0, code: 189, codeName: 'PrimarySteppedDown', errmsg: 'primary stepped down' };
const UNAUTHORIZED = { ok: 0, code: 13, codeName: 'Unauthorized', errmsg: 'not authorized' };
const WRITE_CONFLICT = {
  ok: 0,
  code: 112,
  codeName: 'WriteConflict',
  errmsg: 'write conflict',
  errorLabels: ['TransientTransactionError'],
};

/** The token found, the user updated, two sessions deleted; `fail` answers the first delete of sessions. */
function server(fail?: Document): Handler {
  let failed = false;
  return (c) => {
    if (c.findAndModify === 'password_resets') {
      return { ok: 1, value: TOKEN, lastErrorObject: { n: 1, updatedExisting: true } };
    }
    if (c.update === 'users') {
      return { ok: 1, n: 1, nModified: 1 };
    }
    if (c.delete === 'sessions') {
      if (fail && !failed) {
        failed = true;
        return fail;
      }
      return { ok: 1, n: 2 };
    }
    return undefined;
  };
}

/** The writes and transaction commands sent, by name, in order. */
const writes = (fake: FakeMongod) =>
  fake.commands.flatMap((c) => {
    const name = ['findAndModify', 'update', 'delete', 'commitTransaction', 'abortTransaction'].find(
      (n) => n in c,
    );
    return name === undefined
      ? []
      : [name === 'findAndModify' || name.endsWith('Transaction') ? name : `${name} ${String(c[name])}`];
  });

describe('mongo password changes on a replica set: one transaction', () => {
  it('uses the token, sets the hash and ends the sessions in one transaction committed by a majority', async () => {
    const { server: fake, store } = await open(server(), { replicaSet: 'rs0' });
    expect(await store.credentials.completeReset(HASH, 'new-hash', LATER)).toEqual({
      userId: USER_ID,
      sessionsRevoked: 2,
    });
    expect(writes(fake)).toEqual(['findAndModify', 'update users', 'delete sessions', 'commitTransaction']);
    const inTransaction = fake.commands.filter((c) => 'findAndModify' in c || 'update' in c || 'delete' in c);
    const [first] = inTransaction;
    expect(first?.startTransaction).toBe(true);
    for (const c of inTransaction) {
      expect(c).toMatchObject({ autocommit: false, txnNumber: first?.txnNumber, lsid: first?.lsid });
    }
    expect(first?.query).toEqual({ tokenHash: HASH, usedAt: null, expiresAt: { $gt: LATER } });
    expect(fake.commands.find((c) => 'commitTransaction' in c)?.writeConcern).toMatchObject({
      w: 'majority',
    });
  });

  it('runs the whole transaction again after a TransientTransactionError, then commits', async () => {
    const { server: fake, store } = await open(server(WRITE_CONFLICT), { replicaSet: 'rs0' });
    expect(await store.credentials.completeReset(HASH, 'new-hash', LATER)).toEqual({
      userId: USER_ID,
      sessionsRevoked: 2,
    });
    expect(writes(fake)).toEqual([
      'findAndModify',
      'update users',
      'delete sessions',
      'abortTransaction',
      'findAndModify',
      'update users',
      'delete sessions',
      'commitTransaction',
    ]);
  });

  it('aborts on any other failure: nothing is committed, the token included', async () => {
    const { server: fake, store } = await open(server(UNAUTHORIZED), { replicaSet: 'rs0' });
    await expect(store.credentials.completeReset(HASH, 'new-hash', LATER)).rejects.toThrow();
    expect(writes(fake)).toEqual(['findAndModify', 'update users', 'delete sessions', 'abortTransaction']);
  });

  it('changes a password and ends the other sessions in one transaction; a missing user aborts it', async () => {
    const { server: fake, store } = await open(server(), { replicaSet: 'rs0' });
    expect(await store.credentials.replacePassword(USER_ID, 'new-hash', LATER, 'kept')).toEqual({
      sessionsRevoked: 2,
    });
    expect(writes(fake)).toEqual(['update users', 'delete sessions', 'commitTransaction']);
    const deleted = fake.commands.find((c) => c.delete === 'sessions');
    expect(deleted?.deletes).toEqual([{ q: { userId: USER_ID, _id: { $ne: 'kept' } }, limit: 0 }]);

    const missing = await open(undefined, { replicaSet: 'rs0' });
    expect(await missing.store.credentials.replacePassword(USER_ID, 'new-hash', LATER)).toBeNull();
    expect(writes(missing.server)).toEqual(['update users', 'abortTransaction']);
  });
});

describe('mongo password changes on a standalone server: ordered steps', () => {
  it('uses the token, ends the sessions, sets the hash, ends the sessions again, without a transaction', async () => {
    const { server: fake, store } = await open(server());
    expect(await store.credentials.completeReset(HASH, 'new-hash', LATER)).toEqual({
      userId: USER_ID,
      sessionsRevoked: 4,
    });
    expect(writes(fake)).toEqual(['findAndModify', 'delete sessions', 'update users', 'delete sessions']);
    expect(fake.commands.some((c) => 'autocommit' in c)).toBe(false);
  });

  it('retries a step failing on a failover error, and completes', async () => {
    const { server: fake, store } = await open(server(STEPPED_DOWN));
    expect(await store.credentials.replacePassword(USER_ID, 'new-hash', LATER)).toEqual({
      sessionsRevoked: 4,
    });
    expect(writes(fake)).toEqual(['delete sessions', 'delete sessions', 'update users', 'delete sessions']);
  });

  it('stops before the new password when ending the sessions fails for good', async () => {
    const { server: fake, store } = await open(server(UNAUTHORIZED));
    await expect(store.credentials.replacePassword(USER_ID, 'new-hash', LATER)).rejects.toThrow();
    expect(writes(fake)).toEqual(['delete sessions']);
  });
});

describe('mongo sessions: revoking every session of a user', () => {
  it('is retried on a failover error (deleteMany is not a retryable write)', async () => {
    const { server: fake, store } = await open(server(STEPPED_DOWN));
    expect(await store.sessions.revokeAllForUser(USER_ID)).toBe(2);
    expect(writes(fake)).toEqual(['delete sessions', 'delete sessions']);
  });

  it('answers 503 store_unavailable when the server stays unreachable', async () => {
    const { store } = await open((c) => ('delete' in c ? STEPPED_DOWN : undefined));
    await expect(store.sessions.revokeAllForUser(USER_ID)).rejects.toBeInstanceOf(StoreUnavailableError);
  });
});
