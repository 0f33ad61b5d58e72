import { z } from 'zod';

/**
 * Where a local GGUF model comes from: a file path, an https:// URL, or
 * hf:OWNER/REPO/FILE.gguf (a file of a Hugging Face model repository).
 */
export const localSourceSchema = z
  .string()
  .min(1)
  .refine(
    (s) =>
      /^hf:[\w.-]+\/[\w.-]+\/.+\.gguf$/.test(s) ||
      /^https:\/\/\S+$/.test(s) ||
      /^http:\/\/(127\.0\.0\.1|localhost)(:\d+)?\/\S+$/.test(s) ||
      (!s.includes('://') && !s.startsWith('hf:')),
    'must be a file path, an https:// URL or hf:OWNER/REPO/FILE.gguf',
  );

/** Catalogue fields of a model run in-process by llama.cpp. */
export const localModelFields = {
  provider: z.literal('local'),
  source: localSourceSchema,
  /** Hex SHA-256 of the file; verified after download when given. */
  sha256: z
    .string()
    .regex(/^[a-f0-9]{64}$/i, 'must be 64 hex characters')
    .optional(),
  /** Approximate download size in bytes, shown before the model is downloaded. */
  downloadSize: z.number().int().positive().optional(),
};
