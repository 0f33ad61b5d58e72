import { useEffect, useState } from 'react';
import { NavLink, Outlet } from 'react-router';
import { MESSAGES } from '../../shared/messages';
import { ApiError } from '../api/api-client';
import { useAuth } from '../auth/auth.context';
import { resetWorkspaces } from '../stores/workspace';
import { Brand } from './Brand';
import { SkipLink } from './SkipLink';
import { ThemeToggle } from './ThemeToggle';
import './AppShell.css';

const NAV_ITEMS = [
  { to: '/', label: 'Generate' },
  { to: '/explain', label: 'Explain' },
  { to: '/compare', label: 'Compare' },
  { to: '/history', label: 'History' },
  { to: '/profile', label: 'Profile' },
] as const;

/** Shown to administrators only (the page itself answers "not found" to others). */
const ADMIN_ITEM = { to: '/admin', label: 'Admin' } as const;

/** Frame of every signed-in page: header with navigation, the user, theme toggle and log out. */
export function AppShell() {
  const { user, logout } = useAuth();
  const [loggingOut, setLoggingOut] = useState(false);
  const [logoutError, setLogoutError] = useState<string | null>(null);

  // The shell goes away on sign-out or an expired session: stop the pages' runs and forget their text.
  useEffect(() => resetWorkspaces, []);

  const onLogout = async () => {
    setLoggingOut(true);
    setLogoutError(null);
    try {
      await logout();
      // Signed out: <RequireAuth> now sends the visitor to /login.
    } catch (error) {
      setLogoutError(error instanceof ApiError ? error.message : MESSAGES.internal);
      setLoggingOut(false);
    }
  };

  return (
    <div className="shell">
      <SkipLink />
      <header className="shell-header">
        <div className="shell-header__inner">
          <Brand />
          <nav className="shell-nav" aria-label="Main">
            <ul className="shell-nav__list">
              {[...NAV_ITEMS, ...(user?.role === 'admin' ? [ADMIN_ITEM] : [])].map((item) => (
                <li key={item.to}>
                  <NavLink to={item.to} end={item.to === '/'} className="shell-nav__link">
                    {item.label}
                  </NavLink>
                </li>
              ))}
            </ul>
          </nav>
          {user ? (
            <p className="shell-user">
              <span className="visually-hidden">Signed in as </span>
              <span className="shell-user__name">{user.displayName ?? user.username}</span>
              {user.displayName ? <span className="shell-user__handle"> @{user.username}</span> : null}
            </p>
          ) : null}
          <div className="shell-actions">
            <ThemeToggle />
            <button
              type="button"
              className="btn btn--secondary"
              onClick={() => void onLogout()}
              disabled={loggingOut}
            >
              Log out
            </button>
          </div>
        </div>
      </header>
      {logoutError ? (
        <div className="shell-banner alert alert--error" role="alert">
          <p>{logoutError}</p>
        </div>
      ) : null}
      <main id="main" tabIndex={-1} className="shell-main">
        <Outlet />
      </main>
    </div>
  );
}
