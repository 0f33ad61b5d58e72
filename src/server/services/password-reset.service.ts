import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { InvalidInputError, InvalidTokenError } from '../errors.js';
import type { MailTokens } from '../mail/mail-queue.port.js';
import { passwordChangedMail, resetLinkMail } from '../mail/templates/account.templates.js';
import type { PasswordResetRecord, Store, UserRecord } from '../store/store.port.js';
import type { AccountDeps } from './account.deps.js';
import type { ClientInfo } from './auth.service.js';
import { passwordProblem } from './password-policy.js';

/** Security events of the reset flow, for the audit log: user ids, never a name or an address. */
export type ResetEvent =
  | { event: 'reset_requested'; userId: string; ip: string }
  | { event: 'reset_requested_unknown'; ip: string }
  | { event: 'reset_rate_limited'; ip: string; limit: 'email' | 'ip' }
  | { event: 'reset_link_issued'; userId: string; via: string }
  | { event: 'reset_mail_undeliverable'; userId: string }
  | { event: 'password_reset'; userId: string; ip: string; sessionsRevoked: number };

export interface PasswordResetDeps extends AccountDeps {
  ttlMs: number;
  limits: { maxPerEmailPerHour: number; maxPerIpPerHour: number };
  audit: (event: ResetEvent) => void;
  /** Reports errors of work done off the request path. */
  onBackgroundError: (error: unknown) => void;
}

const HOUR = 3_600_000;

export interface IssuedLink {
  link: string;
  resetId: string;
}

/**
 * Issues a single-use token for `user` and returns its link, invalidating
 * the user's older unused tokens. Shared by the request flow and the admin
 * CLI, so both follow the same token rules.
 */
export async function issueResetLink(
  deps: Pick<PasswordResetDeps, 'store' | 'clock' | 'appUrl' | 'ttlMs'>,
  user: UserRecord,
): Promise<IssuedLink> {
  const token = randomBytes(32).toString('base64url');
  const now = deps.clock.now();
  const record = await deps.store.passwordResets.create({
    id: randomUUID(),
    userId: user.id,
    tokenHash: hashToken(token),
    createdAt: now,
    expiresAt: new Date(now.getTime() + deps.ttlMs),
    usedAt: null,
  });
  await deps.store.passwordResets.invalidateUnused(user.id, now, record.id);
  // Built from the configured APP_URL only, never from request headers.
  return { link: `${deps.appUrl}/reset-password?token=${token}`, resetId: record.id };
}

/**
 * The reset tokens as the mail service sees them: a queued reset mail whose
 * token was used, replaced by a newer one, expired or deleted with its
 * account is not sent, and a token whose mail could not be sent is deleted.
 */
export function resetMailTokens(
  deps: Pick<PasswordResetDeps, 'clock' | 'audit'> & { store: Pick<Store, 'passwordResets'> },
): MailTokens {
  return {
    async isLive(userId, tokenId) {
      const now = deps.clock.now();
      const tokens = await deps.store.passwordResets.listForUser(userId);
      return tokens.some((t) => t.id === tokenId && t.usedAt === null && t.expiresAt > now);
    },
    async withdraw(userId, tokenId) {
      await deps.store.passwordResets.delete(tokenId);
      deps.audit({ event: 'reset_mail_undeliverable', userId });
    },
  };
}

/** Hex SHA-256: only this is stored, never the token itself. */
export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/**
 * The forgot-password flow, built to the OWASP Forgot Password Cheat Sheet:
 * the same answer whatever the email, single-use hashed tokens that expire,
 * links built from APP_URL only, every session revoked after a reset.
 */
export class PasswordResetService {
  private readonly background = new Set<Promise<void>>();

  constructor(private readonly deps: PasswordResetDeps) {}

  /**
   * Accepts a reset request and returns at once. Nothing is looked up,
   * counted or written until `answered` resolves (the route passes "the
   * answer has been sent"): the answer and its timing are the same whether
   * or not the account exists (OWASP Forgot Password Cheat Sheet). Errors of
   * the deferred work go to onBackgroundError, never unhandled.
   */
  requestReset(email: string, client: ClientInfo, answered: Promise<unknown> = Promise.resolve()): void {
    const job = answered
      .then(() => this.handleRequest(email, client))
      .catch((error: unknown) => {
        this.deps.onBackgroundError(error);
      })
      .finally(() => this.background.delete(job));
    this.background.add(job);
  }

  /** Resolves when the deferred request work is done (shutdown: queued mail stays in the outbox). */
  async settle(): Promise<void> {
    while (this.background.size > 0) {
      await Promise.all([...this.background]);
    }
  }

  /** Resolves when the deferred work is done and the outbox is empty (tests, bench). */
  async idle(): Promise<void> {
    await this.settle();
    await this.deps.mail.idle();
  }

  /**
   * Issues a token and returns the link, invalidating the user's older
   * unused tokens. Used by the request flow and by the admin CLI.
   */
  issueLink(user: UserRecord): Promise<IssuedLink> {
    return issueResetLink(this.deps, user);
  }

  /** Throws InvalidTokenError unless the token is known, unused and unexpired. */
  async verify(token: string): Promise<void> {
    await this.validRecord(hashToken(token));
  }

  /** Sets a new password with a valid token; the user is not signed in. */
  async reset(token: string, newPassword: string, client: ClientInfo): Promise<void> {
    const tokenHash = hashToken(token);
    const record = await this.validRecord(tokenHash);
    const user = await this.deps.store.users.findById(record.userId);
    if (!user) {
      throw new InvalidTokenError();
    }
    const problem = passwordProblem(newPassword, { username: user.username, email: user.email });
    if (problem) {
      throw new InvalidInputError(problem, { fields: { newPassword: problem } });
    }
    const passwordHash = await this.deps.hasher.hash(newPassword);
    // One store operation: the token is used, the password set and every
    // session ended together or not at all (a failure leaves the link usable,
    // never an old session alive after the new password). Its atomic use of
    // the token decides between simultaneous uses: exactly one wins.
    const now = this.deps.clock.now();
    const done = await this.deps.store.credentials.completeReset(tokenHash, passwordHash, now);
    if (!done) {
      throw new InvalidTokenError();
    }
    const { sessionsRevoked } = done;
    await this.deps.activity.record(user.id, 'password_reset', client, { sessionsRevoked });
    this.deps.audit({ event: 'password_reset', userId: user.id, ip: client.ip, sessionsRevoked });
    await this.deps.mail.enqueue({
      purpose: 'password-changed',
      userId: user.id,
      message: passwordChangedMail(recipient(user), this.deps.appUrl, now),
    });
  }

  /**
   * Takes one request from the hourly quotas, kept in the store so every
   * instance counts the same: per email *and* requesting source (spending it
   * from elsewhere never suppresses the owner's mail), then per source. Each
   * take is atomic (requests arriving together cannot all pass). Returns the
   * quota that refused, or null. A request refused by the email quota
   * records nothing; one refused by the source's quota has spent only that
   * source's own quota for that email.
   */
  private async spendQuota(email: string, ip: string): Promise<'email' | 'ip' | null> {
    const now = this.deps.clock.now().getTime();
    const { maxPerEmailPerHour, maxPerIpPerHour } = this.deps.limits;
    const counters = this.deps.store.counters;
    if ((await counters.tryHit(`reset:email:${email}\n${ip}`, now, HOUR, maxPerEmailPerHour)) > 0) {
      return 'email';
    }
    if ((await counters.tryHit(`reset:ip:${ip}`, now, HOUR, maxPerIpPerHour)) > 0) {
      return 'ip';
    }
    return null;
  }

  private async validRecord(tokenHash: string): Promise<PasswordResetRecord> {
    const record = await this.deps.store.passwordResets.findByHash(tokenHash);
    if (!record || record.usedAt !== null || record.expiresAt <= this.deps.clock.now()) {
      throw new InvalidTokenError();
    }
    return record;
  }

  private async handleRequest(email: string, client: ClientInfo): Promise<void> {
    const limit = await this.spendQuota(email, client.ip);
    if (limit) {
      this.deps.audit({ event: 'reset_rate_limited', ip: client.ip, limit });
      return;
    }
    const user = await this.deps.store.users.findByEmail(email);
    if (!user) {
      this.deps.audit({ event: 'reset_requested_unknown', ip: client.ip });
      return;
    }
    const { link, resetId } = await this.issueLink(user);
    this.deps.audit({ event: 'reset_requested', userId: user.id, ip: client.ip });
    await this.deps.mail.enqueue({
      purpose: 'password-reset',
      userId: user.id,
      // Withdrawn (used, replaced, deleted), the mail is not sent; undeliverable, the token is deleted.
      tokenId: resetId,
      message: resetLinkMail(recipient(user), link, Math.round(this.deps.ttlMs / 60_000)),
    });
  }
}

function recipient(user: UserRecord): { email: string; name: string } {
  return { email: user.email, name: user.displayName ?? user.username };
}
