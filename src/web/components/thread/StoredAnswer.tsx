import type { ModelListing } from '../../api/generation.api';
import type { ThreadTurn } from '../../api/threads.api';
import type { RunSnapshot, RunStatus } from '../../stores/generation-run';
import { toCodeLanguage } from '../../generation/languages';
import { AnswerBody } from '../generation/AnswerBody';
import { RunErrorAlert } from '../generation/RunErrorAlert';
import { LazySectionsView } from '../generation/LazyRichText';

const STATUS: Record<ThreadTurn['status'], RunStatus> = {
  running: 'streaming',
  completed: 'done',
  cancelled: 'stopped',
  failed: 'failed',
};

/** A stored turn as the snapshot the answer components draw. */
export function turnSnapshot(turn: ThreadTurn): RunSnapshot {
  return {
    status: STATUS[turn.status],
    modelId: turn.modelId,
    id: turn.id,
    output: turn.output,
    result:
      turn.status === 'completed'
        ? {
            id: turn.id,
            threadId: '',
            parentId: turn.parentId,
            modelId: turn.modelId,
            output: turn.output,
            code: turn.kind === 'generate' ? turn.code : null,
            language: turn.language,
            ...(turn.sections ? { sections: turn.sections } : {}),
            usage: {
              promptTokens: turn.usage.promptTokens ?? 0,
              completionTokens: turn.usage.completionTokens ?? 0,
            },
            timings: { firstTokenMs: turn.timings.firstTokenMs, totalMs: turn.timings.totalMs ?? 0 },
          }
        : null,
    error: turn.error ? { ...turn.error, fields: {} } : null,
    waitMessage: null,
    startedAt: 0,
    firstTokenAt: null,
    endedAt: 0,
    tokenEvents: turn.usage.completionTokens ?? 0,
    threadId: null,
    parentId: turn.parentId,
    omittedTurns: 0,
  };
}

/**
 * A turn that is not the page's live run: its saved answer (or why it
 * failed); a line-by-line explanation as its sections beside the code.
 */
export function StoredAnswer({
  turn,
  model,
  what = 'answer',
}: {
  turn: ThreadTurn;
  model: ModelListing | null;
  what?: string;
}) {
  const snapshot = turnSnapshot(turn);
  if (turn.kind === 'explain' && turn.sections && turn.sections.length > 0) {
    return (
      <LazySectionsView
        code={turn.code}
        language={toCodeLanguage(turn.language)}
        sections={turn.sections}
        partial={false}
      />
    );
  }
  return (
    <>
      <RunErrorAlert error={snapshot.error} />
      <AnswerBody
        run={snapshot}
        model={model}
        asCode={model?.format === 'completion'}
        language={toCodeLanguage(turn.language)}
        what={what}
      />
    </>
  );
}
