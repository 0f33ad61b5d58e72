import { MESSAGES } from '../../../shared/messages';
import './history.css';

/**
 * Says a search stopped early (MongoDB without Atlas Search answers from the
 * newest records when a search runs out of time); nothing otherwise.
 */
export function SearchLimitedNotice({ limited }: { limited: boolean }) {
  if (!limited) {
    return null;
  }
  return (
    <p className="alert alert--info history-results__limited" data-testid="search-limited">
      {MESSAGES.searchLimited}
    </p>
  );
}
