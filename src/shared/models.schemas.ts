import { z } from 'zod';

/**
 * GET /api/models: the catalogue with each model's live status. The server
 * validates its answer with this schema; the web app uses the inferred type.
 */

/** Prompt formats CodeGenie renders itself, one per model family (server/models/prompt-formats.ts). */
export const TEXT_FORMATS = ['chatml', 'deepseek-coder', 'gemma', 'phi-2', 'completion'] as const;

/**
 * A catalogue entry's format: a text format, or `chat` for a remote server
 * that applies the model's own chat template to messages.
 */
export const PROMPT_FORMATS = [...TEXT_FORMATS, 'chat'] as const;

/** What a model can be asked to do. */
export const MODEL_TASKS = ['generate', 'explain'] as const;

/** Where a model stands: usable now, needs a download first, being downloaded or checked, or not usable. */
export const modelStatusSchema = z.enum([
  'ready',
  'not-downloaded',
  'downloading',
  'verifying',
  'unavailable',
]);

export const modelTaskSchema = z.enum(MODEL_TASKS);

export const modelListingSchema = z.object({
  id: z.string(),
  name: z.string(),
  description: z.string(),
  provider: z.enum(['local', 'openai-compatible']),
  /**
   * The prompt format (the README's Models section). `completion` models
   * continue code: they answer with bare code, not Markdown.
   */
  format: z.enum(PROMPT_FORMATS),
  /** What the model may be asked to do; base models only generate. */
  tasks: z.array(modelTaskSchema),
  /**
   * Whether the model takes a turn after earlier ones in a thread (a
   * follow-up, or another version of a later turn); base (completion) models
   * do not, and such a request is refused with 400 `model_cannot_follow_up`.
   */
  followUps: z.boolean(),
  status: modelStatusSchema,
  /** While downloading or verifying; `totalBytes` is null while the size is unknown. */
  progress: z.object({ receivedBytes: z.number(), totalBytes: z.number().nullable() }).optional(),
  /** Why the model is unavailable, or why its download failed, in plain words. */
  reason: z.string().optional(),
  contextLength: z.number().nullable(),
  defaults: z.object({ temperature: z.number(), maxTokens: z.number(), topP: z.number() }),
  isDefault: z.boolean(),
  /** Size in bytes of the model file to download (local models), when known. */
  downloadSize: z.number().nullable(),
});

/** GET /api/models: every catalogue entry, in catalogue order. */
export const modelListSchema = z.array(modelListingSchema);

export type ModelStatusName = z.infer<typeof modelStatusSchema>;
export type ModelTaskName = z.infer<typeof modelTaskSchema>;
export type ModelListing = z.infer<typeof modelListingSchema>;
