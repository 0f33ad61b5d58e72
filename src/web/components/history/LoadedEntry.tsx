import type { ReactNode } from 'react';
import { Link, useLocation, useNavigate } from 'react-router';
import { useLoadById } from '../../hooks/useLoadById';
import { PageHeading } from '../PageHeading';

/** How a History page names what it shows ("History item" / "item", "Conversation" / "conversation"). */
export interface EntryWords {
  title: string;
  noun: string;
}

/** What a loaded entry's view gets: the link back to the list, and where to go once it is deleted. */
export interface EntryNavigation {
  backLink: ReactNode;
  backToList: () => void;
}

/**
 * A History page of one entry fetched by id: the back link, the loading,
 * not-found and error states with Try again, then `children` with the entry.
 */
export function LoadedEntry<T>({
  id,
  load,
  words,
  children,
}: {
  id: string;
  load: (id: string, signal: AbortSignal) => Promise<T>;
  words: EntryWords;
  children: (value: T, navigation: EntryNavigation) => ReactNode;
}) {
  const location = useLocation();
  const navigate = useNavigate();
  const { loaded, retry } = useLoadById(id, load);
  // Opened from the list: Back returns to it (same pages, same place) instead of a fresh list.
  const fromList = isFromList(location.state);

  const backToList = () => {
    if (fromList) {
      void navigate(-1);
    } else {
      void navigate('/history', { replace: true });
    }
  };
  const backLink = (
    <p className="history-record__back">
      <Link
        to="/history"
        onClick={(event) => {
          if (fromList) {
            event.preventDefault();
            void navigate(-1);
          }
        }}
      >
        <span aria-hidden="true">← </span>Back to history
      </Link>
    </p>
  );
  const frame = (heading: string, body: ReactNode) => (
    <div className="history-record">
      {backLink}
      <PageHeading>{heading}</PageHeading>
      {body}
    </div>
  );

  switch (loaded.status) {
    case 'loading':
      return frame(
        words.title,
        <p role="status" className="history-record__loading">
          <span className="spinner spinner--inline" aria-hidden="true" />
          Loading…
        </p>,
      );
    case 'notFound':
      return frame(
        `${words.noun.charAt(0).toUpperCase()}${words.noun.slice(1)} not found`,
        <p>This {words.noun} is not in your history. It may have been deleted.</p>,
      );
    case 'error':
      return frame(
        words.title,
        <>
          <div role="alert" className="alert alert--error">
            <p>
              This {words.noun} could not be loaded. {loaded.message}
            </p>
          </div>
          <button type="button" className="btn btn--secondary" onClick={retry}>
            Try again
          </button>
        </>,
      );
    case 'ready':
      return children(loaded.value, { backLink, backToList });
    default: {
      const unreachable: never = loaded;
      return unreachable;
    }
  }
}

/** Whether the page was opened from the History list (router state the list sets). */
function isFromList(state: unknown): boolean {
  return (
    typeof state === 'object' && state !== null && (state as Record<string, unknown>)['fromList'] === true
  );
}
