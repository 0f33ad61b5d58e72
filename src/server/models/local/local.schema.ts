import { z } from 'zod';
import { TEXT_FORMATS } from '../prompt-formats.js';
import { parseHfSource } from './model-source.js';

/**
 * Where a local GGUF model comes from: a file path, an https:// URL, or
 * hf:OWNER/REPO/FILE.gguf@REVISION (a file of a Hugging Face model
 * repository at a commit; without @REVISION the branch main, which changes
 * when the owner uploads again).
 */
export const localSourceSchema = z
  .string()
  .min(1)
  .refine(
    (s) =>
      parseHfSource(s) !== null ||
      /^https:\/\/\S+$/.test(s) ||
      /^http:\/\/(127\.0\.0\.1|localhost)(:\d+)?\/\S+$/.test(s) ||
      (!s.includes('://') && !s.startsWith('hf:')),
    'must be a file path, an https:// URL or hf:OWNER/REPO/FILE.gguf@REVISION',
  );

/** Whether a source is downloaded (and so must be pinned by size and sha256). */
export function isDownloadSource(source: string): boolean {
  return source.startsWith('hf:') || /^https?:\/\//.test(source);
}

/** Catalogue fields of a model run in-process by llama.cpp. */
export const localModelFields = {
  provider: z.literal('local'),
  /** How prompts are written for this model (prompt-formats.ts); CodeGenie renders them itself. */
  format: z.enum(TEXT_FORMATS, {
    error: `must be one of ${TEXT_FORMATS.join(', ')} (a local model needs a format CodeGenie can render)`,
  }),
  /**
   * llama.cpp's pre-tokenizer type (GGUF key tokenizer.ggml.pre), for files
   * converted before llama.cpp recorded it; without it llama.cpp splits
   * text with a default rule and warns that quality is degraded.
   */
  preTokenizer: z
    .string()
    .regex(/^[a-z0-9][a-z0-9._-]{0,63}$/, 'must be a llama.cpp pre-tokenizer name such as deepseek-coder')
    .optional(),
  source: localSourceSchema,
  /**
   * Hex SHA-256 of the file. Required for downloaded files: a download, or
   * a file found in MODELS_DIR, is used only when it matches.
   */
  sha256: z
    .string()
    .regex(/^[a-f0-9]{64}$/i, 'must be 64 hex characters')
    .transform((s) => s.toLowerCase())
    .optional(),
  /** Exact size of the file in bytes. Required for downloaded files. */
  size: z.number().int().positive().optional(),
};

/** Downloaded files must be pinned: a re-upload or a wrong file never runs. */
export function checkLocalPins(
  entry: { source: string; sha256?: string | undefined; size?: number | undefined },
  addIssue: (field: 'sha256' | 'size', message: string) => void,
): void {
  if (!isDownloadSource(entry.source)) {
    return;
  }
  if (entry.sha256 === undefined) {
    addIssue('sha256', "is required for a downloaded file (the SHA-256 shown on the file's page)");
  }
  if (entry.size === undefined) {
    addIssue('size', 'is required for a downloaded file (its exact size in bytes)');
  }
}
