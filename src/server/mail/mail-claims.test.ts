import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../clock.js';
import type { Logger } from '../logger.js';
import { SqliteStore } from '../store/sqlite/sqlite.adapter.js';
import { fixtureUser, T0 } from '../store/store-fixtures.js';
import { MailService } from './mail.service.js';
import type { Mailer, MailMessage } from './mailer.port.js';

/**
 * Two instances' mail services on one store (issue 14): each claims a mail
 * before its try, so a mail is sent once, and a mail whose sender stalled
 * past its lease is taken over without the stalled one undoing the takeover.
 */
const SECRET = 'unit-test-secret-0123456789abcdef0123456789';
const MESSAGE: MailMessage = { to: 'ada@example.com', subject: 'Reset', text: 'link', html: '<p>link</p>' };
const LEASE = 60_000;
const log = { info: () => undefined, warn: () => undefined, error: () => undefined } as unknown as Logger;

/** A mailer whose sends wait until the test ends them; `started` resolves when a send begins. */
class StalledMailer implements Mailer {
  readonly description = 'stalled';
  readonly started: Promise<void>;
  private begin: () => void = () => undefined;
  private settle: ((error?: Error) => void) | undefined;
  constructor() {
    this.started = new Promise((resolve) => (this.begin = resolve));
  }
  send(): Promise<{ messageId: string }> {
    this.begin();
    return new Promise((resolve, reject) => {
      this.settle = (error) => {
        if (error) {
          reject(error);
        } else {
          resolve({ messageId: '<stalled@test>' });
        }
      };
    });
  }
  end(error?: Error): void {
    this.settle?.(error);
  }
  async close() {}
}

/** A mailer that records what it sent, or fails with `failure` when set. */
class RecordingMailer implements Mailer {
  readonly description = 'recording';
  readonly sent: MailMessage[] = [];
  failure: string | undefined;
  async send(message: MailMessage) {
    if (this.failure !== undefined) {
      throw new Error(this.failure);
    }
    this.sent.push(message);
    return { messageId: `<${this.sent.length}@test>` };
  }
  async close() {}
}

const stores: SqliteStore[] = [];
afterEach(async () => {
  await Promise.all(stores.splice(0).map((s) => s.close()));
});

async function setUp() {
  const store = SqliteStore.open(':memory:');
  stores.push(store);
  const user = await store.users.create(fixtureUser());
  const clock = new ManualClock(T0);
  const stalled = new StalledMailer();
  const other = new RecordingMailer();
  const common = { log, queue: store.outbox, clock, secret: SECRET, claimLeaseMs: LEASE };
  const a = new MailService({ ...common, mailer: stalled, owner: 'instance-a' });
  const b = new MailService({ ...common, mailer: other, owner: 'instance-b' });
  return { store, user, clock, stalled, other, a, b };
}

describe('MailService on a store shared by two instances', () => {
  it('sends a mail once: the other instance leaves a claimed mail alone until the lease ends', async () => {
    const { store, user, stalled, other, a, b } = await setUp();
    await a.enqueue({ purpose: 'password-reset', userId: user.id, message: MESSAGE });
    const pass = a.sendDue();
    await stalled.started;
    // A is mid-send: B finds nothing due, and looks again when A's lease would end.
    expect(await b.sendDue()).toEqual(new Date(T0.getTime() + LEASE));
    expect(other.sent).toEqual([]);
    stalled.end();
    expect(await pass).toBeNull();
    expect(await store.outbox.listForUser(user.id)).toEqual([]);
  });

  it('lets another instance take over a mail whose sender stalled past its lease, and the late failure changes nothing', async () => {
    const { store, user, clock, stalled, other, a, b } = await setUp();
    await a.enqueue({ purpose: 'password-reset', userId: user.id, message: MESSAGE });
    const pass = a.sendDue();
    await stalled.started;
    clock.advance(LEASE);
    other.failure = 'connect ECONNREFUSED';
    // B takes the mail over, fails, and schedules the retry 2 s later.
    expect(await b.sendDue()).toEqual(new Date(T0.getTime() + LEASE + 2000));
    // A's try fails late: its claim is gone, so B's schedule stands.
    stalled.end(new Error('socket timeout'));
    await pass;
    expect(await store.outbox.listForUser(user.id)).toEqual([
      expect.objectContaining({
        attempts: 1,
        lastError: 'connect ECONNREFUSED',
        nextAttemptAt: new Date(T0.getTime() + LEASE + 2000),
      }),
    ]);
    other.failure = undefined;
    clock.advance(2000);
    expect(await b.sendDue()).toBeNull();
    expect(other.sent).toEqual([MESSAGE]);
  });
});
