import { useAuth, type AuthState } from '../auth/auth.context';
import './StatusScreens.css';

/**
 * Shown while the app finds out who is signed in or loads a page. The
 * spinner fades in after a short delay (in CSS) so fast loads do not flash.
 */
export function LoadingScreen() {
  return (
    <div className="status-screen" role="status">
      <span className="spinner" aria-hidden="true" />
      <span className="status-screen__label">Loading…</span>
    </div>
  );
}

/** Shown when the start-up session check failed (server down, offline), with a way to retry. */
export function StartupErrorScreen({ message }: { message: string }) {
  const { retry } = useAuth();
  return (
    <div className="status-screen status-screen--error">
      <p role="alert">{message}</p>
      <button type="button" className="btn btn--primary" onClick={retry}>
        Try again
      </button>
    </div>
  );
}

/** The screen while the session check runs, or after it failed. */
export function startupScreen(state: Extract<AuthState, { status: 'loading' | 'error' }>) {
  return state.status === 'loading' ? <LoadingScreen /> : <StartupErrorScreen message={state.message} />;
}
