import type { RunError, RunEvent, RunExitState } from '../../shared/run.schemas';
import { RUN_MAX_TIME_LIMIT_MS, runnableLanguage, type RunLanguage } from '../../shared/run';
import type { CodeLanguage } from './languages';

/** The languages Run runs. */
export type RunnableCodeLanguage = RunLanguage;

/** The language Run uses for a code block (its language as toCodeLanguage gives it), or null when Run cannot run it. */
export function runnableCodeLanguage(language: CodeLanguage | null): RunnableCodeLanguage | null {
  return language === null ? null : runnableLanguage(language);
}

/** One stretch of output: consecutive writes to the same stream share one. */
export interface OutputChunk {
  stream: 'stdout' | 'stderr';
  text: string;
}

/**
 * The output with one more write appended, in order: a write to the stream
 * of the last stretch extends it (one element for a loop that prints ten
 * thousand lines), another stream starts a new stretch. Returns a new array.
 */
export function appendOutput(
  chunks: readonly OutputChunk[],
  stream: OutputChunk['stream'],
  text: string,
): OutputChunk[] {
  if (text === '') {
    return [...chunks];
  }
  const last = chunks.at(-1);
  if (last?.stream === stream) {
    return [...chunks.slice(0, -1), { stream, text: last.text + text }];
  }
  return [...chunks, { stream, text }];
}

/** "35 ms", "1.24 s", "10.0 s": the run time as the panel shows it. */
export function formatRunTime(ms: number): string {
  if (ms < 1000) {
    return `${Math.max(0, Math.round(ms))} ms`;
  }
  return `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`;
}

const EXIT_WORDS: Record<RunExitState, string> = {
  finished: 'Finished',
  failed: 'Failed',
  stopped: 'Stopped',
  timed_out: 'Timed out',
};

/** "Finished in 35 ms", "Timed out after 10.0 s": the state line after a run, announced to screen readers. */
export function exitSummary(state: RunExitState, ms: number): string {
  const time = formatRunTime(ms);
  return state === 'finished' ? `Finished in ${time}` : `${EXIT_WORDS[state]} after ${time}`;
}

/** What a run loads before its code runs (the phases of the runner's loading events). */
export type RunLoadingPhase = Extract<RunEvent, { type: 'loading' }>['phase'];

const LOADING_WHAT: Record<RunLoadingPhase, string> = {
  sandbox: 'the sandbox',
  runtime: 'the Python runtime',
  packages: 'Python packages',
  transpiler: 'the TypeScript transpiler',
};

/** "Loading the Python runtime… 40 %" (no percentage when the size is unknown). */
export function loadingLabel(phase: RunLoadingPhase, loaded?: number, total?: number): string {
  const percent =
    total && loaded !== undefined ? ` ${Math.min(100, Math.floor((loaded / total) * 100))} %` : '';
  return `Loading ${LOADING_WHAT[phase]}…${percent}`;
}

/** The exception as shown and sent to Explain: the traceback when there is one, else "Name: message". */
export function errorText(error: RunError): string {
  const traceback = error.traceback?.trimEnd();
  return traceback ? traceback : `${error.name}: ${error.message}`;
}

/**
 * "Explain this error": the code with the error it raised appended as a
 * comment of the code's own language, so Explain (which takes code) explains
 * the code and the error together, and the comment cannot change what the
 * code means.
 */
export function codeWithError(code: string, language: RunnableCodeLanguage, error: string): string {
  const mark = language === 'python' ? '#' : '//';
  const lines = ['Running this code failed with:', ...error.trimEnd().split('\n')];
  return `${code.trimEnd()}\n\n${lines.map((line) => `${mark} ${line}`.trimEnd()).join('\n')}\n`;
}

/** The localStorage key of the run time limit, in milliseconds (for tests and slow machines; see README "Run code"). */
export const RUN_TIME_LIMIT_KEY = 'codegenie.run.timeLimitMs';

/**
 * The time limit a run asks for: a whole number of milliseconds from 1 to
 * RUN_MAX_TIME_LIMIT_MS stored under RUN_TIME_LIMIT_KEY, or undefined (the runner's
 * default, 10 s) when none is set or the value is not one.
 */
export function readRunTimeLimit(storage: Pick<Storage, 'getItem'> | null): number | undefined {
  let raw: string | null;
  try {
    raw = storage?.getItem(RUN_TIME_LIMIT_KEY) ?? null;
  } catch {
    // Storage can be blocked (privacy settings): the default applies.
    return undefined;
  }
  if (raw === null || !/^\d+$/.test(raw.trim())) {
    return undefined;
  }
  const ms = Number(raw.trim());
  return ms >= 1 && ms <= RUN_MAX_TIME_LIMIT_MS ? ms : undefined;
}
