import { randomUUID } from 'node:crypto';
import type { Clock } from '../clock.js';
import type { Logger } from '../logger.js';
import type { MailQueue, MailTokens, QueuedMail } from './mail-queue.port.js';
import { MailSeal } from './mail-seal.js';
import type { Mailer, MailMessage } from './mailer.port.js';

export interface MailRetryOptions {
  /** Tries in all, first included. Default 4. */
  attempts: number;
  /** Wait before the second try; each later wait is 4 times longer. Default 2 s. */
  baseDelayMs: number;
}

export interface MailJob {
  message: MailMessage;
  /** What the mail is, for logs ("password-reset"); never the content. */
  purpose: string;
  /** The account the mail is about: its queued mail and mail files go with it. */
  userId: string;
  /** The reset token the mail carries: withdrawn (used, replaced, deleted), the mail is not sent. */
  tokenId?: string;
}

export interface MailServiceDeps {
  mailer: Mailer;
  log: Logger;
  /** The store's outbox: queued mail survives a restart. */
  queue: MailQueue;
  clock: Clock;
  /** The session secret: queued messages are sealed under a key derived from it. */
  secret: string;
  tokens?: MailTokens;
  retry?: Partial<MailRetryOptions>;
  /** This instance's id: the owner of the mail it claims (default: a random id per service). */
  owner?: string;
  /** How long a claimed mail is this instance's before another may take it. Default MAIL_CLAIM_LEASE_MS. */
  claimLeaseMs?: number;
}

/** Mails tried per look at the queue. */
const BATCH = 20;

/**
 * How long a claimed mail stays this instance's: longer than one SMTP try
 * can take (the adapter gives up after 10 s to connect, 10 s for the
 * greeting and 30 s of silence), so a mail changes hands only when its
 * sender died mid-try.
 */
export const MAIL_CLAIM_LEASE_MS = 120_000;

/**
 * Sends mail off the request path: `enqueue` keeps the message, sealed, in
 * the store's outbox, and the sender job (jobs/mail-outbox.job.ts) calls
 * `sendDue`, which tries each due mail, deletes it once sent and otherwise
 * reschedules it with backoff, up to a bounded number of tries. A restart
 * loses nothing: the job resumes the outbox at start. A failure is logged
 * with its reason and never reaches the request that caused the mail.
 * Instances sharing the store each run this: a mail is claimed before its
 * try (a lease in the store), so exactly one of them sends it.
 */
export class MailService {
  private readonly retry: MailRetryOptions;
  private readonly seal: MailSeal;
  private readonly owner: string;
  private readonly leaseMs: number;
  private readonly listeners = new Set<() => void>();
  /** Waiting for the end of the next pass (`idle`). */
  private readonly passWaiters = new Set<() => void>();
  private pass: Promise<Date | null> | undefined;
  private again = false;

  constructor(private readonly deps: MailServiceDeps) {
    this.retry = { attempts: deps.retry?.attempts ?? 4, baseDelayMs: deps.retry?.baseDelayMs ?? 2000 };
    this.seal = new MailSeal(deps.secret);
    this.owner = deps.owner ?? randomUUID();
    this.leaseMs = deps.claimLeaseMs ?? MAIL_CLAIM_LEASE_MS;
  }

  get description(): string {
    return this.deps.mailer.description;
  }

  /** Keeps the message in the outbox, due now, and tells the sender. */
  async enqueue(job: MailJob): Promise<void> {
    const now = this.deps.clock.now();
    await this.deps.queue.add({
      id: randomUUID(),
      userId: job.userId,
      purpose: job.purpose,
      payload: this.seal.seal(job.message),
      tokenId: job.tokenId ?? null,
      attempts: 0,
      nextAttemptAt: now,
      createdAt: now,
      lastError: null,
    });
    for (const listener of this.listeners) {
      listener();
    }
  }

  /** Calls `listener` after each enqueue (the sender job wakes up). */
  onQueued(listener: () => void): void {
    this.listeners.add(listener);
  }

  /**
   * Tries every mail due now, one pass at a time (a call during a pass runs
   * one more after it); resolves to when the next mail is due, null when the
   * outbox is empty.
   */
  sendDue(): Promise<Date | null> {
    if (this.pass) {
      this.again = true;
      return this.pass;
    }
    const run = async (): Promise<Date | null> => {
      let more = true;
      while (more) {
        this.again = false;
        let tried = 0;
        // One mail per claim: the lease need cover one try, not a batch's worth.
        for (; tried < BATCH; tried++) {
          const [mail] = await this.deps.queue.claimDue(this.deps.clock.now(), this.owner, this.leaseMs, 1);
          if (mail === undefined) {
            break;
          }
          await this.attempt(mail);
        }
        // A full batch may hide more due mail; an enqueue during the pass asks for another look.
        more = tried === BATCH || this.rerunAsked();
      }
      return this.deps.queue.nextDueAt();
    };
    this.pass = run().finally(() => {
      this.pass = undefined;
      for (const waiter of this.passWaiters) {
        waiter();
      }
      this.passWaiters.clear();
    });
    return this.pass;
  }

  /**
   * Resolves when the outbox is empty: every mail sent, given up or
   * withdrawn (tests, scripts). Mail due now is tried at once; a retry due
   * later is left to the sender job, which runs a pass when it comes due on
   * the injected clock, and this waits for that pass to end.
   */
  async idle(): Promise<void> {
    for (;;) {
      const next = await this.sendDue();
      if (next === null) {
        return;
      }
      if (next.getTime() > this.deps.clock.now().getTime()) {
        await new Promise<void>((resolve) => this.passWaiters.add(resolve));
      }
    }
  }

  /** Deletes the mail files the adapter wrote about the user (with the account). */
  async forgetUser(userId: string): Promise<number> {
    return (await this.deps.mailer.deleteForUser?.(userId)) ?? 0;
  }

  /** Waits for a pass under way, then closes the mailer; queued mail stays for the next start. */
  async close(): Promise<void> {
    await this.pass?.catch(() => undefined);
    await this.deps.mailer.close();
  }

  private rerunAsked(): boolean {
    return this.again;
  }

  private async attempt(mail: QueuedMail): Promise<void> {
    const { log, queue } = this.deps;
    const owner = this.owner;
    const context = { mail: mail.purpose, outboxId: mail.id, userId: mail.userId };
    // Retries only: a first try goes out as the request asked (as before the outbox), while a
    // retry of a link that was used, replaced or deleted meanwhile would only confuse its reader.
    if (
      mail.attempts > 0 &&
      mail.tokenId !== null &&
      this.deps.tokens &&
      !(await this.deps.tokens.isLive(mail.userId, mail.tokenId))
    ) {
      await queue.delete(mail.id, owner);
      log.info(context, 'mail withdrawn: the link it carries is no longer valid');
      return;
    }
    let message: MailMessage;
    try {
      message = this.seal.open(mail.payload);
    } catch {
      await queue.delete(mail.id, owner);
      log.error(context, 'queued mail cannot be opened (was SESSION_SECRET changed?); dropped');
      return;
    }
    const attempt = mail.attempts + 1;
    try {
      const sent = await this.deps.mailer.send(message, { userId: mail.userId });
      // Deleted only after the send: a crash in between sends it again once the lease ends, rather than never.
      await queue.delete(mail.id, owner);
      log.info(
        { ...context, messageId: sent.messageId, file: sent.file, attempt },
        sent.file ? `mail written to ${sent.file}` : 'mail sent',
      );
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      const last = attempt >= this.retry.attempts;
      log.warn({ ...context, attempt, reason }, last ? 'mail failed; giving up' : 'mail failed; will retry');
      if (!last) {
        const wait = this.retry.baseDelayMs * 4 ** (attempt - 1);
        const next = new Date(this.deps.clock.now().getTime() + wait);
        await queue.reschedule(mail.id, attempt, next, reason, owner);
        return;
      }
      // Not ours any more (the lease ran out and another instance took it): that one decides.
      const removed = await queue.delete(mail.id, owner);
      if (removed && mail.tokenId !== null) {
        try {
          await this.deps.tokens?.withdraw(mail.userId, mail.tokenId);
        } catch (cleanup) {
          log.error({ err: cleanup, ...context }, 'clean-up after failed mail failed');
        }
      }
    }
  }
}
