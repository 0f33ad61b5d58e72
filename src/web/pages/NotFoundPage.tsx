import { Link, useLocation } from 'react-router';
import { PageHeading } from '../components/PageHeading';

/** Any path no route matches. */
export function NotFoundPage() {
  const { pathname } = useLocation();
  return (
    <section className="card card--narrow">
      <PageHeading>Page not found</PageHeading>
      <p>
        There is no page at <code className="inline-code">{pathname}</code>. Check the address, or start again
        from the home page.
      </p>
      <p>
        <Link to="/" className="btn btn--primary">
          Go to the home page
        </Link>
      </p>
    </section>
  );
}
