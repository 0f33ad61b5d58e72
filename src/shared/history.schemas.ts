import { z } from 'zod';
import { pageLimitSchema } from './api.schemas.js';
import { sectionSchema } from './generation.schemas.js';

const isoDate = z.iso
  .datetime({ offset: true, error: 'Use a date such as 2026-05-01 or 2026-05-01T12:00:00Z.' })
  .or(z.iso.date({ error: 'Use a date such as 2026-05-01 or 2026-05-01T12:00:00Z.' }));

/** What a record was: code written from a prompt, or code explained. */
export const historyKindSchema = z.enum(['generate', 'explain']);

/** Where a record stands; `cancelled` is a run the user stopped. */
export const historyStatusSchema = z.enum(['running', 'completed', 'cancelled', 'failed']);

/** GET /api/history: search, filters and cursor paging. */
export const historyQuerySchema = z.strictObject({
  limit: pageLimitSchema,
  cursor: z.string().max(200).optional(),
  /** Searches the prompt, the code and the answer. */
  q: z
    .string()
    .trim()
    .max(200, 'Search text is at most 200 characters.')
    // SQLite's full-text query parser stops at a NUL; no stored text holds one.
    .refine((q) => !q.includes('\u0000'), 'Search text cannot contain a NUL character.')
    .optional(),
  modelId: z.string().max(64).optional(),
  kind: historyKindSchema.optional(),
  language: z.string().max(32).optional(),
  status: historyStatusSchema.optional(),
  /** An ISO date (`2026-05-01`): records from the start of that day; or an exact time. */
  from: isoDate.optional(),
  /** An ISO date: records up to the end of that day; or an exact time. */
  to: isoDate.optional(),
});

/** One line of the history list. */
export const historyItemSchema = z.object({
  id: z.string(),
  /** The thread this record is a turn of (GET /api/threads/:id). */
  threadId: z.string(),
  kind: historyKindSchema,
  modelId: z.string(),
  language: z.string(),
  status: historyStatusSchema,
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
  /** The turn of its thread this one follows; null for the thread's first position. */
  parentId: z.string().nullable(),
});

export const historyPageSchema = z.object({
  items: z.array(historyItemSchema),
  nextCursor: z.string().nullable(),
  /**
   * Present (true) when a search stopped before the page was full: on
   * MongoDB without Atlas Search, a search that ran out of time answers from
   * the newest records only, and `nextCursor` continues below them. Never
   * on SQLite or Atlas Search.
   */
  searchLimited: z.literal(true).optional(),
});

/** GET /api/history/:id and DELETE /api/history/:id. */
export const historyIdParamsSchema = z.object({ id: z.uuid('Not a valid id.') });

/** DELETE /api/history: all of it, only when confirmed. */
export const deleteAllHistoryBodySchema = z.strictObject({
  confirm: z.literal(true, { error: 'Send {"confirm": true} to delete all of your history.' }),
});
export const deleteAllHistoryResponseSchema = z.object({ deleted: z.number() });

/** GET /api/history/export. */
export const historyExportQuerySchema = z.strictObject({
  format: z.enum(['json', 'markdown']).default('json'),
});

export type HistoryQuery = z.infer<typeof historyQuerySchema>;
/** The list's search and filters, as a client sends them; empty ones are left out. */
export type HistoryFilters = Omit<z.input<typeof historyQuerySchema>, 'limit' | 'cursor'>;
export type HistoryKind = z.infer<typeof historyKindSchema>;
export type HistoryStatus = z.infer<typeof historyStatusSchema>;
export type HistoryItem = z.infer<typeof historyItemSchema>;
export type HistoryRecord = z.infer<typeof historyRecordSchema>;
export type HistoryPage = z.infer<typeof historyPageSchema>;
export type DeleteAllHistoryResponse = z.infer<typeof deleteAllHistoryResponseSchema>;
export type ExportFormat = z.infer<typeof historyExportQuerySchema>['format'];
