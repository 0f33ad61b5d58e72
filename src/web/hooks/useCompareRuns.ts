import { useCallback, useRef, useState, useSyncExternalStore } from 'react';
import type { Language } from '../api/generation.api';
import { isRunActive, startRun, type GenerationRun, type RunSnapshot } from '../stores/generation-run';
import { newUuid } from '../generation/uuid';

/** One model's column: its run, and whether it answers with bare code. */
export interface CompareColumnRun {
  modelId: string;
  name: string;
  asCode: boolean;
  run: GenerationRun;
}

/** A model to start a column for. */
export interface CompareModel {
  modelId: string;
  name: string;
  asCode: boolean;
}

/**
 * Compare's runs: one column a model, started together as one group, each
 * streaming on its own connection; their snapshots, and what they add up to.
 */
export function useCompareRuns(initial: CompareColumnRun[]) {
  const [columns, setColumns] = useState(initial);
  const snapshots = useColumnSnapshots(columns);
  const anyActive = snapshots.some((s) => isRunActive(s));

  /** Starts a column for each model; returns the new columns. */
  const start = (prompt: string, language: Language, models: readonly CompareModel[]) => {
    // One group: the columns count once against the per-user running limit.
    const groupId = newUuid();
    const next = models.map((model, column): CompareColumnRun => ({
      ...model,
      run: startRun(
        // `column`: a reopened Compare shows its columns in this order, whatever order the runs were saved in.
        { kind: 'generate', body: { prompt, language, modelId: model.modelId, groupId, column } },
        { retryWhenBusy: true },
      ),
    }));
    // When one column ends, a column waiting for a free slot (per-user limit) can start.
    for (const column of next) {
      const unsubscribe = column.run.subscribe(() => {
        if (!isRunActive(column.run.getSnapshot())) {
          unsubscribe();
          for (const other of next) {
            other.run.nudge();
          }
        }
      });
    }
    setColumns(next);
    return next;
  };

  return {
    columns,
    /** Each column's snapshot, in column order. */
    snapshots,
    anyActive,
    /** A column waits for its model to load (the model list shows the progress). */
    waitingForModel: snapshots.some((s) => isRunActive(s) && s.firstTokenAt === null),
    doneCount: snapshots.filter((s) => !isRunActive(s)).length,
    start,
    /** Shows these columns instead (a stored Compare reopened). */
    show: setColumns,
    stopAll: () => {
      for (const column of columns) {
        column.run.stop();
      }
    },
  };
}

/**
 * Every column's snapshot through useSyncExternalStore: subscribed to each
 * run while these columns are shown, and the same array until one changes.
 */
function useColumnSnapshots(columns: readonly CompareColumnRun[]): readonly RunSnapshot[] {
  const last = useRef<{ columns: readonly CompareColumnRun[]; snapshots: readonly RunSnapshot[] } | null>(
    null,
  );
  const subscribe = useCallback(
    (listener: () => void) => {
      const unsubscribes = columns.map((column) => column.run.subscribe(listener));
      return () => {
        for (const unsubscribe of unsubscribes) {
          unsubscribe();
        }
      };
    },
    [columns],
  );
  const getSnapshot = useCallback(() => {
    const snapshots = columns.map((column) => column.run.getSnapshot());
    const previous = last.current;
    if (previous?.columns === columns && previous.snapshots.every((s, i) => s === snapshots[i])) {
      return previous.snapshots;
    }
    last.current = { columns, snapshots };
    return snapshots;
  }, [columns]);
  return useSyncExternalStore(subscribe, getSnapshot);
}
