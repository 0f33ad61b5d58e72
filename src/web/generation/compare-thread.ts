import type { ModelListing } from '../api/generation.api';
import type { Thread, ThreadTurn } from '../api/threads.api';
import { turnSnapshot } from '../components/thread/StoredAnswer';
import type { CompareColumnRun } from '../hooks/useCompareRuns';
import { GenerationRun, attachToRun, type RunRequest } from '../stores/generation-run';
import { LANGUAGES, type Language } from '../../shared/languages';

/** One column of a stored Compare: its model and the turn (run) that holds its answer. */
export interface StoredCompareColumn {
  runId: string;
  modelId: string;
  name: string;
  asCode: boolean;
}

/** A stored Compare as the Compare page shows it again. */
export interface StoredCompare {
  prompt: string;
  language: Language;
  columns: StoredCompareColumn[];
}

/** Sorts after every recorded column. */
const UNRECORDED = Number.MAX_SAFE_INTEGER;

/** Where a turn's column was in its Compare (the `column` the web sends with each run); null when not recorded. */
function columnOf(turn: ThreadTurn): number | null {
  const column = turn.params['column'];
  return typeof column === 'number' && Number.isInteger(column) ? column : null;
}

/**
 * The Compare a thread holds: its first position's versions, one column a
 * model (a model met twice keeps its first column), in the order the user
 * had them (each turn's recorded column), else in the order they were saved.
 * Null when the thread has no generate turn at its first position.
 */
export function storedCompareOf(
  thread: Thread,
  models: readonly ModelListing[] | null,
): StoredCompare | null {
  const seen = new Set<string>();
  const firsts = thread.turns
    .flatMap((turn) => {
      if (turn.kind !== 'generate' || turn.parentId !== null || seen.has(turn.modelId)) {
        return [];
      }
      seen.add(turn.modelId);
      return [turn];
    })
    // A stable sort: turns saved without a column (older Compares, API clients) keep their order, after the others.
    .sort((a, b) => (columnOf(a) ?? UNRECORDED) - (columnOf(b) ?? UNRECORDED));
  const first = firsts[0];
  if (!first) {
    return null;
  }
  const language = (LANGUAGES as readonly string[]).includes(first.language)
    ? (first.language as Language)
    : 'any';
  return {
    prompt: first.prompt,
    language,
    columns: firsts.map((turn) => {
      const model = models?.find((m) => m.id === turn.modelId);
      return {
        runId: turn.id,
        modelId: turn.modelId,
        name: model?.name ?? turn.modelId,
        asCode: model?.format === 'completion',
      };
    }),
  };
}

/**
 * The runs of a reopened Compare's columns. A finished turn is drawn from its
 * record in `thread`: it reads Done at once, with nothing fetched or replayed
 * (attaching to it would show it Starting again while its answer replays). A
 * turn still running is followed live: by the run already `atHand` for it (one
 * stream a run), else by attaching to it.
 */
export function reopenedColumns(
  thread: Thread,
  stored: StoredCompare,
  atHand: readonly CompareColumnRun[],
  attach: (id: string, request: RunRequest) => GenerationRun = attachToRun,
): CompareColumnRun[] {
  return stored.columns.map(({ runId, ...column }) => {
    const request: RunRequest = {
      kind: 'generate',
      body: { prompt: stored.prompt, language: stored.language, modelId: column.modelId },
    };
    const turn = thread.turns.find((t) => t.id === runId);
    if (turn && turn.status !== 'running') {
      return { ...column, run: new GenerationRun(request, {}, null, turnSnapshot(turn)) };
    }
    const live = atHand.find((c) => c.run.getSnapshot().id === runId)?.run;
    return { ...column, run: live ?? attach(runId, request) };
  });
}
