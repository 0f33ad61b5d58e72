import { z } from 'zod';
import { displayNameSchema, emailSchema, passwordSchema } from './auth.schemas.js';
import { sectionSchema } from './generation.schemas.js';

const isoDate = z.iso
  .datetime({ offset: true, error: 'Use a date such as 2026-05-01 or 2026-05-01T12:00:00Z.' })
  .or(z.iso.date({ error: 'Use a date such as 2026-05-01 or 2026-05-01T12:00:00Z.' }));

export const historyQuerySchema = z.strictObject({
  limit: z.coerce
    .number()
    .int()
    .min(1, 'Limit must be 1 to 100.')
    .max(100, 'Limit must be 1 to 100.')
    .default(20),
  cursor: z.string().max(200).optional(),
  q: z
    .string()
    .trim()
    .max(200, 'Search text is at most 200 characters.')
    // SQLite's full-text query parser stops at a NUL; no stored text holds one.
    .refine((q) => !q.includes('\u0000'), 'Search text cannot contain a NUL character.')
    .optional(),
  modelId: z.string().max(64).optional(),
  kind: z.enum(['generate', 'explain']).optional(),
  language: z.string().max(32).optional(),
  status: z.enum(['running', 'completed', 'cancelled', 'failed']).optional(),
  from: isoDate.optional(),
  to: isoDate.optional(),
});

/** One line of the history list. */
export const historyItemSchema = z.object({
  id: z.string(),
  kind: z.enum(['generate', 'explain']),
  modelId: z.string(),
  language: z.string(),
  status: z.enum(['running', 'completed', 'cancelled', 'failed']),
  /** The first line of the prompt (or code), at most 200 characters. */
  title: z.string(),
  createdAt: z.string(),
  finishedAt: z.string().nullable(),
  totalMs: z.number().nullable(),
  completionTokens: z.number().nullable(),
  tokensPerSecond: z.number().nullable(),
});

/** A whole record. */
export const historyRecordSchema = historyItemSchema.extend({
  input: z.string(),
  output: z.string(),
  code: z.string().nullable(),
  sections: z.array(sectionSchema).nullable(),
  params: z.record(z.string(), z.unknown()),
  error: z.object({ code: z.string(), message: z.string() }).nullable(),
  promptTokens: z.number().nullable(),
  firstTokenMs: z.number().nullable(),
  generationId: z.string().nullable(),
});

export const historyPageSchema = z.object({
  items: z.array(historyItemSchema),
  nextCursor: z.string().nullable(),
});

export const profileUpdateSchema = z
  .strictObject({
    displayName: displayNameSchema.nullable().optional(),
    email: emailSchema.optional(),
    currentPassword: z.string().min(1).max(1024).optional(),
  })
  .refine((b) => b.email === undefined || b.currentPassword !== undefined, {
    message: 'Enter your current password to change your email.',
    path: ['currentPassword'],
  });

export const passwordChangeSchema = z.strictObject({
  currentPassword: z.string().min(1, 'Enter your current password.').max(1024),
  newPassword: passwordSchema,
});

export const deleteAccountSchema = z.strictObject({
  password: z.string().min(1, 'Enter your password.').max(1024),
});

export type HistoryQuery = z.infer<typeof historyQuerySchema>;
export type HistoryItem = z.infer<typeof historyItemSchema>;
export type HistoryRecord = z.infer<typeof historyRecordSchema>;
export type HistoryPage = z.infer<typeof historyPageSchema>;
export type ProfileUpdate = z.infer<typeof profileUpdateSchema>;
