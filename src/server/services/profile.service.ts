import { InvalidInputError, NotFoundError, RateLimitedError } from '../errors.js';
import { emailChangedMail, passwordChangedMail } from '../mail/templates/account.templates.js';
import type { ActivityKind, UserRecord } from '../store/store.port.js';
import type { User } from '../../shared/auth.schemas.js';
import { MESSAGES } from '../../shared/messages.js';
import type {
  PasswordChange,
  PasswordChanged,
  Profile,
  ProfileUpdate,
  SessionInfo,
} from '../../shared/profile.schemas.js';
import type { AccountDeps } from './account.deps.js';
import { toPublicUser, type Authenticated, type ClientInfo } from './auth.service.js';
import { accountKey, type LoginThrottle } from './login-throttle.js';
import { passwordProblem } from './password-policy.js';
import { describeUserAgent } from './user-agent.js';

const DAY = 86_400_000;

/** Every activity kind but generations (those are on the History page): the profile's security events. */
const SECURITY_KINDS = Object.keys({
  sign_in: true,
  sign_out: true,
  password_reset_link_issued: true,
  password_reset: true,
  password_changed: true,
  email_changed: true,
  account_approved: true,
  account_disabled: true,
  account_enabled: true,
  role_changed: true,
  signed_out_by_admin: true,
  admin_action: true,
} satisfies Record<Exclude<ActivityKind, 'generation'>, true>) as ActivityKind[];
const WRONG_PASSWORD = 'Your current password is not correct.';

export interface ProfileServiceDeps extends AccountDeps {
  /** The sign-in count: a wrong current password is a failed sign-in for the account and source. */
  throttle: LoginThrottle;
  sessions: { idleMs: number };
  audit: (event: { event: string; userId: string; ip: string; [key: string]: unknown }) => void;
}

/** The Profile page: the account, its usage, its activity and sessions. */
export class ProfileService {
  constructor(private readonly deps: ProfileServiceDeps) {}

  async get(userId: string): Promise<Profile> {
    const user = await this.user(userId);
    const now = this.deps.clock.now();
    const today = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
    const stats = await this.deps.store.prompts.statsForUser(
      userId,
      new Date(today - 29 * DAY),
      new Date(today + DAY),
    );
    // Queried by kind: however many generations came after, security events stay listed.
    const activity = await this.deps.store.activity.listKindsForUser(userId, SECURITY_KINDS, 20);
    return {
      user: toPublicUser(user),
      stats: {
        generations: stats.generations,
        explanations: stats.explanations,
        byModel: stats.byModel,
        last30Days: stats.perDay,
      },
      recentActivity: activity.map((a) => ({
        id: a.id,
        kind: a.kind,
        createdAt: a.createdAt.toISOString(),
        ip: a.ip,
        browser: a.userAgent === null ? null : describeUserAgent(a.userAgent),
        details: a.details,
      })),
    };
  }

  /** Display name freely; the email only with the current password. */
  async update(auth: Authenticated, changes: ProfileUpdate, client: ClientInfo): Promise<User> {
    const user = await this.user(auth.user.id);
    const emailChange =
      changes.email !== undefined && changes.email !== user.email ? changes.email : undefined;
    if (emailChange !== undefined) {
      await this.checkPassword(user, changes.currentPassword, 'currentPassword', client);
    }
    const updated = await this.deps.store.users.updateProfile(
      user.id,
      { displayName: changes.displayName, email: emailChange },
      this.deps.clock.now(),
    );
    if (!updated) {
      throw new NotFoundError();
    }
    if (emailChange !== undefined) {
      await this.deps.activity.record(user.id, 'email_changed', client, {});
      this.deps.audit({ event: 'email_changed', userId: user.id, ip: client.ip });
      // OWASP: tell the old address, so a hijacker cannot change it silently.
      await this.deps.mail.enqueue({
        purpose: 'email-changed',
        userId: user.id,
        message: emailChangedMail(
          { email: user.email, name: user.displayName ?? user.username },
          emailChange,
          this.deps.appUrl,
        ),
      });
    }
    return toPublicUser(updated);
  }

  /** Changes the password; every other session is signed out and a notice is mailed. */
  async changePassword(
    auth: Authenticated,
    body: PasswordChange,
    client: ClientInfo,
  ): Promise<PasswordChanged> {
    const user = await this.user(auth.user.id);
    await this.checkPassword(user, body.currentPassword, 'currentPassword', client);
    const problem = passwordProblem(body.newPassword, { username: user.username, email: user.email });
    if (problem) {
      throw new InvalidInputError(problem, { fields: { newPassword: problem } });
    }
    const now = this.deps.clock.now();
    // One store operation: the new password never stands while the other sessions live on.
    const done = await this.deps.store.credentials.replacePassword(
      user.id,
      await this.deps.hasher.hash(body.newPassword),
      now,
      auth.session.id,
    );
    if (!done) {
      throw new NotFoundError();
    }
    const { sessionsRevoked } = done;
    await this.deps.activity.record(user.id, 'password_changed', client, { sessionsRevoked });
    this.deps.audit({ event: 'password_changed', userId: user.id, ip: client.ip, sessionsRevoked });
    await this.deps.mail.enqueue({
      purpose: 'password-changed',
      userId: user.id,
      message: passwordChangedMail(
        { email: user.email, name: user.displayName ?? user.username },
        this.deps.appUrl,
        now,
      ),
    });
    return { sessionsRevoked };
  }

  async sessions(auth: Authenticated): Promise<SessionInfo[]> {
    const list = await this.deps.store.sessions.listActiveForUser(
      auth.user.id,
      this.deps.clock.now(),
      this.deps.sessions.idleMs,
    );
    return list.map((s) => ({
      id: s.id,
      createdAt: s.createdAt.toISOString(),
      lastUsedAt: s.lastUsedAt.toISOString(),
      expiresAt: s.expiresAt.toISOString(),
      ip: s.ip,
      browser: describeUserAgent(s.userAgent),
      current: s.id === auth.session.id,
    }));
  }

  /** Signs one of the user's sessions out; another user's session is "not found". */
  async revokeSession(auth: Authenticated, sessionId: string, client: ClientInfo): Promise<void> {
    const session = await this.deps.store.sessions.findById(sessionId);
    if (session?.userId !== auth.user.id) {
      throw new NotFoundError('There is no such session of yours.');
    }
    await this.deps.store.sessions.revoke(sessionId);
    await this.deps.activity.record(auth.user.id, 'sign_out', client, {
      sessionId,
      remote: sessionId !== auth.session.id,
    });
  }

  /**
   * Deletes the account and all of its data, after checking the password.
   * LastAdminError (409) for the last active admin while other accounts
   * remain: an installation with users is never left without an admin.
   * Alone, the account may go (the next registration becomes admin).
   */
  async deleteAccount(auth: Authenticated, password: string, client: ClientInfo): Promise<void> {
    const user = await this.user(auth.user.id);
    await this.checkPassword(user, password, 'password', client);
    await this.deps.store.users.delete(user.id, { keepAnAdmin: 'unlessAlone' });
    // The store deleted the queued mail with the account; the outbox folder's files go too.
    await this.deps.mail.forgetUser(user.id);
    this.deps.audit({ event: 'account_deleted', userId: user.id, ip: client.ip });
  }

  private async user(id: string): Promise<UserRecord> {
    const user = await this.deps.store.users.findById(id);
    if (!user) {
      throw new NotFoundError();
    }
    return user;
  }

  /**
   * Checks the current password as sign-in does (finding: 90 wrong guesses
   * behind a stolen session went unthrottled): the same per account and
   * source count, 429 once it is exhausted, and a success clears it.
   */
  private async checkPassword(
    user: UserRecord,
    password: string | undefined,
    field: string,
    client: ClientInfo,
  ): Promise<void> {
    const account = accountKey(user, user.username);
    const wait = await this.deps.throttle.retryAfterSeconds(account, client.ip);
    if (wait > 0) {
      throw new RateLimitedError(MESSAGES.tooManyAttempts, wait);
    }
    if (password === undefined) {
      throw new InvalidInputError(WRONG_PASSWORD, { fields: { [field]: WRONG_PASSWORD } });
    }
    if (!(await this.deps.hasher.verify(user.passwordHash, password))) {
      await this.deps.throttle.recordFailure(account, client.ip);
      throw new InvalidInputError(WRONG_PASSWORD, { fields: { [field]: WRONG_PASSWORD } });
    }
    await this.deps.throttle.recordSuccess(account, client.ip);
  }
}
