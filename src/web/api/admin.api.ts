import type {
  AdminModelList,
  AdminUsage,
  CatalogueReload,
  PullDone,
  PullError,
  PullProgress,
} from '../../shared/admin-models.schemas';
import type {
  AdminSettings,
  AdminSettingsPatch,
  AdminSignOut,
  AdminUser,
  AdminUserEnvelope,
  AdminUserPage,
  OneTimeLink,
  UserStatus,
} from '../../shared/admin.schemas';
import { apiRequest, openEventStream, type RequestOptions } from './api-client';
import { readEventStream } from './event-stream';

// Every shape here is the shared schema's (type-only imports: zod stays out of the bundle).
export type {
  AdminModel,
  AdminModelList,
  AdminUsage,
  CatalogueReload,
  PullProgress,
} from '../../shared/admin-models.schemas';
export type {
  AdminSettings,
  AdminUser,
  AdminUserPage,
  OneTimeLink,
  RegistrationMode,
  UserStatus,
} from '../../shared/admin.schemas';

const SESSION = { sessionRequired: true } as const;

/** Options of an admin GET: the session is required, and the caller may abort it. */
function sessionGet(signal: AbortSignal | undefined): RequestOptions {
  return signal ? { ...SESSION, signal } : SESSION;
}

/** One page of accounts, newest first; `q` searches username, email and display name. */
export function fetchAdminUsers(
  query: { q?: string; status?: UserStatus; cursor?: string },
  signal?: AbortSignal,
): Promise<AdminUserPage> {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(query)) {
    if (value) {
      params.set(name, value);
    }
  }
  const search = params.size > 0 ? `?${params.toString()}` : '';
  return apiRequest<AdminUserPage>('GET', `/admin/users${search}`, sessionGet(signal));
}

/** What an admin can do to an account with one POST. */
export type AdminUserAction = 'approve' | 'disable' | 'enable';

/** Approves, disables (which also ends every session) or enables an account; the account as it is now. */
export async function changeUser(id: string, action: AdminUserAction): Promise<AdminUser> {
  const { user } = await apiRequest<AdminUserEnvelope>(
    'POST',
    `/admin/users/${encodeURIComponent(id)}/${action}`,
    SESSION,
  );
  return user;
}

/** Ends every session of the account. */
export function signOutUser(id: string): Promise<AdminSignOut> {
  return apiRequest<AdminSignOut>('POST', `/admin/users/${encodeURIComponent(id)}/sign-out`, SESSION);
}

/** A one-time password-reset link for the account (for a user without mail). */
export function createResetLink(id: string): Promise<OneTimeLink> {
  return apiRequest<OneTimeLink>('POST', `/admin/users/${encodeURIComponent(id)}/reset-link`, SESSION);
}

/** Deletes the account with all its data. */
export async function deleteUser(id: string): Promise<void> {
  await apiRequest<undefined>('DELETE', `/admin/users/${encodeURIComponent(id)}`, SESSION);
}

/** A single-use invitation link. */
export function createInvitation(): Promise<OneTimeLink> {
  return apiRequest<OneTimeLink>('POST', '/admin/invitations', { ...SESSION, body: {} });
}

export function fetchAdminSettings(signal?: AbortSignal): Promise<AdminSettings> {
  return apiRequest<AdminSettings>('GET', '/admin/settings', sessionGet(signal));
}

export function updateAdminSettings(patch: AdminSettingsPatch): Promise<AdminSettings> {
  return apiRequest<AdminSettings>('PATCH', '/admin/settings', { ...SESSION, body: patch });
}

/** Every model with its real status, URL and last error. */
export function fetchAdminModels(signal?: AbortSignal): Promise<AdminModelList> {
  return apiRequest<AdminModelList>('GET', '/admin/models', sessionGet(signal));
}

/** Reads the catalogue file again; an invalid file is an ApiError (400) whose details list the problems. */
export function reloadCatalogue(): Promise<CatalogueReload> {
  return apiRequest<CatalogueReload>('POST', '/admin/models/reload', SESSION);
}

/** Runs of every user over the last 30 days. */
export function fetchAdminUsage(signal?: AbortSignal): Promise<AdminUsage> {
  return apiRequest<AdminUsage>('GET', '/admin/usage', sessionGet(signal));
}

/** The events of a model pull, as they come. */
export type PullEvent =
  | { event: 'progress'; data: PullProgress }
  | { event: 'done'; data: PullDone }
  | { event: 'error'; data: PullError };

/** Downloads a local model now; yields its progress, then `done` or `error`. */
export async function* pullModel(id: string, signal: AbortSignal): AsyncGenerator<PullEvent> {
  const stream = await openEventStream(`/admin/models/${encodeURIComponent(id)}/pull`, {}, signal);
  for await (const value of readEventStream(stream)) {
    if (value.event === 'progress' || value.event === 'done' || value.event === 'error') {
      yield { event: value.event, data: JSON.parse(value.data) as unknown } as PullEvent;
    }
  }
}
