import type { Preferences, PreferencesUpdate } from '../../shared/preferences.schemas';
import { apiRequest } from './api-client';

// The shapes are the shared schema's (type-only imports: zod stays out of the bundle).
export type { Preferences, PreferencesUpdate, RepairPreference } from '../../shared/preferences.schemas';

/** The choices the web app remembers for the signed-in user (Test and fix and its rounds). */
export function fetchPreferences(signal?: AbortSignal): Promise<Preferences> {
  return apiRequest<Preferences>('GET', '/profile/preferences', {
    sessionRequired: true,
    ...(signal ? { signal } : {}),
  });
}

/** Changes some of them; the preferences after. */
export function updatePreferences(changes: PreferencesUpdate): Promise<Preferences> {
  return apiRequest<Preferences>('PATCH', '/profile/preferences', { body: changes, sessionRequired: true });
}
