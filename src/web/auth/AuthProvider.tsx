import { useCallback, useEffect, useMemo, useState, type ReactNode } from 'react';
import * as authApi from '../api/auth.api';
import { ApiError, onUnauthorized } from '../api/api-client';
import { MESSAGES } from '../../shared/messages';
import type { User } from '../../shared/auth.schemas';
import { forgetPageMemory } from '../stores/page-memory';
import { AuthContext, type AuthContextValue, type AuthState, type SignOutNotice } from './auth.context';

/**
 * Holds who is signed in. Asks `/api/auth/me` once at start-up (the session
 * lives in an HttpOnly cookie the app cannot read) and keeps the answer in
 * memory; the token in the login answer is never stored.
 */
export function AuthProvider({ children }: { children: ReactNode }) {
  const [state, setState] = useState<AuthState>({ status: 'loading' });
  const [attempt, setAttempt] = useState(0);

  useEffect(() => {
    const controller = new AbortController();
    authApi.fetchCurrentUser(controller.signal).then(
      (user) => {
        setState(user ? { status: 'signedIn', user } : { status: 'signedOut', reason: 'anonymous' });
      },
      (error: unknown) => {
        if (controller.signal.aborted) {
          return;
        }
        setState({
          status: 'error',
          message: error instanceof ApiError ? error.message : MESSAGES.internal,
        });
      },
    );
    return () => {
      controller.abort();
    };
  }, [attempt]);

  // A 401 on a call that needs a session means it expired or was revoked elsewhere.
  useEffect(
    () =>
      onUnauthorized(() => {
        setState((current) =>
          current.status === 'signedIn' ? { status: 'signedOut', reason: 'expired' } : current,
        );
      }),
    [],
  );

  const login = useCallback(async (input: authApi.LoginInput) => {
    const user = await authApi.login(input);
    setState({ status: 'signedIn', user });
    return user;
  }, []);

  const register = useCallback((input: authApi.RegisterInput) => authApi.register(input), []);

  const logout = useCallback(async () => {
    try {
      await authApi.logout();
    } catch (error) {
      // Already signed out on the server (expired session): the goal is reached.
      if (!(error instanceof ApiError && error.status === 401)) {
        throw error;
      }
    }
    // Drafts and remembered runs may be private: nothing of them stays in this browser.
    forgetPageMemory();
    setState({ status: 'signedOut', reason: 'logout' });
  }, []);

  const retry = useCallback(() => {
    setState({ status: 'loading' });
    setAttempt((n) => n + 1);
  }, []);

  const updateUser = useCallback((user: User) => {
    setState((current) => (current.status === 'signedIn' ? { status: 'signedIn', user } : current));
  }, []);

  const endSession = useCallback((notice: SignOutNotice) => {
    forgetPageMemory();
    setState({ status: 'signedOut', reason: 'ended', notice });
  }, []);

  const value = useMemo<AuthContextValue>(
    () => ({
      state,
      user: state.status === 'signedIn' ? state.user : null,
      login,
      register,
      logout,
      retry,
      updateUser,
      endSession,
    }),
    [state, login, register, logout, retry, updateUser, endSession],
  );

  return <AuthContext value={value}>{children}</AuthContext>;
}
