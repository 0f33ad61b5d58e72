import type { User } from '../../shared/auth.schemas';
import { apiRequest } from './api-client';

/** Requests on one day (UTC date `2026-05-01`). */
export interface DayCount {
  date: string;
  count: number;
}

/** Usage of one model. */
export interface ModelUsage {
  modelId: string;
  count: number;
  completionTokens: number;
}

/** What the user did with CodeGenie, all time and over the last 30 days. */
export interface ProfileStats {
  generations: number;
  explanations: number;
  byModel: ModelUsage[];
  /** 30 entries, oldest first, today last. */
  last30Days: DayCount[];
}

/** Kinds of account events in the activity list. */
export type ActivityKind =
  | 'sign_in'
  | 'sign_out'
  | 'password_reset_link_issued'
  | 'password_reset'
  | 'password_changed'
  | 'email_changed';

/** One account event: sign-in, password or email change ... */
export interface ActivityEntry {
  id: string;
  /** A kind this app may not know yet is shown in general words. */
  kind: ActivityKind | (string & {});
  createdAt: string;
  ip: string | null;
  /** "Chrome 126 on Linux"; null when the event had no browser (an admin command). */
  browser: string | null;
  /** Small facts of the event, e.g. `{sessionsRevoked: 2}` or `{remote: true}`. */
  details: Record<string, unknown>;
}

/** `GET /api/profile`. */
export interface Profile {
  user: User;
  stats: ProfileStats;
  recentActivity: ActivityEntry[];
}

/** One signed-in session of the user. */
export interface SessionInfo {
  id: string;
  createdAt: string;
  lastUsedAt: string;
  expiresAt: string;
  ip: string | null;
  browser: string;
  /** The session of this browser. */
  current: boolean;
}

/** The account, usage figures and recent activity. */
export function fetchProfile(signal?: AbortSignal): Promise<Profile> {
  return apiRequest<Profile>('GET', '/profile', { sessionRequired: true, ...(signal ? { signal } : {}) });
}

/** Sets the display name; `null` removes it (the username is shown instead). */
export async function updateDisplayName(displayName: string | null): Promise<User> {
  const { user } = await apiRequest<{ user: User }>('PATCH', '/profile', {
    body: { displayName },
    sessionRequired: true,
  });
  return user;
}

/** Changes the email address; needs the current password (`fields.currentPassword` when wrong). */
export async function changeEmail(email: string, currentPassword: string): Promise<User> {
  const { user } = await apiRequest<{ user: User }>('PATCH', '/profile', {
    body: { email, currentPassword },
    sessionRequired: true,
  });
  return user;
}

/** Changes the password; every other session is signed out. Resolves to how many were. */
export async function changePassword(currentPassword: string, newPassword: string): Promise<number> {
  const { sessionsRevoked } = await apiRequest<{ sessionsRevoked: number }>('POST', '/profile/password', {
    body: { currentPassword, newPassword },
    sessionRequired: true,
  });
  return sessionsRevoked;
}

/** The user's signed-in sessions, this one marked `current`. */
export function fetchSessions(signal?: AbortSignal): Promise<SessionInfo[]> {
  return apiRequest<SessionInfo[]>('GET', '/profile/sessions', {
    sessionRequired: true,
    ...(signal ? { signal } : {}),
  });
}

/** Signs one session out (another device, usually). */
export async function signOutSession(id: string): Promise<void> {
  await apiRequest<undefined>('DELETE', `/profile/sessions/${encodeURIComponent(id)}`, {
    sessionRequired: true,
  });
}

/**
 * Deletes the account and everything in it. A wrong password is `ApiError`
 * 400 with `fields.password`; on success the server has cleared the cookie.
 */
export async function deleteAccount(password: string): Promise<void> {
  await apiRequest<undefined>('DELETE', '/profile', { body: { password }, sessionRequired: true });
}
