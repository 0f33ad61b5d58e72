import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { useTempDir } from '../../../../test/helpers/suite.js';
import { fixtureSession, fixtureUser, T0 } from '../store-fixtures.js';
import { SqliteStore } from './sqlite.adapter.js';

/**
 * A password change that fails half-way rolls back whole: a trigger that
 * refuses to delete sessions (the last step) stands for a real failure
 * there, and nothing of the change stays, the token included.
 */
const dir = useTempDir('codegenie-credentials-');
const open: { close(): unknown }[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((x) => x.close()));
});

async function setUp(name: string) {
  const file = path.join(dir.path, `${name}.db`);
  const store = SqliteStore.open(file);
  const db = new Database(file);
  open.push(store, db);
  const user = await store.users.create(fixtureUser());
  const session = await store.sessions.create(fixtureSession(user.id));
  const refuseDeletes = () => {
    db.exec("CREATE TRIGGER refuse BEFORE DELETE ON sessions BEGIN SELECT RAISE(ABORT, 'disk said no'); END");
  };
  const allowDeletes = () => {
    db.exec('DROP TRIGGER refuse');
  };
  return { store, user, session, refuseDeletes, allowDeletes };
}

const LATER = new Date(T0.getTime() + 60_000);

describe('sqlite password changes fail whole', () => {
  it('a reset failing at the sessions leaves the token usable and the password as it was; again, it completes', async () => {
    const { store, user, session, refuseDeletes, allowDeletes } = await setUp('reset');
    const tokenHash = 'a'.repeat(64);
    await store.passwordResets.create({
      id: 'reset-1',
      userId: user.id,
      tokenHash,
      createdAt: T0,
      expiresAt: new Date(T0.getTime() + 3_600_000),
      usedAt: null,
    });
    refuseDeletes();
    await expect(store.credentials.completeReset(tokenHash, 'new-hash', LATER)).rejects.toThrow();
    expect((await store.passwordResets.findByHash(tokenHash))?.usedAt).toBeNull();
    expect((await store.users.findById(user.id))?.passwordHash).toBe(user.passwordHash);
    expect(await store.sessions.findById(session.id)).not.toBeNull();
    allowDeletes();
    expect(await store.credentials.completeReset(tokenHash, 'new-hash', LATER)).toEqual({
      userId: user.id,
      sessionsRevoked: 1,
    });
    expect((await store.users.findById(user.id))?.passwordHash).toBe('new-hash');
    expect(await store.sessions.findById(session.id)).toBeNull();
  });

  it('a password change failing at the sessions keeps the old password', async () => {
    const { store, user, session, refuseDeletes } = await setUp('change');
    refuseDeletes();
    await expect(store.credentials.replacePassword(user.id, 'new-hash', LATER)).rejects.toThrow();
    expect((await store.users.findById(user.id))?.passwordHash).toBe(user.passwordHash);
    expect(await store.sessions.findById(session.id)).not.toBeNull();
  });
});
