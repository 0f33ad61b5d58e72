import { Navigate, Outlet, useLocation } from 'react-router';
import { MESSAGES } from '../../shared/messages';
import { startupScreen } from '../components/StatusScreens';
import { useAuth } from './auth.context';
import type { LoginLocationState } from './login-state';
import { loginPathFor } from './safe-next';

/** Layout route for signed-in pages: sends anyone else to /login, remembering where they were going. */
export function RequireAuth() {
  const { state } = useAuth();
  const location = useLocation();

  if (state.status === 'loading' || state.status === 'error') {
    return startupScreen(state);
  }
  switch (state.status) {
    case 'signedIn':
      return <Outlet />;
    case 'signedOut': {
      if (state.reason === 'logout') {
        return <Navigate to="/login" replace />;
      }
      if (state.reason === 'ended') {
        const ended: LoginLocationState = state.notice
          ? { notice: state.notice.message, noticeTone: state.notice.tone }
          : {};
        return <Navigate to="/login" state={ended} replace />;
      }
      const loginState: LoginLocationState =
        state.reason === 'expired' ? { notice: MESSAGES.sessionExpired, noticeTone: 'info' } : {};
      const path = `${location.pathname}${location.search}${location.hash}`;
      return <Navigate to={loginPathFor(path)} state={loginState} replace />;
    }
    default: {
      const unreachable: never = state;
      return unreachable;
    }
  }
}
