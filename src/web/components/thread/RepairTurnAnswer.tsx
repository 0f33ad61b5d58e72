import type { ThreadTurn } from '../../api/threads.api';
import type { RepairRunResult } from '../../../shared/repair/repair.schemas';
import { parseRepairAnswer } from '../../../shared/repair/repair-format';
import { runnableLanguage } from '../../../shared/run';
import { runStatusText, type RepairSummary } from '../../generation/repair-progress';
import { languageLabel, toCodeLanguage } from '../../generation/languages';
import { LazyCodeBlock } from '../generation/LazyRichText';
import './repair.css';

/** How long a run took, in words ("0.4 s"). */
function durationText(ms: number): string {
  return ms < 1000 ? `${String(Math.round(ms))} ms` : `${(ms / 1000).toFixed(1)} s`;
}

/** How one run of the code with the model's tests went: passed, failed, timed out, with what it wrote. */
export function TestRunResult({ run }: { run: RepairRunResult }) {
  return (
    <section className={`repair-run repair-run--${run.status}`} aria-label="Test run">
      <p className="repair-run__status">
        <strong>{runStatusText(run)}</strong>
        {run.message && run.status !== 'passed' ? `: ${run.message}` : ''}{' '}
        <span className="repair-run__time">({durationText(run.durationMs)})</span>
      </p>
      {run.output.trim() !== '' ? (
        <details className="repair-run__output" open={run.status !== 'passed'}>
          <summary>Output</summary>
          <pre>{run.output}</pre>
        </details>
      ) : null}
    </section>
  );
}

/**
 * A tested answer of Test and fix: its code, the tests the model wrote for
 * it (labelled so: they prove only what they check), and their run.
 */
export function RepairTurnAnswer({ turn, testRun }: { turn: ThreadTurn; testRun: RepairRunResult }) {
  const language = runnableLanguage(turn.language);
  const parsed = language ? parseRepairAnswer(turn.output, language) : null;
  const codeLanguage = toCodeLanguage(turn.language);
  return (
    <div className="repair-turn">
      {parsed?.ok === true ? (
        <>
          <LazyCodeBlock
            code={parsed.code}
            language={codeLanguage}
            title={`Code (${languageLabel(codeLanguage)})`}
          />
          <LazyCodeBlock code={parsed.tests} language={codeLanguage} title="Tests the model wrote" />
        </>
      ) : (
        <pre className="repair-turn__raw">{turn.output}</pre>
      )}
      <TestRunResult run={testRun} />
    </div>
  );
}

/** The end of a Test and fix run: passed its own tests, still failing (with the last error), or stopped. */
export function RepairSummaryNote({ summary }: { summary: RepairSummary }) {
  const last = summary.lastRun;
  return (
    <div
      role="status"
      aria-label="Test and fix result"
      className={`repair-summary repair-summary--${summary.tone}`}
    >
      <p className="repair-summary__text">
        <strong>{summary.text}</strong>
      </p>
      {last ? (
        <pre className="repair-summary__error">
          {[last.message, last.output]
            .filter((part) => part !== undefined && part.trim() !== '')
            .join('\n\n')}
        </pre>
      ) : null}
      <p className="note">
        The tests were written by the model itself: passing them shows only what they check, not that the code
        is right.
      </p>
    </div>
  );
}
