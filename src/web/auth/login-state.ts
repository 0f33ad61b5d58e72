/** Router state other pages pass to /login (history state, so it survives a reload but not a new tab). */
export interface LoginLocationState {
  /** Shown in the status banner above the form, e.g. "Registration successful. Please log in." */
  notice?: string;
  /** How the notice looks: good news, or neutral information such as an expired session. */
  noticeTone?: 'success' | 'info';
  /** Pre-fills the username field, e.g. with the account just registered. */
  username?: string;
}

/** Reads `location.state` defensively: it is whatever the history entry holds. */
export function readLoginState(state: unknown): LoginLocationState {
  if (typeof state !== 'object' || state === null) {
    return {};
  }
  const { notice, noticeTone, username } = state as Record<string, unknown>;
  return {
    ...(typeof notice === 'string' ? { notice } : {}),
    ...(noticeTone === 'success' || noticeTone === 'info' ? { noticeTone } : {}),
    ...(typeof username === 'string' ? { username } : {}),
  };
}
