/**
 * Run code in the browser (issue 15): the languages, limits and language
 * mapping, with no dependencies so the web app can use them at run time
 * (the event shapes are zod schemas in run.schemas.ts, imported type-only).
 */
import { normalizeLanguage } from './languages.js';

/** The languages Run can run. */
export const RUN_LANGUAGES = ['python', 'javascript', 'typescript'] as const;
export type RunLanguage = (typeof RUN_LANGUAGES)[number];

/** Default time limit of one run (milliseconds); the worker is terminated when it passes. */
export const RUN_TIME_LIMIT_MS = 10_000;
/** Longest time limit a caller may ask for (milliseconds). */
export const RUN_MAX_TIME_LIMIT_MS = 600_000;
/** Output kept per run (stdout and stderr together, UTF-8 bytes); the rest is dropped and the exit says `truncated`. */
export const RUN_OUTPUT_LIMIT_BYTES = 100 * 1024;
/** Largest WebAssembly memory a Python run may grow to (bytes); past it the run fails with MemoryError. */
export const RUN_MEMORY_LIMIT_BYTES = 512 * 1024 * 1024;
/** Pyodide release served under /runtime/pyodide/<version>/ (the installed npm package). */
export const PYODIDE_VERSION = '0.29.5';

/** Code-block languages (fence labels such as "py", "node", "tsx") mapped to a runnable language; null when Run cannot run it. */
export function runnableLanguage(lang: string): RunLanguage | null {
  const normalized = normalizeLanguage(lang);
  return normalized !== undefined && (RUN_LANGUAGES as readonly string[]).includes(normalized)
    ? (normalized as RunLanguage)
    : null;
}
