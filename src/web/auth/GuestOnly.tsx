import { Navigate, Outlet, useSearchParams } from 'react-router';
import { startupScreen } from '../components/StatusScreens';
import { useAuth } from './auth.context';
import { safeNextPath } from './safe-next';

/**
 * Layout route for /login, /register and /forgot-password: a signed-in
 * visitor is sent on to `?next=` (validated) or `/`. This is also what moves the user on right after
 * a successful login, so there is one place that decides where they land.
 */
export function GuestOnly() {
  const { state } = useAuth();
  const [searchParams] = useSearchParams();

  if (state.status === 'loading' || state.status === 'error') {
    return startupScreen(state);
  }
  switch (state.status) {
    case 'signedIn':
      return <Navigate to={safeNextPath(searchParams.get('next'), window.location.origin)} replace />;
    case 'signedOut':
      return <Outlet />;
    default: {
      const unreachable: never = state;
      return unreachable;
    }
  }
}
