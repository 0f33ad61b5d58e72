import type { Ref } from 'react';
import { Link } from 'react-router';
import type { ModelListing } from '../../api/generation.api';
import type { ThreadListItem } from '../../api/threads.api';
import { formatWhen, languageName, modelName } from './history-format';
import { RecordTags } from './RecordTags';
import './history.css';

/** Props of the list of threads. */
export interface HistoryListProps {
  items: readonly ThreadListItem[];
  models: readonly ModelListing[] | null;
  /** Called as an item's link is followed (the page saves where the user was). */
  onOpen: (id: string) => void;
  /** The link of this item gets `firstNewRef` (focus moves there after "Load more"). */
  firstNewId?: string | null;
  firstNewRef?: Ref<HTMLAnchorElement>;
}

/**
 * Where a thread opens: a Compare on the Compare page with its columns, a
 * one-turn thread as its record, a longer one as the whole conversation.
 */
export function threadPath(item: Pick<ThreadListItem, 'id' | 'kind' | 'turnCount' | 'latest'>): string {
  if (item.kind === 'compare') {
    return `/compare?thread=${encodeURIComponent(item.id)}`;
  }
  return item.turnCount === 1
    ? `/history/${encodeURIComponent(item.latest.id)}`
    : `/history/threads/${encodeURIComponent(item.id)}`;
}

/**
 * One card per thread: kind, latest status, the title as the link (its
 * accessible name stays short), then the latest turn's model and language,
 * when it was last updated and how many turns (every version) it has. The
 * whole card is clickable; the link alone is focusable.
 */
export function HistoryList({ items, models, onOpen, firstNewId, firstNewRef }: HistoryListProps) {
  const now = new Date();
  return (
    <ol className="history-list" aria-label="History items">
      {items.map((item) => (
        <li key={item.id} className="history-item">
          <RecordTags kind={item.kind} status={item.latest.status} className="history-item__tags" />
          <h3 className="history-item__title">
            <Link
              to={threadPath(item)}
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
            {item.kind === 'compare' ? (
              <li>{`Compare · ${item.turnCount} models`}</li>
            ) : (
              <li>
                <span className="visually-hidden">Model: </span>
                {modelName(models, item.latest.modelId)}
              </li>
            )}
            <li>
              <span className="visually-hidden">Language: </span>
              {languageName(item.latest.language)}
            </li>
            <li>
              <time dateTime={item.updatedAt}>{formatWhen(item.updatedAt, now)}</time>
            </li>
            {item.kind === 'compare' ? null : (
              <li>{item.turnCount === 1 ? '1 turn' : `${item.turnCount} turns`}</li>
            )}
          </ul>
        </li>
      ))}
    </ol>
  );
}
