import type { Clock } from '../clock.js';
import { NotFoundError } from '../errors.js';
import type { MailService } from '../mail/mail.service.js';
import type { ActivityRecord, Store, UserRecord } from '../store/store.port.js';
import type {
  AdminSettings,
  AdminUser,
  AdminUserPage,
  AdminUsersQuery,
  OneTimeLink,
  UserStatus,
} from '../../shared/admin.schemas.js';
import type { ActivityKind } from '../../shared/profile.schemas.js';
import type { ActivityLog } from './activity.service.js';
import { toPublicUser, type Authenticated, type ClientInfo } from './auth.service.js';
import { issueResetLink } from './password-reset.service.js';
import type { RegistrationPolicy } from './registration-policy.js';

/** "Generations in the last 30 days" on the Admin page. */
const USAGE_WINDOW_MS = 30 * 86_400_000;

export interface AdminServiceDeps {
  store: Store;
  clock: Clock;
  activity: ActivityLog;
  mail: Pick<MailService, 'forgetUser'>;
  appUrl: string;
  /** RESET_TOKEN_TTL_MINUTES. */
  resetTtlMs: number;
  registration: RegistrationPolicy;
  /** Receives every admin action for the server log. */
  audit: (event: { event: 'admin_action'; adminId: string; action: string; targetId: string | null }) => void;
}

/** An account as the Admin page lists it. */
function toAdminUser(user: UserRecord, generations30d: number): AdminUser {
  return {
    ...toPublicUser(user),
    lastSignInAt: user.lastSignInAt?.toISOString() ?? null,
    generations30d,
  };
}

/**
 * What administrators do to accounts and registration (issue 14 section 1).
 * Every action is recorded twice in the activity log: in the admin's own log
 * (`admin_action`, with the target's id) and, when it concerns an account
 * that still exists, in that account's log with the admin's id.
 */
export class AdminService {
  constructor(private readonly deps: AdminServiceDeps) {}

  /** Accounts newest first, searched and filtered, with their runs in the last 30 days. */
  async listUsers(query: AdminUsersQuery): Promise<AdminUserPage> {
    const search = {
      ...(query.q ? { q: query.q } : {}),
      ...(query.status ? { status: query.status } : {}),
    };
    const page = await this.deps.store.users.search(search, query.limit, query.cursor);
    const counts = await this.recentRuns(page.items.map((u) => u.id));
    return {
      items: page.items.map((u) => toAdminUser(u, counts.get(u.id) ?? 0)),
      nextCursor: page.nextCursor,
    };
  }

  /** A pending account becomes active and can sign in; any other account is left as it is. */
  async approve(admin: Authenticated, id: string, client: ClientInfo): Promise<AdminUser> {
    return this.setStatus(admin, id, 'active', 'account_approved', client, 'pending');
  }

  /** A disabled (or pending) account becomes active. */
  async enable(admin: Authenticated, id: string, client: ClientInfo): Promise<AdminUser> {
    return this.setStatus(admin, id, 'active', 'account_enabled', client);
  }

  /**
   * The account cannot sign in, and every session of it ends now: its next
   * request is 401. LastAdminError when it is the last active admin.
   */
  async disable(admin: Authenticated, id: string, client: ClientInfo): Promise<AdminUser> {
    return this.setStatus(admin, id, 'disabled', 'account_disabled', client);
  }

  /** Ends every session of the account. */
  async signOut(admin: Authenticated, id: string, client: ClientInfo): Promise<{ sessionsRevoked: number }> {
    const user = await this.user(id);
    const sessionsRevoked = await this.deps.store.sessions.revokeAllForUser(user.id);
    await this.record(admin, user.id, 'signed_out_by_admin', client, { sessionsRevoked });
    return { sessionsRevoked };
  }

  /** A one-time password-reset link for an account without mail (the rules of the mailed links). */
  async resetLink(admin: Authenticated, id: string, client: ClientInfo): Promise<OneTimeLink> {
    const user = await this.user(id);
    const { link } = await issueResetLink(
      {
        store: this.deps.store,
        clock: this.deps.clock,
        appUrl: this.deps.appUrl,
        ttlMs: this.deps.resetTtlMs,
      },
      user,
    );
    const expiresAt = new Date(this.deps.clock.now().getTime() + this.deps.resetTtlMs);
    await this.record(admin, user.id, 'password_reset_link_issued', client, { via: 'admin' });
    return { url: link, expiresAt: expiresAt.toISOString() };
  }

  /**
   * Deletes the account and all its data, as deleting one's own account does.
   * LastAdminError when it is the last active admin, decided by the store
   * atomically with the deletion: of two admins deleting each other at the
   * same instant, one is refused.
   */
  async deleteUser(admin: Authenticated, id: string, client: ClientInfo): Promise<void> {
    const user = await this.user(id);
    await this.deps.store.users.delete(user.id, { keepAnAdmin: 'always' });
    await this.deps.mail.forgetUser(user.id);
    // Only the id: a deleted user leaves no name in the logs.
    await this.recordAction(admin.user.id, 'user_deleted', user.id, client);
  }

  /** A single-use invitation link. */
  async invite(
    admin: Authenticated,
    expiresInDays: number | undefined,
    client: ClientInfo,
  ): Promise<OneTimeLink> {
    const invitation = await this.deps.registration.invite(
      admin.user.id,
      expiresInDays === undefined ? undefined : expiresInDays * 86_400_000,
    );
    await this.recordAction(admin.user.id, 'invitation_created', null, client, {
      invitationId: invitation.id,
      expiresAt: invitation.expiresAt,
    });
    return { url: invitation.url, expiresAt: invitation.expiresAt };
  }

  async settings(): Promise<AdminSettings> {
    return this.deps.registration.settings();
  }

  async updateSettings(
    admin: Authenticated,
    changes: Partial<AdminSettings>,
    client: ClientInfo,
  ): Promise<AdminSettings> {
    const settings = await this.deps.registration.update(changes);
    await this.recordAction(admin.user.id, 'settings_changed', null, client, {
      registration: settings.registration,
      allowedEmailDomains: settings.allowedEmailDomains.join(','),
    });
    return settings;
  }

  /**
   * Records an admin action in the admin's own activity log and the server
   * log: `action` names it (`user_deleted`, `catalogue_reloaded` ...),
   * `targetId` the account it concerns, if any.
   */
  async recordAction(
    adminId: string,
    action: string,
    targetId: string | null,
    client: ClientInfo | null,
    details: ActivityRecord['details'] = {},
  ): Promise<void> {
    await this.deps.activity.record(adminId, 'admin_action', client, { ...details, action, targetId });
    this.deps.audit({ event: 'admin_action', adminId, action, targetId });
  }

  private async setStatus(
    admin: Authenticated,
    id: string,
    status: UserStatus,
    kind: ActivityKind,
    client: ClientInfo,
    onlyFrom?: UserStatus,
  ): Promise<AdminUser> {
    const before = await this.user(id);
    const user =
      onlyFrom === undefined || before.status === onlyFrom
        ? await this.deps.store.users.updateAccess(id, { status }, this.deps.clock.now())
        : before;
    if (!user) {
      throw new NotFoundError();
    }
    const details: ActivityRecord['details'] = {};
    if (status === 'disabled') {
      // After the status changed: a sign-in racing with this finds the account disabled.
      details.sessionsRevoked = await this.deps.store.sessions.revokeAllForUser(id);
    }
    if (before.status !== user.status) {
      await this.record(admin, id, kind, client, details);
    }
    const counts = await this.recentRuns([id]);
    return toAdminUser(user, counts.get(id) ?? 0);
  }

  /** Each account's generations and explanations in the last 30 days (absent: none). */
  private async recentRuns(ids: string[]): Promise<Map<string, number>> {
    const since = new Date(this.deps.clock.now().getTime() - USAGE_WINDOW_MS);
    return this.deps.store.users.countRunsSince(ids, since);
  }

  /** In the account's log (with the admin's id) and the admin's own. */
  private async record(
    admin: Authenticated,
    targetId: string,
    kind: ActivityKind,
    client: ClientInfo,
    details: ActivityRecord['details'] = {},
  ): Promise<void> {
    // The admin's address and browser stay in the admin's log: the account's owner sees who, not where from.
    await this.deps.activity.record(targetId, kind, null, { ...details, adminId: admin.user.id });
    await this.recordAction(admin.user.id, kind, targetId, client, details);
  }

  private async user(id: string): Promise<UserRecord> {
    const user = await this.deps.store.users.findById(id);
    if (!user) {
      throw new NotFoundError();
    }
    return user;
  }
}
