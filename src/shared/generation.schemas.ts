import { z } from 'zod';
import { LANGUAGES } from './languages.js';

export { MAX_GROUP_RUNS, MAX_INPUT_CHARS } from './limits.js';

export const languageSchema = z.enum(LANGUAGES);

const samplingFields = {
  modelId: z.string().min(1).max(64).optional(),
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
};

/** Length is checked by the service (413), not here (400). */
export const generateBodySchema = z.strictObject({
  ...samplingFields,
  prompt: z.string().trim().min(1, 'Describe the code you want.'),
  language: languageSchema.default('any'),
  stop: z.array(z.string().min(1).max(64)).max(8).optional(),
  /**
   * Runs sharing a groupId (one Compare) count as one against the running
   * limit per user; a group has at most MAX_GROUP_RUNS runs at once.
   */
  groupId: z.uuid().optional(),
});

export const explainBodySchema = z.strictObject({
  ...samplingFields,
  code: z.string().refine((c) => c.trim().length > 0, 'Paste some code to explain.'),
  language: languageSchema.default('any'),
  level: z.enum(['beginner', 'intermediate', 'expert']).default('intermediate'),
  format: z.enum(['overview', 'line-by-line']).default('overview'),
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
  modelId: z.string(),
  output: z.string(),
  code: z.string().nullable(),
  language: z.string(),
  sections: z.array(sectionSchema).optional(),
  usage: z.object({ promptTokens: z.number().int(), completionTokens: z.number().int() }),
  timings: z.object({ firstTokenMs: z.number().nullable(), totalMs: z.number() }),
});

export type GenerateBody = z.infer<typeof generateBodySchema>;
export type ExplainBody = z.infer<typeof explainBodySchema>;
export type GenerationResult = z.infer<typeof generationResultSchema>;
export type Section = z.infer<typeof sectionSchema>;

/** Server-sent events of a streamed generation, in order: start, token*, then done or error. */
export type GenerationEvent =
  | { event: 'start'; data: { id: string; modelId: string } }
  | { event: 'token'; data: { text: string } }
  | { event: 'done'; data: GenerationResult }
  | { event: 'error'; data: { code: string; message: string; retryAfterSeconds?: number } };
