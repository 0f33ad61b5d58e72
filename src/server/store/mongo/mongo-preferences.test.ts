import { describe, expect, it } from 'vitest';
import { findBatch, useFakeMongoStore } from '../../../../test/helpers/fake-mongo-store.js';

/**
 * Preferences over the wire protocol (the stand-in server has no query
 * engine: it checks what is asked and serves documents). Their behaviour is
 * the contract suite's (store-preferences.contract.ts), against a real
 * MongoDB when MONGODB_TEST_URI is set.
 */
const open = useFakeMongoStore();

describe('mongo preferences over the wire protocol', () => {
  it('reads the preferences field of the user document, with the defaults for what is absent', async () => {
    const { server, store } = await open((c) =>
      c.find === 'users'
        ? findBatch('users', [{ _id: 'u1', preferences: { repairEnabled: true } }])
        : undefined,
    );
    expect(await store.preferences.get('u1')).toEqual({ repairEnabled: true, repairRounds: 2 });
    expect(server.commands.find((c) => c.find === 'users')).toMatchObject({
      filter: { _id: 'u1' },
      projection: { _id: 1, preferences: 1 },
    });
  });

  it('answers null for a user document that is not there', async () => {
    const { store } = await open((c) => (c.find === 'users' ? findBatch('users', []) : undefined));
    expect(await store.preferences.get('gone')).toBeNull();
  });

  it('sets only the fields given, in one findAndModify returning the document after', async () => {
    const { server, store } = await open((c) =>
      c.findAndModify === 'users'
        ? { ok: 1, value: { _id: 'u1', preferences: { repairEnabled: false, repairRounds: 4 } } }
        : undefined,
    );
    expect(await store.preferences.update('u1', { repairRounds: 4 })).toEqual({
      repairEnabled: false,
      repairRounds: 4,
    });
    expect(server.commands.find((c) => c.findAndModify === 'users')).toMatchObject({
      query: { _id: 'u1' },
      update: { $set: { 'preferences.repairRounds': 4 } },
      new: true,
    });
  });

  it('refuses an id that is not a string before it reaches the server', async () => {
    const { server, store } = await open();
    await expect(store.preferences.get({ $ne: '' } as unknown as string)).rejects.toThrow();
    expect(server.commands.some((c) => c.find === 'users')).toBe(false);
  });
});
