import { useEffect } from 'react';
import type { ModelListing } from '../../api/generation.api';
import { isRunActive, type RunSnapshot } from '../../stores/generation-run';
import { toCodeLanguage, type CodeLanguage } from '../../generation/languages';
import { LazyCodeBlock, LazyMarkdown, preloadRichText } from './LazyRichText';
import { ModelStatus } from './ModelStatus';

/** Props of a run's answer. */
export interface AnswerBodyProps {
  run: RunSnapshot;
  /** The model's listing, for its download progress while it is being prepared. */
  model: ModelListing | null;
  /** Completion models answer with bare code, not Markdown. */
  asCode: boolean;
  /** The language asked for: unlabelled fences and bare code use it. */
  language: CodeLanguage | null;
  /** Words for what is being written ("answer", "explanation"). */
  what?: string;
}

/**
 * The answer as it streams (Markdown, or one code block for completion
 * models), a note while the model is being prepared, and a clear mark when
 * the answer is partial because it was stopped.
 */
export function AnswerBody({ run, model, asCode, language, what = 'answer' }: AnswerBodyProps) {
  const active = isRunActive(run);
  const empty = run.output === '';
  const resultLanguage = toCodeLanguage(run.result?.language);
  useEffect(() => {
    // Fetched while the model prepares its first token, so the answer is rendered as it arrives.
    if (active) {
      preloadRichText();
    }
  }, [active]);
  return (
    <div className={active ? 'answer-body answer-body--live' : 'answer-body'}>
      {run.status === 'stopped' ? (
        <p className="note">
          <strong>Stopped.</strong>{' '}
          {empty ? `No ${what} arrived before you stopped it.` : `This is the partial ${what}.`}
        </p>
      ) : null}
      {empty && active ? <Preparing run={run} model={model} /> : null}
      {empty && run.status === 'done' ? (
        <p className="answer-body__empty">The model returned an empty {what}.</p>
      ) : null}
      {!empty && asCode ? (
        <LazyCodeBlock code={run.result?.code ?? run.output} language={resultLanguage ?? language} />
      ) : null}
      {!empty && !asCode ? <LazyMarkdown text={run.output} defaultLanguage={language} /> : null}
      {active && !empty ? <span className="answer-body__caret" aria-hidden="true" /> : null}
    </div>
  );
}

function Preparing({ run, model }: { run: RunSnapshot; model: ModelListing | null }) {
  if (run.status === 'waiting') {
    return <p className="answer-body__empty">{run.waitMessage}</p>;
  }
  if (model && model.status !== 'ready') {
    return (
      <div className="answer-body__preparing">
        <p className="answer-body__empty">
          {model.status === 'downloading'
            ? `Downloading ${model.name} before it can answer…`
            : `Preparing ${model.name}…`}
        </p>
        <ModelStatus model={model} />
      </div>
    );
  }
  return (
    <p className="answer-body__empty">
      {run.status === 'starting' ? 'Sending your request…' : 'Waiting for the first words…'}
    </p>
  );
}
