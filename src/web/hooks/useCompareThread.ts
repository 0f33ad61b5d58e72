import { useEffect, useRef, useState } from 'react';
import { ApiError } from '../api/api-client';
import type { ModelListing } from '../api/generation.api';
import { fetchThread } from '../api/threads.api';
import { reopenedColumns, storedCompareOf, type StoredCompare } from '../generation/compare-thread';
import type { CompareColumnRun } from './useCompareRuns';
import { asApiError } from './useHistoryList';

/** A stored Compare to show again: its prompt, language and columns, each attached to its run. */
export interface ReopenedCompare extends Omit<StoredCompare, 'columns'> {
  columns: CompareColumnRun[];
}

/**
 * Reopens the Compare stored as thread `threadId` (`/compare?thread=<id>`)
 * once the models are listed: a finished column from its record, a running
 * one live (by its run in `atHand`, the runs the page holds, when there is
 * one); see reopenedColumns. Returns why it could not, or null.
 */
export function useCompareThread(
  threadId: string | null,
  models: readonly ModelListing[] | null,
  atHand: readonly CompareColumnRun[],
  onOpen: (compare: ReopenedCompare) => void,
): string | null {
  const [problem, setProblem] = useState<string | null>(null);
  const opened = useRef<string | null>(null);
  const open = useRef(onOpen);
  const held = useRef(atHand);
  useEffect(() => {
    open.current = onOpen;
    held.current = atHand;
  });

  useEffect(() => {
    if (!threadId || !models || opened.current === threadId) {
      return;
    }
    opened.current = threadId;
    const controller = new AbortController();
    let settled = false;
    fetchThread(threadId, controller.signal).then(
      (thread) => {
        settled = true;
        if (controller.signal.aborted) {
          return;
        }
        const stored = storedCompareOf(thread, models);
        if (!stored) {
          setProblem('This conversation is not a comparison.');
          return;
        }
        setProblem(null);
        open.current({ ...stored, columns: reopenedColumns(thread, stored, held.current) });
      },
      (error: unknown) => {
        settled = true;
        if (controller.signal.aborted) {
          return;
        }
        setProblem(
          error instanceof ApiError && error.status === 404
            ? 'This comparison is not in your history. It may have been deleted.'
            : `This comparison could not be loaded. ${asApiError(error).message}`,
        );
      },
    );
    return () => {
      controller.abort();
      if (!settled) {
        // Not opened yet: the effect's next run fetches it again. (The model list is fetched afresh when the
        // page mounts: resetting this only once the aborted request failed left the Compare unopened.)
        opened.current = null;
      }
    };
  }, [threadId, models]);

  return problem;
}
