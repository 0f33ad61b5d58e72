import { useMemo, type ReactNode } from 'react';
import { Link, Navigate, useParams } from 'react-router';
import { ApiError } from '../api/api-client';
import { deleteThread, fetchThread, type Thread } from '../api/threads.api';
import { PageHeading } from '../components/PageHeading';
import { ConfirmDialog } from '../components/history/ConfirmDialog';
import { LoadedEntry } from '../components/history/LoadedEntry';
import { forgetListItem, setListNotice } from '../components/history/history-cache';
import { formatDateTime, KIND_LABELS } from '../components/history/history-format';
import { StoredAnswer } from '../components/thread/StoredAnswer';
import { ThreadTurns } from '../components/thread/ThreadTurns';
import { chainOf } from '../generation/thread-tree';
import { useModels } from '../stores/models.store';
import { useConfirm } from '../hooks/useConfirm';
import { useVersionChoices } from '../hooks/useThread';

/** One thread from History: every turn, each version behind its arrows, and what to do with it. */
export function ThreadPage() {
  const { id = '' } = useParams();
  return (
    <LoadedEntry id={id} load={fetchThread} words={{ title: 'Conversation', noun: 'conversation' }}>
      {(thread, { backLink, backToList }) =>
        thread.kind === 'compare' ? (
          // A Compare reopens as its columns.
          <Navigate replace to={`/compare?thread=${encodeURIComponent(thread.id)}`} />
        ) : (
          <ThreadView thread={thread} backLink={backLink} onDeleted={backToList} />
        )
      }
    </LoadedEntry>
  );
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
  // The versions the user last had on screen in this thread (here, in Generate or in Explain).
  const { choices, select } = useVersionChoices(thread.id, null);
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
          onSelect={select}
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
