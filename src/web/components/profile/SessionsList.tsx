import { useState } from 'react';
import { MESSAGES } from '../../../shared/messages';
import { ApiError } from '../../api/api-client';
import { signOutSession, type SessionInfo } from '../../api/profile.api';
import { useAuth } from '../../auth/auth.context';
import { StatusRegion } from '../FormField';
import { formatDateTime } from './profile-format';
import './profile.css';

/**
 * Where the account is signed in, this device first and marked, each with
 * "Sign out". Signing this device out is an ordinary log out.
 */
export function SessionsList({
  sessions,
  onSignedOut,
}: {
  sessions: readonly SessionInfo[];
  /** Another session was signed out (the page reloads the list and the activity). */
  onSignedOut: (id: string) => void;
}) {
  const { logout } = useAuth();
  const [busyId, setBusyId] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const sorted = [...sessions].sort(
    (a, b) => Number(b.current) - Number(a.current) || b.lastUsedAt.localeCompare(a.lastUsedAt),
  );

  const signOut = async (session: SessionInfo) => {
    setBusyId(session.id);
    setError(null);
    setDone(null);
    try {
      if (session.current) {
        // <RequireAuth> takes the user to the login page.
        await logout();
        return;
      }
      await signOutSession(session.id);
      setDone(`Signed out ${session.browser}.`);
      onSignedOut(session.id);
    } catch (cause) {
      // Already gone (expired meanwhile): the list is simply out of date.
      if (cause instanceof ApiError && cause.status === 404) {
        onSignedOut(session.id);
      } else {
        setError(cause instanceof ApiError ? cause.message : MESSAGES.internal);
      }
    } finally {
      setBusyId(null);
    }
  };

  return (
    <>
      <StatusRegion message={done} tone="success" />
      {error ? (
        <div role="alert" className="alert alert--error">
          <p>{error}</p>
        </div>
      ) : null}
      <ul className="session-list">
        {sorted.map((session) => (
          <li key={session.id} className="session">
            <div className="session__text">
              <p className="session__browser">
                {session.browser}
                {session.current ? <span className="session__this">This device</span> : null}
              </p>
              <p className="session__meta">
                Signed in <time dateTime={session.createdAt}>{formatDateTime(session.createdAt)}</time>
                {' · '}Last active{' '}
                <time dateTime={session.lastUsedAt}>{formatDateTime(session.lastUsedAt)}</time>
                {session.ip ? ` · IP ${session.ip}` : ''}
              </p>
            </div>
            <button
              type="button"
              className="btn btn--secondary session__sign-out"
              aria-label={
                session.current
                  ? 'Sign out this device'
                  : `Sign out ${session.browser}, ${session.ip ?? 'unknown IP'}`
              }
              disabled={busyId !== null}
              onClick={() => void signOut(session)}
            >
              {busyId === session.id ? <span className="spinner spinner--inline" aria-hidden="true" /> : null}
              Sign out
            </button>
          </li>
        ))}
      </ul>
    </>
  );
}
