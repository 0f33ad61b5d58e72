import { randomUUID } from 'node:crypto';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { fixtureUser } from '../store-fixtures.js';
import { fixturePrompt } from '../store-prompts.contract.js';
import { SqliteStore } from './sqlite.adapter.js';

/**
 * SQLite's side of db:copy's batch insert (the behaviour both adapters share
 * is in store-bulk.contract.ts): one transaction per batch, so an error other
 * than a held id leaves none of the batch behind.
 */
const stores: SqliteStore[] = [];
afterEach(async () => {
  await Promise.all(stores.splice(0).map((s) => s.close()));
});

describe('SqliteBulk', () => {
  it('writes nothing of a batch when one record breaks a rule other than a held id', async () => {
    const store = SqliteStore.open(':memory:');
    stores.push(store);
    const u = await store.users.create(fixtureUser());
    const fine = fixturePrompt(u.id);
    // No such user: the foreign key refuses this row, after `fine` was inserted in the same transaction.
    const orphan = fixturePrompt(randomUUID());
    await expect(store.bulk.insertPrompts([fine, orphan])).rejects.toBeInstanceOf(Database.SqliteError);
    expect(await store.bulk.findPrompts([fine.id, orphan.id])).toEqual([]);
    expect(await store.bulk.insertPrompts([fine])).toEqual({ inserted: 1, alreadyPresent: 0 });
  });
});
