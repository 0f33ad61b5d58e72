import { memo } from 'react';
import type { ModelListing } from '../../api/generation.api';
import { codeOfAnswer, type ExtractedCode } from '../../generation/extract-code';
import { isRunActive, useRunSnapshot, type RunSnapshot } from '../../stores/generation-run';
import type { CodeLanguage } from '../../generation/languages';
import type { CompareColumnRun } from '../../hooks/useCompareRuns';
import { CopyButton } from '../code/CopyButton';
import { AnswerBody } from './AnswerBody';
import { RunBadge } from './RunBadge';
import { RunErrorAlert } from './RunErrorAlert';
import { RunStats } from './RunStats';
import './compare.css';

/** One model's answer; memoised so a token in one column does not re-render the others' Markdown. */
export const CompareColumn = memo(function CompareColumn({
  column,
  model,
  language,
  onExplain,
}: {
  column: CompareColumnRun;
  model: ModelListing | null;
  language: CodeLanguage | null;
  onExplain: (column: CompareColumnRun, snapshot: RunSnapshot, code: ExtractedCode) => void;
}) {
  const snapshot = useRunSnapshot(column.run);
  if (!snapshot) {
    return null;
  }
  const active = isRunActive(snapshot);
  const code = active ? null : codeOfAnswer(snapshot.output, snapshot.result, column.asCode);
  const headingId = `column-${column.modelId}`;
  return (
    <article className="card card--tight compare-column" aria-labelledby={headingId} aria-busy={active}>
      <header className="compare-column__header">
        <h3 id={headingId} className="compare-column__title">
          {column.name}
        </h3>
        <RunBadge status={snapshot.status} />
      </header>
      <RunStats run={snapshot} />
      {snapshot.status === 'failed' ? <RunErrorAlert error={snapshot.error} /> : null}
      <div className="compare-column__body">
        <AnswerBody run={snapshot} model={model} asCode={column.asCode} language={language} />
      </div>
      <footer className="compare-column__actions">
        {active ? (
          <button
            type="button"
            className="btn btn--danger btn--small"
            aria-label={`Stop ${column.name}`}
            onClick={() => {
              column.run.stop();
            }}
          >
            <span className="btn__stop-icon" aria-hidden="true" />
            Stop
          </button>
        ) : null}
        <CopyButton
          text={code?.code ?? null}
          label={`Copy ${column.name}’s code`}
          className="btn btn--secondary btn--small"
        />
        <button
          type="button"
          className="btn btn--secondary btn--small"
          aria-label={`Explain ${column.name}’s code`}
          disabled={!code || active}
          onClick={() => {
            if (code) {
              onExplain(column, snapshot, code);
            }
          }}
        >
          Explain
        </button>
      </footer>
    </article>
  );
});
