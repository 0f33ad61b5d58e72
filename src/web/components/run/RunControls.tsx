import { createContext, lazy, Suspense, useCallback, useState } from 'react';
import { MESSAGES } from '../../../shared/messages';
import type { RunnableCodeLanguage } from '../../generation/run-output';
import './run-controls.css';

/*
 * Run (issue 15) on code blocks and the Explain editor. This file is small and
 * loads with the code block; the output panel, and through it the runner and
 * the runtimes, load only when Run is first pressed (React.lazy below), so no
 * page's first JavaScript grows.
 */

const RunPanelChunk = lazy(async () => ({ default: (await import('./RunPanel')).RunPanel }));

/**
 * What "Explain this error" does with the code and its error (as a comment):
 * by default it opens Explain with them; the Explain page provides its own
 * (it is already open, so it puts them into its editor).
 */
export const ExplainErrorContext = createContext<
  ((code: string, language: RunnableCodeLanguage) => void) | null
>(null);

/** How many times Run was pressed on one piece of code: the panel starts a run each time it grows. */
export function useRunPresses(): { presses: number; press: () => void } {
  const [presses, setPresses] = useState(0);
  const press = useCallback(() => {
    setPresses((n) => n + 1);
  }, []);
  return { presses, press };
}

/**
 * Run for a runnable language; for others a note saying which languages Run
 * takes (a note, not a dead button), where the button would be.
 */
export function RunButton({
  language,
  what,
  onRun,
}: {
  language: RunnableCodeLanguage | null;
  /** What runs, for the accessible name ("Python code"). */
  what: string;
  onRun: () => void;
}) {
  if (!language) {
    return <span className="run-note">{MESSAGES.runLanguages}</span>;
  }
  return (
    <button
      type="button"
      className="btn btn--ghost btn--small run-button"
      aria-label={`Run ${what}`}
      onClick={onRun}
    >
      <svg className="btn__icon" viewBox="0 0 16 16" aria-hidden="true" focusable="false">
        <path d="M5 3.5v9l7-4.5-7-4.5Z" fill="currentColor" />
      </svg>
      Run
    </button>
  );
}

/** Props of the output panel. */
export interface RunPanelProps {
  code: string;
  language: RunnableCodeLanguage;
  /** Run presses so far (at least 1): each new one starts a new run, stopping the one before. */
  presses: number;
  /** What runs, for the panel's name ("Python code"). */
  what: string;
}

/** The output panel, loaded on the first Run (with the runner behind it). */
export function LazyRunPanel(props: RunPanelProps) {
  return (
    <Suspense
      fallback={
        <p className="run-note run-note--loading" role="status">
          Loading Run…
        </p>
      }
    >
      <RunPanelChunk {...props} />
    </Suspense>
  );
}

/** Run under an editor (Explain): the button, or the note, then the panel once Run was pressed. */
export function RunnableCode({
  code,
  language,
  what,
}: {
  code: string;
  language: RunnableCodeLanguage | null;
  what: string;
}) {
  const { presses, press } = useRunPresses();
  return (
    <div className="run-bar">
      <RunButton language={language} what={what} onRun={press} />
      {language && presses > 0 ? (
        <LazyRunPanel code={code} language={language} presses={presses} what={what} />
      ) : null}
    </div>
  );
}
