import { describe, expect, it } from 'vitest';
import { ManualClock } from '../clock.js';
import type { Logger } from '../logger.js';
import type { MailQueue, MailTokens, QueuedMail } from './mail-queue.port.js';
import { MailSeal } from './mail-seal.js';
import { MailService } from './mail.service.js';
import type { Mailer, MailMessage } from './mailer.port.js';

const SECRET = 'unit-test-secret-0123456789abcdef0123456789';
const MESSAGE: MailMessage = {
  to: 'Ada <ada@example.com>',
  subject: 'Reset your CodeGenie password',
  text: 'https://app.example/reset-password?token=the-secret-token',
  html: '<p>reset</p>',
};

/** An in-memory outbox with the store's semantics (due = nextAttemptAt <= now, earliest first; claims as leases). */
class MemoryQueue implements MailQueue {
  readonly mails = new Map<string, QueuedMail>();
  /** Who holds each claimed mail. */
  readonly claims = new Map<string, string>();
  async add(mail: QueuedMail) {
    this.mails.set(mail.id, { ...mail });
  }
  async claimDue(now: Date, owner: string, leaseMs: number, limit: number) {
    const due = [...this.mails.values()]
      .filter((m) => m.nextAttemptAt <= now)
      .sort((a, b) => a.nextAttemptAt.getTime() - b.nextAttemptAt.getTime())
      .slice(0, limit);
    for (const mail of due) {
      this.mails.set(mail.id, { ...mail, nextAttemptAt: new Date(now.getTime() + leaseMs) });
      this.claims.set(mail.id, owner);
    }
    return due;
  }
  async nextDueAt() {
    const times = [...this.mails.values()].map((m) => m.nextAttemptAt.getTime());
    return times.length ? new Date(Math.min(...times)) : null;
  }
  async reschedule(id: string, attempts: number, nextAttemptAt: Date, lastError: string, owner?: string) {
    const mail = this.mails.get(id);
    if (mail === undefined || !this.holds(id, owner)) {
      return false;
    }
    this.mails.set(id, { ...mail, attempts, nextAttemptAt, lastError });
    this.claims.delete(id);
    return true;
  }
  async delete(id: string, owner?: string) {
    if (!this.holds(id, owner)) {
      return false;
    }
    this.claims.delete(id);
    return this.mails.delete(id);
  }
  private holds(id: string, owner: string | undefined) {
    return owner === undefined || this.claims.get(id) === owner;
  }
}

/** A mailer that fails while `failing` and records what it sent. */
class FakeMailer implements Mailer {
  readonly description = 'fake';
  failing = false;
  readonly sent: MailMessage[] = [];
  async send(message: MailMessage) {
    if (this.failing) {
      throw new Error('connect ECONNREFUSED');
    }
    this.sent.push(message);
    return { messageId: `<${this.sent.length}@test>` };
  }
  async close() {}
}

function setUp(tokens?: MailTokens) {
  const clock = new ManualClock(Date.parse('2026-05-01T10:00:00Z'));
  const queue = new MemoryQueue();
  const mailer = new FakeMailer();
  const lines: { level: string; msg: string }[] = [];
  const record = (level: string) => (_obj: unknown, msg?: string) => lines.push({ level, msg: msg ?? '' });
  const log = { info: record('info'), warn: record('warn'), error: record('error') } as unknown as Logger;
  const mail = new MailService({
    mailer,
    log,
    queue,
    clock,
    secret: SECRET,
    tokens,
    retry: { attempts: 3, baseDelayMs: 1000 },
  });
  return { clock, queue, mailer, lines, mail };
}

describe('MailService', () => {
  it('keeps the message sealed in the outbox: the link never appears in clear', async () => {
    const { queue, mail } = setUp();
    await mail.enqueue({ purpose: 'password-reset', userId: 'u1', tokenId: 't1', message: MESSAGE });
    const [queued] = [...queue.mails.values()];
    expect(queued).toMatchObject({ userId: 'u1', tokenId: 't1', attempts: 0, purpose: 'password-reset' });
    expect(queued?.payload).not.toContain('the-secret-token');
    expect(new MailSeal(SECRET).open(queued?.payload ?? '')).toEqual(MESSAGE);
    expect(() => new MailSeal('another secret entirely').open(queued?.payload ?? '')).toThrow();
  });

  it('sends a due mail and deletes it; tells listeners of each enqueue', async () => {
    const { queue, mailer, mail } = setUp();
    let woken = 0;
    mail.onQueued(() => woken++);
    await mail.enqueue({ purpose: 'password-changed', userId: 'u1', message: MESSAGE });
    expect(woken).toBe(1);
    expect(await mail.sendDue()).toBeNull();
    expect(mailer.sent).toEqual([MESSAGE]);
    expect(queue.mails.size).toBe(0);
  });

  it('reschedules a failed try 1 s, then 4 s later on the injected clock, then gives up and withdraws the token', async () => {
    const withdrawn: string[] = [];
    const tokens: MailTokens = {
      isLive: async () => true,
      withdraw: async (_userId, tokenId) => {
        withdrawn.push(tokenId);
      },
    };
    const { clock, queue, mailer, lines, mail } = setUp(tokens);
    mailer.failing = true;
    await mail.enqueue({ purpose: 'password-reset', userId: 'u1', tokenId: 't1', message: MESSAGE });
    const start = clock.now().getTime();

    expect(await mail.sendDue()).toEqual(new Date(start + 1000));
    expect([...queue.mails.values()][0]).toMatchObject({ attempts: 1, lastError: 'connect ECONNREFUSED' });
    clock.advance(999);
    expect(await mail.sendDue()).toEqual(new Date(start + 1000)); // not due yet: untouched
    clock.advance(1);
    expect(await mail.sendDue()).toEqual(new Date(start + 1000 + 4000));
    clock.advance(4000);
    expect(await mail.sendDue()).toBeNull();

    expect(queue.mails.size).toBe(0);
    expect(withdrawn).toEqual(['t1']);
    expect(lines.filter((l) => l.level === 'warn').map((l) => l.msg)).toEqual([
      'mail failed; will retry',
      'mail failed; will retry',
      'mail failed; giving up',
    ]);
  });

  it('does not retry a mail whose token was withdrawn meanwhile', async () => {
    let live = true;
    const tokens: MailTokens = { isLive: async () => live, withdraw: async () => undefined };
    const { clock, queue, mailer, mail } = setUp(tokens);
    mailer.failing = true;
    await mail.enqueue({ purpose: 'password-reset', userId: 'u1', tokenId: 't1', message: MESSAGE });
    await mail.sendDue();
    live = false;
    mailer.failing = false;
    clock.advance(1000);
    expect(await mail.sendDue()).toBeNull();
    expect(mailer.sent).toEqual([]);
    expect(queue.mails.size).toBe(0);
  });

  it('drops a mail sealed under another secret, and logs it', async () => {
    const { queue, mailer, lines, mail } = setUp();
    await queue.add({
      id: 'm1',
      userId: 'u1',
      purpose: 'password-reset',
      payload: new MailSeal('the secret of an earlier install').seal(MESSAGE),
      tokenId: null,
      attempts: 0,
      nextAttemptAt: new Date(0),
      createdAt: new Date(0),
      lastError: null,
    });
    expect(await mail.sendDue()).toBeNull();
    expect(mailer.sent).toEqual([]);
    expect(lines.some((l) => l.level === 'error' && l.msg.includes('cannot be opened'))).toBe(true);
  });

  it('runs one pass at a time: a call during a pass gets the same pass, which looks again', async () => {
    const { mailer, mail } = setUp();
    await mail.enqueue({ purpose: 'a', userId: 'u1', message: MESSAGE });
    const first = mail.sendDue();
    await mail.enqueue({ purpose: 'b', userId: 'u1', message: MESSAGE });
    const second = mail.sendDue();
    expect(second).toBe(first);
    await first;
    expect(mailer.sent).toHaveLength(2);
  });

  it('idle waits for the pass that empties the outbox when a retry comes due, without polling', async () => {
    const { clock, queue, mailer, mail } = setUp();
    mailer.failing = true;
    await mail.enqueue({ purpose: 'password-changed', userId: 'u1', message: MESSAGE });
    let settled = false;
    const idle = mail.idle().then(() => {
      settled = true;
    });
    // The first try failed and the retry is due in 1 s: idle waits for a pass, it does not send again itself.
    await expect.poll(() => queue.mails.get([...queue.mails.keys()][0] ?? '')?.attempts).toBe(1);
    expect(settled).toBe(false);
    mailer.failing = false;
    clock.advance(1000);
    // The pass the sender job would run when the retry comes due.
    expect(await mail.sendDue()).toBeNull();
    await idle;
    expect(mailer.sent).toEqual([MESSAGE]);
    expect(queue.mails.size).toBe(0);
  });
});
