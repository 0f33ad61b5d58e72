import { useEffect, useSyncExternalStore } from 'react';
import { REPAIR_DEFAULT_ROUNDS } from '../../shared/repair/repair-loop';
import { fetchPreferences, updatePreferences, type RepairPreference } from '../api/preferences.api';
import { useAuth } from '../auth/auth.context';

/*
 * Generate's "Test and fix" choice, remembered on the server per user (GET
 * and PATCH /api/profile/preferences), so it follows the user to another
 * browser. One copy for the page's form and its follow-up form.
 */

/** What a user has before the server answered, and what a new user has. */
export const DEFAULT_REPAIR: RepairPreference = { enabled: false, rounds: REPAIR_DEFAULT_ROUNDS };

interface State {
  /** The user whose choice this is; null before the first load. */
  userId: string | null;
  repair: RepairPreference;
}

let state: State = { userId: null, repair: DEFAULT_REPAIR };
let loading: string | null = null;
const listeners = new Set<() => void>();

function set(next: State): void {
  state = next;
  for (const listener of listeners) {
    listener();
  }
}

/** Reads the user's choice from the server once per user (again after another user signs in). */
function load(userId: string): void {
  if (state.userId === userId || loading === userId) {
    return;
  }
  loading = userId;
  set({ userId: null, repair: DEFAULT_REPAIR });
  fetchPreferences().then(
    (preferences) => {
      if (loading === userId) {
        loading = null;
        set({ userId, repair: preferences.repair });
      }
    },
    () => {
      // Offline or signed out: the defaults stand (Test and fix off); the next page visit asks again.
      loading = null;
    },
  );
}

/** Changes the choice at once on screen and saves it; a failed save puts back the server's answer. */
export function changeRepairPreference(change: Partial<RepairPreference>): void {
  const userId = state.userId;
  set({ userId, repair: { ...state.repair, ...change } });
  updatePreferences({ repair: change }).then(
    (preferences) => {
      if (state.userId === userId) {
        set({ userId, repair: preferences.repair });
      }
    },
    () => {
      // Not saved (offline, signed out): it holds on this page until the next load.
    },
  );
}

const subscribe = (listener: () => void): (() => void) => {
  listeners.add(listener);
  return () => {
    listeners.delete(listener);
  };
};
const snapshot = (): State => state;

/** The signed-in user's Test and fix choice (off until loaded) and whether it has been loaded. */
export function useRepairPreference(): { repair: RepairPreference; loaded: boolean } {
  const { user } = useAuth();
  const userId = user?.id ?? null;
  useEffect(() => {
    if (userId !== null) {
      load(userId);
    }
  }, [userId]);
  const current = useSyncExternalStore(subscribe, snapshot);
  const loaded = userId !== null && current.userId === userId;
  return { repair: loaded ? current.repair : DEFAULT_REPAIR, loaded };
}
