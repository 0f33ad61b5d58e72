import { Link } from 'react-router';
import type { HistoryFilters } from '../../api/history.api';
import { countFilters } from './history-format';
import './history.css';

/** An empty result: for a search or filters, a way to clear them; else, where to start. */
export function HistoryEmpty({ filters, onClear }: { filters: HistoryFilters | null; onClear: () => void }) {
  if (filters) {
    return (
      <div className="history-empty">
        <p>
          {filters.q ? `Nothing in your history matches “${filters.q}”` : 'Nothing matches these filters'}
          {filters.q && countFilters(filters) > 0 ? ' with these filters.' : '.'}
        </p>
        <button type="button" className="btn btn--secondary" onClick={onClear}>
          Clear search and filters
        </button>
      </div>
    );
  }
  return (
    <div className="history-empty">
      <p>
        Your history is empty. Everything you generate or explain is saved here, so you can find it again.
      </p>
      <p className="history-empty__links">
        <Link to="/" className="btn btn--primary">
          Generate code
        </Link>
        <Link to="/explain" className="btn btn--secondary">
          Explain code
        </Link>
      </p>
    </div>
  );
}

/** "Load more", with its error. */
export function LoadMore({
  loading,
  error,
  onLoad,
}: {
  loading: boolean;
  error: string | null;
  onLoad: () => void;
}) {
  return (
    <div className="history-more">
      {error ? (
        <p role="alert" className="history-more__error">
          More items could not be loaded. {error}
        </p>
      ) : null}
      <button type="button" className="btn btn--secondary" onClick={onLoad} disabled={loading}>
        {loading ? <span className="spinner spinner--inline" aria-hidden="true" /> : null}
        {loading ? 'Loading…' : 'Load more'}
      </button>
    </div>
  );
}
