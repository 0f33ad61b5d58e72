import { randomUUID } from 'node:crypto';
import type { Document } from 'mongodb';
import { afterEach, describe, expect, it } from 'vitest';
import { findBatch, useFakeMongoStore } from '../../../../test/helpers/fake-mongo-store.js';
import { copyStore } from '../../cli/store-sync.js';
import { encodeCursor } from '../cursor.js';
import { SqliteStore } from '../sqlite/sqlite.adapter.js';
import { fixtureUser, T0 } from '../store-fixtures.js';
import { fixturePrompt } from '../store-prompts.contract.js';
import { FAILED, PASSED } from '../store-repairs.contract.js';
import { toActivityDoc, toPromptDoc } from './mongo.mapping.js';

/**
 * db:copy's batch reads and writes over the wire protocol (issue 16, item 8):
 * one `$in` find and one unordered insert per page, and duplicate keys in an
 * unordered batch taken as records already held. The stand-in server has no
 * query engine: it checks what is asked and answers as MongoDB does. The
 * behaviour is the contract suite's, against a real MongoDB when
 * MONGODB_TEST_URI is set.
 */
const open = useFakeMongoStore();
const sources: SqliteStore[] = [];
afterEach(async () => {
  await Promise.all(sources.splice(0).map((s) => s.close()));
});

const inserts = (commands: Document[], collection: string) => commands.filter((c) => c.insert === collection);
const idFinds = (commands: Document[], collection: string) =>
  commands.filter((c) => c.find === collection && (c.filter as Document | undefined)?._id?.$in !== undefined);

/** An insert's answer as MongoDB gives it for an unordered batch: what was written, and one error per failure. */
function insertReply(command: Document, failures: { index: number; code: number }[]): Document {
  const documents = command.documents as Document[];
  const reply: Document = { ok: 1, n: documents.length - failures.length };
  if (failures.length > 0) {
    reply.writeErrors = failures.map(({ index, code }) => ({
      index,
      code,
      errmsg:
        code === 11000
          ? `E11000 duplicate key error dup key: { _id: "${String(documents[index]?._id)}" }`
          : 'no',
      ...(code === 11000 ? { keyPattern: { _id: 1 }, keyValue: { _id: documents[index]?._id } } : {}),
    }));
  }
  return reply;
}

describe('mongo batch reads and writes over the wire protocol', () => {
  it('inserts a batch with one unordered insert and counts what it wrote', async () => {
    const { server, store } = await open((c) => (c.insert === 'prompts' ? insertReply(c, []) : undefined));
    const records = [1, 2, 3].map(() => fixturePrompt('u1'));
    expect(await store.bulk.insertPrompts(records)).toEqual({ inserted: 3, alreadyPresent: 0 });
    const sent = inserts(server.commands, 'prompts');
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject({ ordered: false, documents: records.map(toPromptDoc) });
  });

  it('counts duplicate keys of an unordered batch as already held, without failing or retrying it', async () => {
    const { server, store } = await open((c) =>
      c.insert === 'history'
        ? insertReply(c, [
            { index: 0, code: 11000 },
            { index: 2, code: 11000 },
          ])
        : undefined,
    );
    const entries = [1, 2, 3, 4].map(() => ({
      id: randomUUID(),
      userId: 'u1',
      kind: 'generation' as const,
      createdAt: T0,
      ip: null,
      userAgent: null,
      details: {},
    }));
    expect(await store.bulk.insertActivity(entries)).toEqual({ inserted: 2, alreadyPresent: 2 });
    expect(inserts(server.commands, 'history')).toHaveLength(1);
  });

  it('fails the batch when a failure is not a duplicate key', async () => {
    const { store } = await open((c) =>
      c.insert === 'threads'
        ? insertReply(c, [
            { index: 0, code: 11000 },
            { index: 1, code: 121 }, // DocumentValidationFailure
          ])
        : undefined,
    );
    const thread = (id: string) => ({
      id,
      userId: 'u1',
      title: 't',
      kind: 'generate' as const,
      createdAt: T0,
      updatedAt: T0,
    });
    await expect(store.bulk.insertThreads([thread('a'), thread('b')])).rejects.toThrow();
  });

  it('finds records by ids with one $in find whose first batch holds them all', async () => {
    const held = fixturePrompt('u1');
    // Only the lookup is answered: start-up's own reads of prompts (the threads backfill) find nothing.
    const { server, store } = await open((c) =>
      idFinds([c], 'prompts').length > 0 ? findBatch('prompts', [toPromptDoc(held)]) : undefined,
    );
    const ids = [held.id, randomUUID(), randomUUID()];
    expect(await store.bulk.findPrompts(ids)).toEqual([held]);
    const finds = idFinds(server.commands, 'prompts');
    expect(finds).toHaveLength(1);
    expect(finds[0]).toMatchObject({ filter: { _id: { $in: ids } }, batchSize: 3 });
    await expect(store.bulk.findPrompts([{ $gt: '' } as unknown as string])).rejects.toThrow();
  });

  it("writes a turn's test run into its document and reads it back (Test and fix)", async () => {
    const failed = { ...fixturePrompt('u1'), testRun: FAILED };
    const passed = { ...fixturePrompt('u1'), testRun: PASSED };
    const plain = fixturePrompt('u1');
    const { server, store } = await open((c) => {
      if (c.insert === 'prompts') {
        return insertReply(c, []);
      }
      const docs = [failed, passed].map((p) => ({ ...toPromptDoc(p), testRun: p.testRun }));
      return idFinds([c], 'prompts').length > 0 ? findBatch('prompts', docs) : undefined;
    });
    await store.bulk.insertPrompts([
      failed,
      { ...passed, testRun: { ...PASSED, message: undefined } },
      plain,
    ]);
    const sent = inserts(server.commands, 'prompts')[0]?.documents as Document[];
    expect(sent.map((d) => d.testRun as unknown)).toEqual([FAILED, PASSED, undefined]);
    // An undefined message is left out, not sent as null; a turn without a run has no field.
    expect(sent[1]?.testRun).not.toHaveProperty('message');
    expect(sent[2]).not.toHaveProperty('testRun');
    expect(await store.bulk.findPrompts([failed.id, passed.id])).toStrictEqual([failed, passed]);
  });

  it("db:copy sets a user's preferences with one findAndModify, and takes every turn's run along", async () => {
    const source = SqliteStore.open(':memory:');
    sources.push(source);
    const user = await source.users.create(fixtureUser());
    await source.preferences.update(user.id, { repairEnabled: true, repairRounds: 4 });
    const turn = fixturePrompt(user.id, { status: 'completed', finishedAt: T0 });
    await source.bulk.insertPrompts([{ ...turn, testRun: FAILED }]);
    const { server, store: target } = await open((c) =>
      Array.isArray(c.documents) ? insertReply(c, []) : undefined,
    );

    expect((await copyStore(source, target, T0)).written).toMatchObject({ users: 1, prompts: 1 });
    const set = server.commands.filter((c) => c.findAndModify === 'users');
    expect(set).toHaveLength(1);
    expect(set[0]).toMatchObject({
      query: { _id: user.id },
      update: { $set: { 'preferences.repairEnabled': true, 'preferences.repairRounds': 4 } },
    });
    const sent = inserts(server.commands, 'prompts')[0]?.documents as Document[];
    expect(sent).toEqual([{ ...toPromptDoc(turn), testRun: FAILED }]);
  });

  it('pages the activity log newest first from the cursor, the scan bounded by its time', async () => {
    const entry = {
      id: 'e2',
      userId: 'u1',
      kind: 'sign_in' as const,
      createdAt: T0,
      ip: null,
      userAgent: null,
      details: {},
    };
    const { server, store } = await open((c) =>
      c.find === 'history' ? findBatch('history', [toActivityDoc(entry)]) : undefined,
    );
    const cursor = encodeCursor({ createdAt: T0.getTime(), id: 'e3' });
    expect(await store.bulk.listActivity('u1', 1, cursor)).toEqual({ items: [entry], nextCursor: null });
    const find = server.commands.find((c) => c.find === 'history');
    expect(find).toMatchObject({
      filter: {
        userId: 'u1',
        createdAt: { $lte: T0 },
        $or: [{ createdAt: { $lt: T0 } }, { createdAt: T0, _id: { $lt: 'e3' } }],
      },
      sort: { createdAt: -1, _id: -1 },
    });
    expect(Number(find?.limit)).toBe(2);
  });

  it('db:copy sends one $in find and one unordered insert per page of prompts and of activity', async () => {
    const source = SqliteStore.open(':memory:');
    sources.push(source);
    const user = await source.users.create(fixtureUser());
    const prompts = Array.from({ length: 1001 }, (_, i) =>
      fixturePrompt(user.id, { createdAt: new Date(T0.getTime() + i) }),
    );
    await source.bulk.insertPrompts(prompts);
    await source.bulk.insertActivity(
      Array.from({ length: 501 }, (_, i) => ({
        id: randomUUID(),
        userId: user.id,
        kind: 'generation' as const,
        createdAt: new Date(T0.getTime() + i),
        ip: null,
        userAgent: null,
        details: {},
      })),
    );
    const { server, store: target } = await open((c) =>
      Array.isArray(c.documents) ? insertReply(c, []) : undefined,
    );

    const report = await copyStore(source, target, T0);

    // Pages of 500: 1001 prompts in three, 501 entries in two.
    const promptInserts = inserts(server.commands, 'prompts');
    expect(idFinds(server.commands, 'prompts')).toHaveLength(3);
    expect(promptInserts.map((c) => (c.documents as Document[]).length)).toEqual([500, 500, 1]);
    expect(promptInserts.every((c) => c.ordered === false)).toBe(true);
    const activityInserts = inserts(server.commands, 'history');
    expect(idFinds(server.commands, 'history')).toHaveLength(2);
    expect(activityInserts.map((c) => (c.documents as Document[]).length)).toEqual([500, 1]);
    expect(activityInserts.every((c) => c.ordered === false)).toBe(true);
    expect(report.written).toMatchObject({ prompts: 1001, activity: 501 });
    expect(report.problems).toEqual([]);
  });
});
