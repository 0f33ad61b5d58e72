import { describe, expect, it } from 'vitest';
import { findBatch, useFakeMongoStore } from '../../../../test/helpers/fake-mongo-store.js';
import { fixtureOutbox } from '../store-outbox.contract.js';
import { T0 } from '../store-fixtures.js';
import { fromOutboxDoc, toOutboxDoc } from './mongo-outbox.js';

/**
 * The outbox and the security-events query over the wire protocol (the
 * stand-in server has no query engine: it checks what is asked and serves
 * documents). Their behaviour is the contract suite's, against a real
 * MongoDB when MONGODB_TEST_URI is set.
 */
const open = useFakeMongoStore();

describe('mongo outbox over the wire protocol', () => {
  it('maps a record to its document and back', () => {
    const mail = fixtureOutbox('u1');
    expect(toOutboxDoc(mail)).toEqual({ ...mail, id: undefined, _id: mail.id });
    expect(fromOutboxDoc(toOutboxDoc(mail))).toEqual(mail);
  });

  it('asks for due mail by nextAttemptAt, earliest first, with the limit, and reads the documents', async () => {
    const mail = fixtureOutbox('u1');
    const { server, store } = await open((c) =>
      c.find === 'outbox' ? findBatch('outbox', [toOutboxDoc(mail)]) : undefined,
    );
    expect(await store.outbox.listDue(T0, 20)).toEqual([mail]);
    const find = server.commands.find((c) => c.find === 'outbox');
    expect(find).toMatchObject({
      filter: { nextAttemptAt: { $lte: T0 } },
      sort: { nextAttemptAt: 1, _id: 1 },
    });
    expect(Number(find?.limit)).toBe(20);
  });

  it('claims mail with one findAndModify per mail on the due filter, until none is left or the limit', async () => {
    const docs = [fixtureOutbox('u1'), fixtureOutbox('u1')].map(toOutboxDoc);
    const { server, store } = await open((c) =>
      c.findAndModify === 'outbox' ? { ok: 1, value: docs.shift() ?? null } : undefined,
    );
    const won = await store.outbox.claimDue(T0, 'instance-a', 60_000, 5);
    expect(won.map((m) => m.userId)).toEqual(['u1', 'u1']);
    const claims = server.commands.filter((c) => c.findAndModify === 'outbox');
    // Two won, the third found nothing due: the loop stops there.
    expect(claims).toHaveLength(3);
    expect(claims[0]).toMatchObject({
      query: { nextAttemptAt: { $lte: T0 } },
      sort: { nextAttemptAt: 1, _id: 1 },
      update: { $set: { claimedBy: 'instance-a', nextAttemptAt: new Date(T0.getTime() + 60_000) } },
    });
    expect(claims[0]?.new).not.toBe(true);

    await store.outbox.claimDue(T0, 'instance-a', 60_000, 1);
    expect(server.commands.filter((c) => c.findAndModify === 'outbox')).toHaveLength(4);
  });

  it("reads a claimed document as the record, without the claim's owner", () => {
    const mail = fixtureOutbox('u1');
    expect(fromOutboxDoc({ ...toOutboxDoc(mail), claimedBy: 'instance-a' })).toEqual(mail);
  });

  it("reschedules and deletes on the owner's claim only when given one, releasing it", async () => {
    const { server, store } = await open((c) =>
      'update' in c || 'delete' in c ? { ok: 1, n: 0 } : undefined,
    );
    expect(await store.outbox.reschedule('m1', 1, T0, 'refused', 'instance-a')).toBe(false);
    expect(await store.outbox.delete('m1', 'instance-a')).toBe(false);
    await store.outbox.delete('m2');
    const update = server.commands.find((c) => c.update === 'outbox');
    expect(update?.updates).toEqual([
      expect.objectContaining({
        q: { _id: 'm1', claimedBy: 'instance-a' },
        u: { $set: { attempts: 1, nextAttemptAt: T0, lastError: 'refused' }, $unset: { claimedBy: '' } },
      }),
    ]);
    const deletes = server.commands.filter((c) => c.delete === 'outbox').map((c) => c.deletes);
    expect(deletes).toEqual([
      [{ q: { _id: 'm1', claimedBy: 'instance-a' }, limit: 1 }],
      [{ q: { _id: 'm2' }, limit: 1 }],
    ]);
  });

  it('deletes the queued mail with the user', async () => {
    const { server, store } = await open((c) => ('delete' in c ? { ok: 1, n: 1 } : undefined));
    await store.users.delete('u1');
    const deletes = server.commands.filter((c) => c.delete === 'outbox');
    expect(deletes.length).toBeGreaterThan(0);
    expect(deletes[0]?.deletes).toEqual([{ q: { userId: 'u1' }, limit: 0 }]);
  });

  it('asks the activity log for the given kinds only, newest first', async () => {
    const { server, store } = await open();
    expect(await store.activity.listKindsForUser('u1', ['email_changed', 'sign_in'], 20)).toEqual([]);
    const find = server.commands.find((c) => c.find === 'history');
    expect(find).toMatchObject({
      filter: { userId: 'u1', kind: { $in: ['email_changed', 'sign_in'] } },
      sort: { createdAt: -1, _id: -1 },
    });
  });
});
