import { isRouteErrorResponse, useRouteError } from 'react-router';
import './PublicLayout.css';

/**
 * Last-resort page when rendering or loading a route fails. The usual cause
 * is a page chunk that no longer exists because the app was updated while the
 * tab was open, which a reload fixes. Kept in the main bundle for that reason.
 */
export function RouteErrorPage() {
  const error = useRouteError();
  const detail = isRouteErrorResponse(error)
    ? `${error.status} ${error.statusText}`
    : 'The page could not be loaded. CodeGenie may have been updated since you opened it.';
  return (
    <main id="main" className="public-main">
      <title>Something went wrong · CodeGenie</title>
      <section className="card card--narrow">
        <h1 className="page-heading">Something went wrong</h1>
        <p>{detail}</p>
        <button
          type="button"
          className="btn btn--primary"
          onClick={() => {
            window.location.reload();
          }}
        >
          Reload the page
        </button>
      </section>
    </main>
  );
}
