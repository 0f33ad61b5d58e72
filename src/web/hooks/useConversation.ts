import { useState } from 'react';
import { useSearchParams } from 'react-router';
import type { RunError } from '../generation/describe-error';
import type { GenerationRun, RunSnapshot } from '../stores/generation-run';
import { useThread, type ThreadState } from './useThread';

/**
 * A conversation page's run and the thread it opened: "Continue in Generate"
 * (or Explain) from History adds `?thread=<id>`, and the run saved in the
 * page's workspace stays only if it is of that thread.
 */
export function useOpenedThread(saved: GenerationRun | null) {
  const [searchParams, setSearchParams] = useSearchParams();
  const openedId = searchParams.get('thread');
  const [run, setRun] = useState<GenerationRun | null>(() =>
    openedId !== null && saved?.getSnapshot().threadId !== openedId ? null : saved,
  );
  return {
    /** The thread named in the address, if any. */
    openedId,
    run,
    setRun,
    /** New conversation: no run on screen, and the address forgets the thread it named. */
    leave: () => {
      setRun(null);
      if (openedId !== null) {
        setSearchParams({}, { replace: true });
      }
    },
  };
}

/** What a page shows of its conversation. */
export interface ConversationState {
  thread: ThreadState;
  /** The run on screen (the live turn): while it goes nothing else is sent. */
  snapshot: RunSnapshot | null;
  /**
   * Why the latest follow-up or Regenerate was refused before it started
   * (no turn of its own, in a thread): said under the conversation, not in
   * the form above.
   */
  failure: RunError | null;
}

/**
 * The conversation of the run on screen (`shown`, or the thread `openedId`);
 * `latest` is the page's newest run, which may have been refused while an
 * earlier answer stays on screen.
 */
export function useConversation(
  shown: GenerationRun | null,
  snapshot: RunSnapshot | null,
  latest: RunSnapshot | null,
  openedId: string | null,
): ConversationState {
  const thread = useThread(shown, snapshot, openedId);
  return { thread, snapshot, failure: refusalInThread(latest) };
}

/**
 * Why `latest` was refused before it started (no turn of its own: a limit,
 * a model that takes no follow-up ...) when it was sent in a thread; null
 * for any other run, whose error belongs with the page's form.
 */
export function refusalInThread(latest: RunSnapshot | null): RunError | null {
  return latest?.status === 'failed' && latest.id === null && latest.threadId !== null ? latest.error : null;
}
