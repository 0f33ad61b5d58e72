import { Outlet } from 'react-router';
import { Brand } from './Brand';
import { SkipLink } from './SkipLink';
import { ThemeToggle } from './ThemeToggle';
import './PublicLayout.css';

/** Frame of the public pages (login, register, password reset) and the 404 page: a slim header and a centred column. */
export function PublicLayout() {
  return (
    <div className="public-layout">
      <SkipLink />
      <header className="public-header">
        <Brand />
        <ThemeToggle />
      </header>
      <main id="main" tabIndex={-1} className="public-main">
        <Outlet />
      </main>
    </div>
  );
}
