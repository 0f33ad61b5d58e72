import { z } from 'zod';
import type { GenerationEventName } from './generation-events.js';
import { LANGUAGES } from './languages.js';
import { MAX_GROUP_RUNS } from './limits.js';
import { MESSAGES } from './messages.js';
import { REPAIR_DEFAULT_ROUNDS } from './repair/repair-loop.js';
import {
  repairLanguageSchema,
  repairOutcomeSchema,
  repairRoundsSchema,
  repairRunResultSchema,
} from './repair/repair.schemas.js';

export { MAX_GROUP_RUNS, MAX_INPUT_CHARS } from './limits.js';

export const languageSchema = z.enum(LANGUAGES);

/** Explanation depth. */
export const explainLevelSchema = z.enum(['beginner', 'intermediate', 'expert']);

/** Explanation shape: Markdown prose, or structured sections per range of lines. */
export const explainFormatSchema = z.enum(['overview', 'line-by-line']);

/** Sampling settings; each falls back to the model's default when left out. */
export const samplingSettingsSchema = z.object({
  temperature: z
    .number()
    .min(0, 'Temperature must be between 0 and 2.')
    .max(2, 'Temperature must be between 0 and 2.')
    .optional(),
  maxTokens: z
    .number()
    .int('Max tokens must be a whole number.')
    .min(1, 'Max tokens must be at least 1.')
    .optional(),
  topP: z
    .number()
    .gt(0, 'Top-p must be above 0 and at most 1.')
    .max(1, 'Top-p must be above 0 and at most 1.')
    .optional(),
});

const samplingFields = {
  modelId: z.string().min(1).max(64).optional(),
  ...samplingSettingsSchema.shape,
};

/** How a run relates to the connection that started it. */
const runFields = {
  /**
   * True: closing the connection stops the run at once (the old behaviour).
   * Otherwise the run goes on and stays attachable at
   * GET /api/generations/:id/events until it ends, is stopped, or has had
   * nobody attached for RUN_DETACHED_GRACE_SECONDS.
   */
  stopOnDisconnect: z.boolean().optional(),
};

/** Where in a thread a request goes (see threads.schemas.ts). */
const threadFields = {
  /** Continue this thread of yours; without it a new thread starts. */
  threadId: z.uuid('Not a thread id.').optional(),
  /**
   * The turn this one follows: null for the thread's first position, left
   * out for after the thread's latest turn. A second request with the same
   * parentId is a new version of that turn (Regenerate).
   */
  parentId: z.uuid('Not a turn id.').nullable().optional(),
};

/**
 * Test and fix: the model is asked for code and tests, the tests are run on
 * the server, and a failure goes back to the model for a fix, up to
 * `rounds` fix rounds (each one a generation, counted by the limits).
 */
export const repairRequestSchema = z.strictObject({
  rounds: repairRoundsSchema.default(REPAIR_DEFAULT_ROUNDS),
});

/** POST /api/generate. Length is checked by the service (413), not here (400). */
export const generateBodySchema = z
  .strictObject({
    ...samplingFields,
    ...threadFields,
    ...runFields,
    prompt: z.string().trim().min(1, 'Describe the code you want.'),
    language: languageSchema.default('any'),
    stop: z.array(z.string().min(1).max(64)).max(8).optional(),
    /**
     * Runs sharing a groupId (one Compare) count as one against the running
     * limit per user; a group has at most MAX_GROUP_RUNS runs at once.
     */
    groupId: z.uuid().optional(),
    /**
     * With groupId: this run's column in the Compare (0 for the first), kept in
     * the turn's params so the Compare reopens with its columns in the user's
     * order rather than the order the runs were saved in.
     */
    column: z
      .number()
      .int('The column must be a whole number.')
      .min(0, 'The column must be 0 or more.')
      .max(MAX_GROUP_RUNS - 1, `The column must be below ${String(MAX_GROUP_RUNS)}.`)
      .optional(),
    /** Test and fix (only for a language the server can run: python, javascript, typescript). */
    repair: repairRequestSchema.optional(),
  })
  .superRefine((body, ctx) => {
    if (body.repair !== undefined && !repairLanguageSchema.safeParse(body.language).success) {
      ctx.addIssue({ code: 'custom', path: ['language'], message: MESSAGES.repairLanguage });
    }
  });

/** POST /api/explain. */
export const explainBodySchema = z.strictObject({
  ...samplingFields,
  ...threadFields,
  ...runFields,
  code: z.string().refine((c) => c.trim().length > 0, 'Paste some code to explain.'),
  language: languageSchema.default('any'),
  level: explainLevelSchema.default('intermediate'),
  format: explainFormatSchema.default('overview'),
  /** The generation whose code this explains. */
  generationId: z.uuid().optional(),
});

export const sectionSchema = z.object({
  startLine: z.number().int(),
  endLine: z.number().int(),
  explanation: z.string(),
});

/** The `done` event, and the whole answer of a non-streaming request. */
export const generationResultSchema = z.object({
  id: z.string(),
  /** The thread of this turn (a new thread's id is its first turn's id). */
  threadId: z.string(),
  /** The turn this one follows; null for the thread's first position. */
  parentId: z.string().nullable(),
  modelId: z.string(),
  output: z.string(),
  code: z.string().nullable(),
  language: z.string(),
  sections: z.array(sectionSchema).optional(),
  usage: z.object({ promptTokens: z.number().int(), completionTokens: z.number().int() }),
  timings: z.object({ firstTokenMs: z.number().nullable(), totalMs: z.number() }),
});

/** An `error` event: the run ended early (stopped, provider failure, prompt too long ...). */
export const generationErrorSchema = z.object({
  code: z.string(),
  message: z.string(),
  retryAfterSeconds: z.number().optional(),
});

/** A `round` event: a Test and fix round starts (0: the first answer); its tokens follow. */
export const repairRoundEventSchema = z.object({
  round: z.number().int().nonnegative(),
  /** The round's turn in the thread. */
  id: z.string(),
  parentId: z.string().nullable(),
});

/** A `run` event: how running round `round`'s code with its tests went (output cut to its end). */
export const repairRunEventSchema = repairRunResultSchema.extend({ round: z.number().int().nonnegative() });

/**
 * A `repaired` event: how the loop ended (see repairOutcomeSchema), or
 * `limited`: a generation limit refused the next round (`message` says which).
 */
export const repairedEventSchema = z.union([
  repairOutcomeSchema,
  z.object({ status: z.literal('limited'), fixes: z.number().int().nonnegative(), message: z.string() }),
]);

/** One server-sent event: its `event:` name and the JSON of its `data:` line. */
function eventSchema<N extends GenerationEventName, D extends z.ZodType>(event: N, data: D) {
  return z.object({ event: z.literal(event), data });
}

/** Server-sent events of a streamed generation, in order: start, token*, then done or error. */
export const generationEventSchema = z.discriminatedUnion('event', [
  eventSchema(
    'start',
    z.object({
      id: z.string(),
      modelId: z.string(),
      threadId: z.string(),
      parentId: z.string().nullable(),
      /**
       * Earlier turns of the thread left out of the model's context because
       * they did not fit (oldest first). Absent when a finished run is replayed.
       */
      omittedTurns: z.number().int().optional(),
    }),
  ),
  eventSchema('token', z.object({ text: z.string() })),
  eventSchema('done', generationResultSchema),
  eventSchema('error', generationErrorSchema),
  eventSchema('round', repairRoundEventSchema),
  eventSchema('run', repairRunEventSchema),
  eventSchema('repaired', repairedEventSchema),
]);

/**
 * GET /api/generations/:id/events: `Last-Event-ID` (the `id:` of the last
 * event the client has) continues after that event.
 */
export const runEventsHeadersSchema = z.object({
  'last-event-id': z
    .string()
    .regex(/^\d{1,9}$/, 'Last-Event-ID must be the number of an event.')
    .optional(),
});

/** POST /api/generations/:id/cancel. */
export const cancelParamsSchema = z.object({ id: z.uuid('Not a generation id.') });
export const cancelResponseSchema = z.object({ id: z.string(), status: z.literal('cancelling') });

/** What POST /api/generate takes, as a client sends it (defaults not yet applied). */
export type GenerateRequest = z.input<typeof generateBodySchema>;
/** What POST /api/explain takes, as a client sends it (defaults not yet applied). */
export type ExplainRequest = z.input<typeof explainBodySchema>;
export type GenerateBody = z.infer<typeof generateBodySchema>;
export type RepairRequest = z.infer<typeof repairRequestSchema>;
export type RepairedEvent = z.infer<typeof repairedEventSchema>;
export type ExplainBody = z.infer<typeof explainBodySchema>;
export type ExplainLevel = z.infer<typeof explainLevelSchema>;
export type ExplainFormat = z.infer<typeof explainFormatSchema>;
export type SamplingSettings = z.infer<typeof samplingSettingsSchema>;
export type GenerationResult = z.infer<typeof generationResultSchema>;
export type GenerationError = z.infer<typeof generationErrorSchema>;
export type Section = z.infer<typeof sectionSchema>;
export type GenerationEvent = z.infer<typeof generationEventSchema>;
