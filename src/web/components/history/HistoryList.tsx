import type { Ref } from 'react';
import { Link } from 'react-router';
import type { HistoryItem } from '../../api/history.api';
import type { ModelListing } from '../../api/generation.api';
import { formatDuration, formatRate } from '../../generation/run-stats';
import { formatWhen, languageName, modelName } from './history-format';
import { RecordTags } from './RecordTags';
import './history.css';

/** Props of the list of records. */
export interface HistoryListProps {
  items: readonly HistoryItem[];
  models: readonly ModelListing[] | null;
  /** Called as an item's link is followed (the page saves where the user was). */
  onOpen: (id: string) => void;
  /** The link of this item gets `firstNewRef` (focus moves there after "Load more"). */
  firstNewId?: string | null;
  firstNewRef?: Ref<HTMLAnchorElement>;
}

/**
 * One card per record: kind, status, the first line of the prompt as the
 * link (its accessible name stays short), then model, language, time,
 * duration and speed. The whole card is clickable; the link alone is focusable.
 */
export function HistoryList({ items, models, onOpen, firstNewId, firstNewRef }: HistoryListProps) {
  const now = new Date();
  return (
    <ol className="history-list" aria-label="History items">
      {items.map((item) => (
        <li key={item.id} className="history-item">
          <RecordTags kind={item.kind} status={item.status} className="history-item__tags" />
          <h3 className="history-item__title">
            <Link
              to={`/history/${encodeURIComponent(item.id)}`}
              state={{ fromList: true }}
              className="history-item__link"
              data-id={item.id}
              ref={item.id === firstNewId ? firstNewRef : undefined}
              onClick={() => {
                onOpen(item.id);
              }}
            >
              {item.title || (item.kind === 'explain' ? '(code without a first line)' : '(empty prompt)')}
            </Link>
          </h3>
          <ul className="history-item__meta">
            <li>
              <span className="visually-hidden">Model: </span>
              {modelName(models, item.modelId)}
            </li>
            <li>
              <span className="visually-hidden">Language: </span>
              {languageName(item.language)}
            </li>
            <li>
              <time dateTime={item.createdAt}>{formatWhen(item.createdAt, now)}</time>
            </li>
            {item.totalMs !== null ? (
              <li>
                <span className="visually-hidden">Took </span>
                {formatDuration(item.totalMs)}
              </li>
            ) : null}
            {item.tokensPerSecond !== null ? <li>{formatRate(item.tokensPerSecond)}</li> : null}
          </ul>
        </li>
      ))}
    </ol>
  );
}
