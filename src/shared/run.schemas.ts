import { z } from 'zod';
import { RUN_LANGUAGES, RUN_MAX_TIME_LIMIT_MS } from './run.js';

/*
 * Run code (issue 15): what the web app asks the sandboxed runner and the
 * events it gets back. The web app imports these types only; the constants
 * and runnableLanguage() it uses at run time are in run.ts (no zod).
 */

export const runLanguageSchema = z.enum(RUN_LANGUAGES);

/** One run: the code, optional stdin lines for input(), and an optional time limit (default RUN_TIME_LIMIT_MS). */
export const runRequestSchema = z.object({
  language: runLanguageSchema,
  code: z.string(),
  stdin: z.string().optional(),
  timeoutMs: z.number().int().positive().max(RUN_MAX_TIME_LIMIT_MS).optional(),
});
export type RunRequest = z.infer<typeof runRequestSchema>;

/** How a run ended. */
export const runExitStateSchema = z.enum(['finished', 'failed', 'stopped', 'timed_out']);
export type RunExitState = z.infer<typeof runExitStateSchema>;

/** The exception a failed run raised: Python's type and traceback, or a JavaScript error's name and stack. */
export const runErrorSchema = z.object({
  name: z.string(),
  message: z.string(),
  traceback: z.string().optional(),
});
export type RunError = z.infer<typeof runErrorSchema>;

/**
 * Before the code runs: phase "transpiler" (TypeScript, first run), "sandbox" (the sandbox takes the code:
 * sent on every run, and again once the code starts when a runtime had to load), "runtime" (Python, first
 * run), "packages" (reserved); bytes when known.
 */
export const runLoadingEventSchema = z.object({
  type: z.literal('loading'),
  phase: z.enum(['sandbox', 'runtime', 'packages', 'transpiler']),
  loaded: z.number().optional(),
  total: z.number().optional(),
});

/** Output in the order the code wrote it. */
export const runStdoutEventSchema = z.object({ type: z.literal('stdout'), text: z.string() });
export const runStderrEventSchema = z.object({ type: z.literal('stderr'), text: z.string() });

/** The last event of every run: how it ended, after how long (ms of running, loading excluded), and whether output was cut. */
export const runExitEventSchema = z.object({
  type: z.literal('exit'),
  state: runExitStateSchema,
  error: runErrorSchema.optional(),
  ms: z.number(),
  truncated: z.boolean(),
});
export type RunExitEvent = z.infer<typeof runExitEventSchema>;

export const runEventSchema = z.discriminatedUnion('type', [
  runLoadingEventSchema,
  runStdoutEventSchema,
  runStderrEventSchema,
  runExitEventSchema,
]);
export type RunEvent = z.infer<typeof runEventSchema>;
