import { useMemo, useState, type ReactNode } from 'react';
import { Link, Navigate, useLocation, useNavigate, useParams } from 'react-router';
import { ApiError } from '../api/api-client';
import { deleteThread, type Thread } from '../api/threads.api';
import { PageHeading } from '../components/PageHeading';
import { ConfirmDialog } from '../components/history/ConfirmDialog';
import { forgetListItem, setListNotice } from '../components/history/history-cache';
import { formatDateTime, KIND_LABELS } from '../components/history/history-format';
import { StoredAnswer } from '../components/thread/StoredAnswer';
import { ThreadTurns } from '../components/thread/ThreadTurns';
import { chainOf, choose, type VersionChoices } from '../generation/thread-tree';
import { useModels } from '../stores/models.store';
import { useConfirm } from '../hooks/useConfirm';
import { useThreadRecord } from '../hooks/useThreadRecord';

/** One thread from History: every turn, each version behind its arrows, and what to do with it. */
export function ThreadPage() {
  const { id = '' } = useParams();
  const location = useLocation();
  const navigate = useNavigate();
  const { loaded, retry } = useThreadRecord(id);
  // Opened from the list: Back returns to it (same pages, same place) instead of a fresh list.
  const fromList =
    typeof location.state === 'object' &&
    location.state !== null &&
    (location.state as Record<string, unknown>)['fromList'] === true;

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
        'Conversation',
        <p role="status" className="history-record__loading">
          <span className="spinner spinner--inline" aria-hidden="true" />
          Loading…
        </p>,
      );
    case 'notFound':
      return frame(
        'Conversation not found',
        <p>This conversation is not in your history. It may have been deleted.</p>,
      );
    case 'error':
      return frame(
        'Conversation',
        <>
          <div role="alert" className="alert alert--error">
            <p>This conversation could not be loaded. {loaded.message}</p>
          </div>
          <button type="button" className="btn btn--secondary" onClick={retry}>
            Try again
          </button>
        </>,
      );
    case 'ready':
      if (loaded.thread.kind === 'compare') {
        // A Compare reopens as its columns.
        return <Navigate replace to={`/compare?thread=${encodeURIComponent(loaded.thread.id)}`} />;
      }
      return <ThreadView thread={loaded.thread} backLink={backLink} onDeleted={backToList} />;
    default: {
      const unreachable: never = loaded;
      return unreachable;
    }
  }
}

function ThreadView({
  thread,
  backLink,
  onDeleted,
}: {
  thread: Thread;
  backLink: ReactNode;
  onDeleted: () => void;
}) {
  const { models } = useModels();
  const [choices, setChoices] = useState<VersionChoices>({});
  const chain = useMemo(() => chainOf(thread.turns, choices), [thread.turns, choices]);
  const remove = useConfirm(async () => {
    try {
      await deleteThread(thread.id);
    } catch (error) {
      // Already gone (another tab): the goal is reached.
      if (!(error instanceof ApiError && error.status === 404)) {
        throw error;
      }
    }
    forgetListItem(thread.id);
    setListNotice(`Deleted “${shorten(thread.title, 60) || 'the conversation'}” from your history.`);
    onDeleted();
  });
  const continuePath = `${thread.kind === 'explain' ? '/explain' : '/'}?thread=${encodeURIComponent(thread.id)}`;
  const count = thread.turns.length;

  return (
    <div className="history-record">
      {backLink}
      <PageHeading>
        {thread.title || `${thread.kind === 'compare' ? 'Compare' : KIND_LABELS[thread.kind]} conversation`}
      </PageHeading>
      <p>
        {count === 1 ? '1 turn' : `${count} turns`}, started{' '}
        <time dateTime={thread.createdAt}>{formatDateTime(thread.createdAt)}</time>.
      </p>
      <div className="form__actions">
        <Link className="btn btn--primary" to={continuePath}>
          Continue in {thread.kind === 'explain' ? 'Explain' : 'Generate'}
        </Link>
        <button type="button" className="btn btn--danger" onClick={remove.ask}>
          Delete
        </button>
      </div>

      <section className="card card--tight" aria-labelledby="thread-turns-heading">
        <h2 id="thread-turns-heading" className="history-record__heading">
          Turns
        </h2>
        <ThreadTurns
          chain={chain}
          liveId={null}
          renderLive={() => null}
          renderStored={(turn) => (
            <StoredAnswer
              turn={turn}
              model={models?.find((m) => m.id === turn.modelId) ?? null}
              what={turn.kind === 'explain' ? 'explanation' : 'answer'}
            />
          )}
          omittedTurns={0}
          models={models}
          busy={false}
          onSelect={(turn) => {
            setChoices((current) => choose(current, turn));
          }}
          usable={() => false}
        />
      </section>

      <ConfirmDialog {...remove.dialog} title="Delete this conversation?" confirmLabel="Delete">
        <p>
          “{shorten(thread.title, 80) || 'This conversation'}” and all of its turns will be deleted from your
          history. This cannot be undone.
        </p>
      </ConfirmDialog>
    </div>
  );
}

function shorten(text: string, length: number): string {
  return text.length > length ? `${text.slice(0, length - 1)}…` : text;
}
