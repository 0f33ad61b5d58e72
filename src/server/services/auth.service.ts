import { randomUUID } from 'node:crypto';
import {
  AccountDisabledError,
  AccountPendingError,
  InvalidCredentialsError,
  InvalidInputError,
  RateLimitedError,
  UnauthenticatedError,
} from '../errors.js';
import type { SessionRecord, UserRecord } from '../store/store.port.js';
import type { NewUserAccess } from '../store/admin.port.js';
import { MESSAGES } from '../../shared/messages.js';
import type { LoginBody, RegisterBody, User } from '../../shared/auth.schemas.js';
import type { AccountDeps } from './account.deps.js';
import { accountKey, type LoginThrottle } from './login-throttle.js';
import { passwordProblem } from './password-policy.js';
import type { TokenService } from './token.service.js';

/** Where a request came from, recorded on the session and in logs. */
export interface ClientInfo {
  ip: string;
  userAgent: string | null;
}

/** Structured audit events; the route layer writes them to the log. */
export type AuthEvent =
  | { event: 'register'; userId: string; ip: string }
  | { event: 'login'; userId: string; sessionId: string; ip: string }
  // The user id when the account exists, never the username or email typed: a deleted user leaves no name in the logs.
  | { event: 'login_failed'; userId: string | null; ip: string; reason: 'unknown_user' | 'wrong_password' }
  | { event: 'login_locked'; userId: string | null; ip: string; retryAfterSeconds: number }
  | { event: 'logout'; userId: string; sessionId: string; ip: string }
  | { event: 'password_rehashed'; userId: string };

export interface AuthServiceDeps extends Pick<AccountDeps, 'store' | 'hasher' | 'activity' | 'clock'> {
  tokens: TokenService;
  throttle: LoginThrottle;
  sessions: { ttlMs: number; idleMs: number };
  /** Receives every security event (sign-in, failure, lock-out, logout). */
  audit: (event: AuthEvent) => void;
}

export interface LoginResult {
  accessToken: string;
  expiresIn: number;
  expiresAt: Date;
  user: User;
  session: SessionRecord;
}

export interface Authenticated {
  user: User;
  session: Readonly<SessionRecord>;
}

/** Sessions are touched at most this often, to spare a write per request. */
const TOUCH_INTERVAL_MS = 60_000;

/** The public view of a user: never the password hash. */
export function toPublicUser(user: UserRecord): User {
  return {
    id: user.id,
    username: user.username,
    email: user.email,
    displayName: user.displayName,
    role: user.role,
    status: user.status,
    createdAt: user.createdAt.toISOString(),
  };
}

/** Registration, sign-in, sessions and sign-out. */
export class AuthService {
  /**
   * The public view of each user record the store hands out again (SQLite
   * keeps a signed-in session's records in memory): made once per record,
   * not on every request. Frozen, as the records are.
   */
  private readonly publicUsers = new WeakMap<Readonly<UserRecord>, User>();

  constructor(private readonly deps: AuthServiceDeps) {}

  /** Creates the account; `access` is what the registration policy decided (admin.service.ts). */
  async register(input: RegisterBody, client: ClientInfo, access: NewUserAccess = {}): Promise<User> {
    const problem = passwordProblem(input.password, { username: input.username, email: input.email });
    if (problem) {
      throw new InvalidInputError(problem, { fields: { password: problem } });
    }
    const passwordHash = await this.deps.hasher.hash(input.password);
    const user = await this.deps.store.users.create({
      id: randomUUID(),
      username: input.username,
      email: input.email,
      displayName: input.displayName ?? null,
      passwordHash,
      createdAt: this.deps.clock.now(),
      ...access,
    });
    this.deps.audit({ event: 'register', userId: user.id, ip: client.ip });
    return toPublicUser(user);
  }

  async login(input: LoginBody, client: ClientInfo): Promise<LoginResult> {
    const identifier = (input.username ?? input.email ?? '').toLowerCase();
    // The lookup comes first for every identifier, so a 429 costs the same
    // whether or not the account exists; the count is the account's own
    // (username and email are one account) or, unknown, the identifier's.
    const user = identifier.includes('@')
      ? await this.deps.store.users.findByEmail(identifier)
      : await this.deps.store.users.findByUsername(identifier);
    const account = accountKey(user, identifier);
    const wait = await this.deps.throttle.retryAfterSeconds(account, client.ip);
    if (wait > 0) {
      this.deps.audit({
        event: 'login_locked',
        userId: user?.id ?? null,
        ip: client.ip,
        retryAfterSeconds: wait,
      });
      throw new RateLimitedError(MESSAGES.tooManyAttempts, wait);
    }

    // OWASP: the same work and the same answer whether or not the user exists.
    const ok = user
      ? await this.deps.hasher.verify(user.passwordHash, input.password)
      : await this.deps.hasher.verifyDummy(input.password);
    if (!user || !ok) {
      await this.deps.throttle.recordFailure(account, client.ip);
      this.deps.audit({
        event: 'login_failed',
        userId: user?.id ?? null,
        ip: client.ip,
        reason: user ? 'wrong_password' : 'unknown_user',
      });
      throw new InvalidCredentialsError();
    }
    await this.deps.throttle.recordSuccess(account, client.ip);

    // Only after the password is right: a pending or disabled account says so to its owner alone.
    if (user.status === 'pending') {
      throw new AccountPendingError();
    }
    if (user.status === 'disabled') {
      throw new AccountDisabledError();
    }

    if (this.deps.hasher.needsRehash(user.passwordHash)) {
      const now = this.deps.clock.now();
      await this.deps.store.users.updatePasswordHash(
        user.id,
        await this.deps.hasher.hash(input.password),
        now,
      );
      this.deps.audit({ event: 'password_rehashed', userId: user.id });
    }

    // Always a new session: never reuse one the client sent (session fixation).
    const now = this.deps.clock.now();
    const session = await this.deps.store.sessions.create({
      id: randomUUID(),
      userId: user.id,
      createdAt: now,
      lastUsedAt: now,
      expiresAt: new Date(now.getTime() + this.deps.sessions.ttlMs),
      ip: client.ip,
      userAgent: client.userAgent?.slice(0, 512) ?? null,
    });
    const accessToken = await this.deps.tokens.sign(
      { userId: user.id, sessionId: session.id },
      session.expiresAt,
    );
    await this.deps.store.users.recordSignIn(user.id, now);
    await this.deps.activity.record(user.id, 'sign_in', client, { sessionId: session.id });
    this.deps.audit({
      event: 'login',
      userId: user.id,
      sessionId: session.id,
      ip: client.ip,
    });
    return {
      accessToken,
      expiresIn: Math.floor(this.deps.sessions.ttlMs / 1000),
      expiresAt: session.expiresAt,
      user: toPublicUser(user),
      session,
    };
  }

  /**
   * Resolves a token to its user and live session. Throws
   * UnauthenticatedError for a bad token, a revoked session, or one past its
   * absolute or idle expiry.
   */
  async authenticate(token: string): Promise<Authenticated> {
    const claims = await this.deps.tokens.verify(token);
    if (!claims) {
      throw new UnauthenticatedError();
    }
    // One store call for the session and its user: every signed-in request pays for it.
    const found = await this.deps.store.sessions.findWithUser(claims.sessionId);
    if (!found || found.session.userId !== claims.userId) {
      throw new UnauthenticatedError(MESSAGES.sessionExpired);
    }
    const { session, user } = found;
    // Disabling revokes the sessions too; this covers a session created while the disable ran.
    if (user.status !== 'active') {
      throw new UnauthenticatedError(MESSAGES.sessionExpired);
    }
    const now = this.deps.clock.now();
    const idleFor = now.getTime() - session.lastUsedAt.getTime();
    if (session.expiresAt <= now || idleFor >= this.deps.sessions.idleMs) {
      await this.deps.store.sessions.revoke(session.id);
      throw new UnauthenticatedError(MESSAGES.sessionExpired);
    }
    let publicUser = this.publicUsers.get(user);
    if (!publicUser) {
      publicUser = Object.freeze(toPublicUser(user));
      this.publicUsers.set(user, publicUser);
    }
    if (idleFor >= TOUCH_INTERVAL_MS) {
      await this.deps.store.sessions.touch(session.id, now);
      return { user: publicUser, session: { ...session, lastUsedAt: now } };
    }
    return { user: publicUser, session };
  }

  async logout(auth: Authenticated, client: ClientInfo): Promise<void> {
    await this.deps.store.sessions.revoke(auth.session.id);
    await this.deps.activity.record(auth.user.id, 'sign_out', client, { sessionId: auth.session.id });
    this.deps.audit({ event: 'logout', userId: auth.user.id, sessionId: auth.session.id, ip: client.ip });
  }
}
