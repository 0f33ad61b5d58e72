import type { User, UserEnvelope } from '../../shared/auth.schemas';
import type {
  ActivityKind as AnyActivityKind,
  PasswordChanged,
  Profile,
  SessionInfo,
} from '../../shared/profile.schemas';
import { apiRequest } from './api-client';

// Every shape here is the shared schema's (type-only imports: zod stays out of the bundle).
export type {
  ActivityEntry,
  DayCount,
  ModelUsage,
  Profile,
  ProfileStats,
  SessionInfo,
} from '../../shared/profile.schemas';

/** Kinds of account events in the activity list (generations are on the History page). */
export type ActivityKind = Exclude<AnyActivityKind, 'generation'>;

/** The account, usage figures and recent activity. */
export function fetchProfile(signal?: AbortSignal): Promise<Profile> {
  return apiRequest<Profile>('GET', '/profile', { sessionRequired: true, ...(signal ? { signal } : {}) });
}

/** Sets the display name; `null` removes it (the username is shown instead). */
export async function updateDisplayName(displayName: string | null): Promise<User> {
  const { user } = await apiRequest<UserEnvelope>('PATCH', '/profile', {
    body: { displayName },
    sessionRequired: true,
  });
  return user;
}

/** Changes the email address; needs the current password (`fields.currentPassword` when wrong). */
export async function changeEmail(email: string, currentPassword: string): Promise<User> {
  const { user } = await apiRequest<UserEnvelope>('PATCH', '/profile', {
    body: { email, currentPassword },
    sessionRequired: true,
  });
  return user;
}

/** Changes the password; every other session is signed out. Resolves to how many were. */
export async function changePassword(currentPassword: string, newPassword: string): Promise<number> {
  const { sessionsRevoked } = await apiRequest<PasswordChanged>('POST', '/profile/password', {
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
