import { useContext, useEffect, useId, useLayoutEffect, useRef, useState } from 'react';
import type { RunEvent, RunExitEvent } from '../../../shared/run.schemas';
import { MESSAGES } from '../../../shared/messages';
import { runCode, type RunHandle } from '../../run/runner';
import {
  appendOutput,
  codeWithError,
  errorText,
  exitSummary,
  loadingLabel,
  readRunTimeLimit,
  type OutputChunk,
  type RunLoadingPhase,
} from '../../generation/run-output';
import { useExplainCode } from '../../hooks/useHandoff';
import { toApiLanguage } from '../../generation/languages';
import { ExplainErrorContext, type RunPanelProps } from './RunControls';
import './run-panel.css';

/** Where a run is: its runtime loading (bytes when known), running, or ended. */
type Stage =
  | { kind: 'loading'; phase: RunLoadingPhase; loaded?: number; total?: number }
  | { kind: 'running' }
  | { kind: 'ended'; exit: RunExitEvent };

function browserStorage(): Storage | null {
  try {
    return window.localStorage;
  } catch {
    return null;
  }
}

/**
 * The output of Run beside the code: loading progress on the first run,
 * stdout and stderr in order (stderr marked), the exception with its
 * traceback, how the run ended and after how long, Stop while it runs, an
 * optional stdin box, and "Explain this error" after a failure. The state
 * line is a live region; the output itself is not (a loop printing lines
 * would talk over everything).
 */
export function RunPanel({ code, language, presses, what }: RunPanelProps) {
  const [stage, setStage] = useState<Stage>({ kind: 'running' });
  const [chunks, setChunks] = useState<OutputChunk[]>([]);
  const [stdin, setStdin] = useState('');
  const handle = useRef<RunHandle | null>(null);
  const stateLine = useRef<HTMLParagraphElement>(null);
  // The run takes the code and the input as they are when Run is pressed.
  const latest = useRef({ code, stdin });
  useLayoutEffect(() => {
    latest.current = { code, stdin };
  });
  const [ranCode, setRanCode] = useState(code);
  const explainHere = useContext(ExplainErrorContext);
  const openExplain = useExplainCode();
  const stdinId = useId();

  useEffect(() => {
    let current = true;
    const { code: source, stdin: input } = latest.current;
    setRanCode(source);
    setChunks([]);
    setStage({ kind: 'running' });
    const onEvent = (event: RunEvent) => {
      if (!current) {
        return;
      }
      switch (event.type) {
        case 'loading':
          // The runner names the sandbox on every run, just before it hands the code over (the frame
          // is open after the first run): from then on the code runs. Loading the Python runtime or
          // the TypeScript transpiler is the wait worth showing.
          setStage(
            event.phase === 'sandbox'
              ? { kind: 'running' }
              : { kind: 'loading', phase: event.phase, loaded: event.loaded, total: event.total },
          );
          break;
        case 'stdout':
        case 'stderr':
          setStage({ kind: 'running' });
          setChunks((before) => appendOutput(before, event.type, event.text));
          break;
        case 'exit':
          setStage({ kind: 'ended', exit: event });
          break;
      }
    };
    const run = runCode(
      {
        language,
        code: source,
        ...(input === '' ? {} : { stdin: input }),
        ...timeLimit(),
      },
      onEvent,
    );
    // The runner hands the exit to onEvent as well as to run.done: onEvent alone sets the stage.
    handle.current = run;
    return () => {
      current = false;
      run.stop();
    };
  }, [presses, language]);

  const stop = () => {
    handle.current?.stop();
    // The Stop button goes away with the run: keep the keyboard user in the panel.
    stateLine.current?.focus();
  };

  const exit = stage.kind === 'ended' ? stage.exit : null;
  const failure = exit?.state === 'failed' && exit.error ? errorText(exit.error) : null;
  const explainError = () => {
    if (failure === null) {
      return;
    }
    const withError = codeWithError(ranCode, language, failure);
    if (explainHere) {
      explainHere(withError, language);
    } else {
      openExplain({ code: withError, language: toApiLanguage(language), source: 'a run that failed' });
    }
  };

  return (
    <section className="run-panel" aria-label={`Output of the ${what}`} data-testid="run-panel">
      <div className="run-panel__bar">
        <p
          className={`run-panel__state run-panel__state--${exit?.state ?? stage.kind}`}
          role="status"
          tabIndex={-1}
          ref={stateLine}
        >
          {stateText(stage)}
        </p>
        <span className="run-panel__actions">
          {exit === null ? (
            <button type="button" className="btn btn--secondary btn--small" onClick={stop}>
              Stop
            </button>
          ) : null}
          {failure !== null ? (
            <button type="button" className="btn btn--secondary btn--small" onClick={explainError}>
              Explain this error
            </button>
          ) : null}
        </span>
      </div>
      {stage.kind === 'loading' ? (
        <progress
          className="run-panel__progress"
          aria-label={loadingLabel(stage.phase)}
          {...(stage.total ? { max: stage.total, value: Math.min(stage.loaded ?? 0, stage.total) } : {})}
        />
      ) : null}
      <pre className="run-panel__output" tabIndex={0} aria-label="Program output" data-testid="run-output">
        {chunks.map((chunk, index) => (
          <span key={index} className={chunk.stream === 'stderr' ? 'run-output__stderr' : undefined}>
            {chunk.text}
          </span>
        ))}
        {failure !== null ? <span className="run-output__error">{failure}</span> : null}
      </pre>
      {exit && chunks.length === 0 && failure === null ? (
        <p className="run-panel__note">The program wrote no output.</p>
      ) : null}
      {exit?.truncated ? (
        <p className="run-panel__note run-panel__note--warn">{MESSAGES.runOutputTruncated}</p>
      ) : null}
      <details className="run-panel__stdin">
        <summary>Input for the program</summary>
        <label htmlFor={stdinId}>Lines that input() and stdin read, used when you press Run</label>
        <textarea
          id={stdinId}
          className="run-panel__stdin-box"
          rows={3}
          value={stdin}
          onChange={(event) => {
            setStdin(event.target.value);
          }}
        />
      </details>
    </section>
  );
}

/** The run time limit asked for: the localStorage setting when there is one (see run-output). */
function timeLimit(): { timeoutMs?: number } {
  const ms = readRunTimeLimit(browserStorage());
  return ms === undefined ? {} : { timeoutMs: ms };
}

function stateText(stage: Stage): string {
  switch (stage.kind) {
    case 'loading':
      // Without the percentage: the live region would read every step; the bar shows it.
      return loadingLabel(stage.phase);
    case 'running':
      return 'Running…';
    case 'ended':
      return exitSummary(stage.exit.state, stage.exit.ms);
  }
}
