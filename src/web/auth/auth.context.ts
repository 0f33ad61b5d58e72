import { createContext, useContext } from 'react';
import type { User } from '../../shared/auth.schemas';
import type { LoginInput, RegisterInput } from '../api/auth.api';

/**
 * Why nobody is signed in; decides where the guards send the visitor and what the login page says.
 * `ended`: the server already ended the session on the user's request (account deleted ...).
 */
export type SignedOutReason = 'anonymous' | 'logout' | 'expired' | 'ended';

/** A message for the login page after the session ended. */
export interface SignOutNotice {
  message: string;
  tone: 'success' | 'info';
}

/** Where the app stands on who is signed in. */
export type AuthState =
  | { status: 'loading' }
  /** The start-up `/api/auth/me` check failed for another reason than 401 (offline, 5xx). */
  | { status: 'error'; message: string }
  | { status: 'signedIn'; user: User }
  | { status: 'signedOut'; reason: SignedOutReason; notice?: SignOutNotice };

/** What `useAuth()` gives components. */
export interface AuthContextValue {
  state: AuthState;
  /** The signed-in user, or `null`. */
  user: User | null;
  /** Signs in; on success the guest-only guard moves the visitor on. Throws `ApiError`. */
  login: (input: LoginInput) => Promise<User>;
  /** Creates an account without signing in. Throws `ApiError`. */
  register: (input: RegisterInput) => Promise<User>;
  /** Ends the session; the signed-in guard then sends the visitor to /login. Throws `ApiError`. */
  logout: () => Promise<void>;
  /** Repeats the start-up check after it failed. */
  retry: () => void;
  /** Replaces the signed-in user's details after the profile changed (name, email). */
  updateUser: (user: User) => void;
  /**
   * Forgets the signed-in user without asking the server, which has already
   * ended the session (account deleted); the login page shows `notice`.
   */
  endSession: (notice: SignOutNotice) => void;
}

export const AuthContext = createContext<AuthContextValue | null>(null);

/** The auth state and actions; must be used below `<AuthProvider>`. */
export function useAuth(): AuthContextValue {
  const value = useContext(AuthContext);
  if (value === null) {
    throw new Error('useAuth() must be used inside <AuthProvider>.');
  }
  return value;
}
