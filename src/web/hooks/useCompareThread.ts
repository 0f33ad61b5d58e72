import { useEffect, useRef, useState } from 'react';
import { ApiError } from '../api/api-client';
import type { ModelListing } from '../api/generation.api';
import { fetchThread } from '../api/threads.api';
import { storedCompareOf, type StoredCompare } from '../generation/compare-thread';
import { attachToRun } from '../stores/generation-run';
import type { CompareColumnRun } from './useCompareRuns';
import { asApiError } from './useHistoryList';

/** A stored Compare to show again: its prompt, language and columns, each attached to its run. */
export interface ReopenedCompare extends Omit<StoredCompare, 'columns'> {
  columns: CompareColumnRun[];
}

/**
 * Reopens the Compare stored as thread `threadId` (`/compare?thread=<id>`)
 * once the models are listed: each column attaches to its run, which a
 * finished run answers from its record (the whole answer at once) and a
 * running one live. Returns why it could not, or null.
 */
export function useCompareThread(
  threadId: string | null,
  models: readonly ModelListing[] | null,
  onOpen: (compare: ReopenedCompare) => void,
): string | null {
  const [problem, setProblem] = useState<string | null>(null);
  const opened = useRef<string | null>(null);
  const open = useRef(onOpen);
  useEffect(() => {
    open.current = onOpen;
  });

  useEffect(() => {
    if (!threadId || !models || opened.current === threadId) {
      return;
    }
    opened.current = threadId;
    const controller = new AbortController();
    fetchThread(threadId, controller.signal).then(
      (thread) => {
        const stored = storedCompareOf(thread, models);
        if (!stored) {
          setProblem('This conversation is not a comparison.');
          return;
        }
        setProblem(null);
        open.current({
          ...stored,
          columns: stored.columns.map(({ runId, ...column }) => ({
            ...column,
            run: attachToRun(runId, {
              kind: 'generate',
              body: { prompt: stored.prompt, language: stored.language, modelId: column.modelId },
            }),
          })),
        });
      },
      (error: unknown) => {
        if (controller.signal.aborted) {
          opened.current = null;
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
    };
  }, [threadId, models]);

  return problem;
}
