import { describe, expect, it } from 'vitest';
import { findBatch, useFakeMongoStore } from '../../../../test/helpers/fake-mongo-store.js';
import { fixtureSession, fixtureUser, T0 } from '../store-fixtures.js';
import { toSessionDoc, toUserDoc } from './mongo.mapping.js';

/**
 * The session-with-user read of every signed-in request, over the wire
 * protocol (the stand-in server checks what is asked and serves documents).
 * Its behaviour is the contract suite's, against a real MongoDB when
 * MONGODB_TEST_URI is set.
 */
const open = useFakeMongoStore();

describe('mongo sessions over the wire protocol', () => {
  const user = { ...fixtureUser(), updatedAt: T0 };
  const session = fixtureSession(user.id);

  it('reads the session by id, then its user by the session’s user id', async () => {
    const { server, store } = await open((c) => {
      if (c.find === 'sessions') {
        return findBatch('sessions', [toSessionDoc(session)]);
      }
      return c.find === 'users' ? findBatch('users', [toUserDoc(user)]) : undefined;
    });
    expect(await store.sessions.findWithUser(session.id)).toEqual({ session, user });
    const finds = server.commands.filter((c) => c.find === 'sessions' || c.find === 'users');
    expect(finds.map((c) => [c.find, c.filter])).toEqual([
      ['sessions', { _id: session.id }],
      ['users', { _id: user.id }],
    ]);
  });

  it('answers null without asking for a user when the session is missing, and null when the user is', async () => {
    const { server, store } = await open((c) =>
      c.find === 'sessions' && c.filter?._id === session.id
        ? findBatch('sessions', [toSessionDoc(session)])
        : undefined,
    );
    expect(await store.sessions.findWithUser('missing')).toBeNull();
    expect(server.commands.some((c) => c.find === 'users')).toBe(false);
    expect(await store.sessions.findWithUser(session.id)).toBeNull();
    expect(server.commands.some((c) => c.find === 'users')).toBe(true);
  });
});
