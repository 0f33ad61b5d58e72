import { randomBytes, randomUUID } from 'node:crypto';
import type { Clock } from '../clock.js';
import {
  EmailDomainNotAllowedError,
  InvalidInvitationError,
  InvitationRequiredError,
  RegistrationClosedError,
} from '../errors.js';
import type { RegistrationSettings } from '../store/admin.port.js';
import type { Store } from '../store/store.port.js';
import type { AdminSettings, OneTimeLink, RegistrationInfo, UserStatus } from '../../shared/admin.schemas.js';
import type { RegisterBody, User } from '../../shared/auth.schemas.js';
import { emailDomainMessage } from '../../shared/messages.js';
import type { AuthService, ClientInfo } from './auth.service.js';
import { hashToken } from './password-reset.service.js';

/** The settings in force: what an admin stored, else the configuration's initial values. */
export function effectiveSettings(stored: RegistrationSettings, initial: AdminSettings): AdminSettings {
  return {
    registration: stored.registration ?? initial.registration,
    allowedEmailDomains: stored.allowedEmailDomains ?? initial.allowedEmailDomains,
  };
}

/** True when `email` (lower-cased) is at one of `domains`, or `domains` is empty. Exact domain: no subdomains. */
export function emailDomainAllowed(email: string, domains: readonly string[]): boolean {
  if (domains.length === 0) {
    return true;
  }
  const at = email.lastIndexOf('@');
  return at >= 0 && domains.includes(email.slice(at + 1).toLowerCase());
}

/** What a registration is asked for: whether it carries an invitation, and whether the store is empty. */
export interface Applicant {
  email: string;
  hasInvitation: boolean;
  /** No account exists yet: this one will be the first admin. */
  setup: boolean;
}

/**
 * What the rules say of one registration: refused (a typed error is thrown),
 * or admitted with the status the account starts with and whether an
 * invitation must be used up. Pure, so each mode is unit-tested.
 */
export function decideRegistration(
  settings: AdminSettings,
  applicant: Applicant,
): { status: UserStatus; useInvitation: boolean } {
  const mode = settings.registration;
  if (mode === 'closed' && !applicant.setup) {
    throw new RegistrationClosedError();
  }
  // The allowed domains hold for the first account too: the operator set them before anyone registered.
  if (!emailDomainAllowed(applicant.email, settings.allowedEmailDomains)) {
    throw new EmailDomainNotAllowedError(emailDomainMessage(settings.allowedEmailDomains));
  }
  // The first account is how an instance gets its admin, whatever the mode.
  if (applicant.setup) {
    return { status: 'active', useInvitation: false };
  }
  switch (mode) {
    case 'closed':
      throw new RegistrationClosedError();
    case 'open':
      return { status: 'active', useInvitation: false };
    case 'approval':
      // An invited person was already chosen by an admin: no second approval.
      return applicant.hasInvitation
        ? { status: 'active', useInvitation: true }
        : { status: 'pending', useInvitation: false };
    case 'invite':
      if (!applicant.hasInvitation) {
        throw new InvitationRequiredError();
      }
      return { status: 'active', useInvitation: true };
  }
}

export interface RegistrationDeps {
  store: Store;
  clock: Clock;
  auth: AuthService;
  appUrl: string;
  /** REGISTRATION and ALLOWED_EMAIL_DOMAINS: in force until an admin changes them. */
  initial: AdminSettings;
  invitationTtlMs: number;
}

/** Registration under the mode in force, the settings, and invitation links. */
export class RegistrationPolicy {
  constructor(private readonly deps: RegistrationDeps) {}

  /** The settings in force now (stored by an admin, else from the configuration). */
  async settings(): Promise<AdminSettings> {
    return effectiveSettings(await this.deps.store.registration.getSettings(), this.deps.initial);
  }

  /** Stores the changed fields; returns the settings in force. */
  async update(changes: RegistrationSettings): Promise<AdminSettings> {
    const stored = await this.deps.store.registration.updateSettings(changes, this.deps.clock.now());
    return effectiveSettings(stored, this.deps.initial);
  }

  /** What the Register page shows (public: no secrets). */
  async info(): Promise<RegistrationInfo> {
    const [settings, setup] = await Promise.all([this.settings(), this.isSetup()]);
    return {
      mode: settings.registration,
      invitationRequired: !setup && settings.registration === 'invite',
      approvalRequired: !setup && settings.registration === 'approval',
      allowedEmailDomains: settings.allowedEmailDomains,
      setup,
    };
  }

  /** Creates a single-use invitation link for `adminId`, valid for `ttlMs` (default INVITATION_TTL_DAYS). */
  async invite(adminId: string, ttlMs = this.deps.invitationTtlMs): Promise<OneTimeLink & { id: string }> {
    const token = randomBytes(32).toString('base64url');
    const now = this.deps.clock.now();
    // Hashed as reset tokens are: only the hex SHA-256 is stored.
    const invitation = await this.deps.store.registration.createInvitation({
      id: randomUUID(),
      tokenHash: hashToken(token),
      createdBy: adminId,
      createdAt: now,
      expiresAt: new Date(now.getTime() + ttlMs),
      usedAt: null,
    });
    // Built from the configured APP_URL only, never from request headers.
    return {
      id: invitation.id,
      url: `${this.deps.appUrl}/register?invitation=${token}`,
      expiresAt: invitation.expiresAt.toISOString(),
    };
  }

  /**
   * Registers under the rules in force: refuses (closed, domain, missing or
   * bad invitation), uses the invitation up, and creates the account active
   * or pending. An invitation is given back when the account cannot be
   * created (e.g. the username is taken).
   */
  async register(input: RegisterBody, client: ClientInfo): Promise<User> {
    const [settings, setup] = await Promise.all([this.settings(), this.isSetup()]);
    const decision = decideRegistration(settings, {
      email: input.email,
      hasInvitation: input.invitation !== undefined,
      setup,
    });
    const invitation = decision.useInvitation ? await this.useInvitation(input.invitation) : null;
    let user: User;
    try {
      user = await this.deps.auth.register(input, client, { status: decision.status });
    } catch (error) {
      if (invitation) {
        await this.deps.store.registration.releaseInvitation(invitation.id);
      }
      throw error;
    }
    if (setup && user.role !== 'admin') {
      // Another first registration won the race to be admin: this one now
      // meets the rules like any other, as if it had come a moment later.
      return this.afterLostSetup(user, settings, input);
    }
    return user;
  }

  private async afterLostSetup(user: User, settings: AdminSettings, input: RegisterBody): Promise<User> {
    try {
      const decision = decideRegistration(settings, {
        email: input.email,
        hasInvitation: input.invitation !== undefined,
        setup: false,
      });
      if (decision.useInvitation) {
        await this.useInvitation(input.invitation);
      }
      if (decision.status === 'active') {
        return user;
      }
      const now = this.deps.clock.now();
      const updated = await this.deps.store.users.updateAccess(user.id, { status: decision.status }, now);
      return updated ? { ...user, status: updated.status } : user;
    } catch (error) {
      await this.deps.store.users.delete(user.id);
      throw error;
    }
  }

  private async useInvitation(token: string | undefined): Promise<{ id: string }> {
    const invitation =
      token === undefined
        ? null
        : await this.deps.store.registration.consumeInvitation(hashToken(token), this.deps.clock.now());
    if (!invitation) {
      throw new InvalidInvitationError();
    }
    return invitation;
  }

  /** True while no account exists. */
  private async isSetup(): Promise<boolean> {
    return (await this.deps.store.users.search({}, 1)).items.length === 0;
  }
}
