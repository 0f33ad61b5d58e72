import { z } from 'zod';
import { sectionSchema } from './generation.schemas.js';
import { historyQuerySchema, historyStatusSchema } from './history.schemas.js';
import { repairRunResultSchema } from './repair/repair.schemas.js';

/**
 * Threads: a generation or explanation and its follow-ups and regenerations.
 * Each turn names the turn it follows (`parentId`, null for the first
 * position); turns with the same parent are versions of one position. The
 * client builds the tree from the flat list.
 */

/**
 * A thread's kind: its first turn's, or 'compare' for the runs of one Compare
 * (generate requests sharing a groupId): one version of the first position a model.
 */
export const threadKindSchema = z.enum(['generate', 'explain', 'compare']);

/** GET and DELETE /api/threads/:id. */
export const threadIdParamsSchema = z.object({ id: z.uuid('Not a thread id.') });

const turnBase = {
  id: z.string(),
  /** The turn this one follows; null for the thread's first position. */
  parentId: z.string().nullable(),
  modelId: z.string(),
  output: z.string(),
  language: z.string(),
  status: historyStatusSchema,
  /** Sampling settings and, for Explain, level and format: what a Regenerate sends again. */
  params: z.record(z.string(), z.unknown()),
  sections: z.array(sectionSchema).nullable(),
  error: z.object({ code: z.string(), message: z.string() }).nullable(),
  usage: z.object({ promptTokens: z.number().nullable(), completionTokens: z.number().nullable() }),
  timings: z.object({
    firstTokenMs: z.number().nullable(),
    totalMs: z.number().nullable(),
    tokensPerSecond: z.number().nullable(),
  }),
  createdAt: z.string(),
  finishedAt: z.string().nullable(),
  /** Test and fix: the run of this answer's code with its tests (absent when none ran). */
  testRun: repairRunResultSchema.optional(),
};

/** One turn (one version of one position) of a thread. */
export const threadTurnSchema = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('generate'),
    ...turnBase,
    prompt: z.string(),
    /** The code extracted from the answer, or null. */
    code: z.string().nullable(),
  }),
  z.object({
    kind: z.literal('explain'),
    ...turnBase,
    /** The code explained. */
    code: z.string(),
  }),
]);

/** GET /api/threads/:id: the thread and every turn, every version, oldest first. */
export const threadSchema = z.object({
  id: z.string(),
  title: z.string(),
  kind: threadKindSchema,
  createdAt: z.string(),
  updatedAt: z.string(),
  turns: z.array(threadTurnSchema),
});

/**
 * GET /api/threads: the History page's list of threads, with the history's
 * search and filters (a thread matches when one of its turns meets them all;
 * `q` searches every turn) and cursor paging, most recently updated first.
 */
export const threadsQuerySchema = historyQuerySchema;

/** One line of the threads list. */
export const threadListItemSchema = z.object({
  id: z.string(),
  title: z.string(),
  kind: threadKindSchema,
  createdAt: z.string(),
  updatedAt: z.string(),
  /** Every turn, every version. */
  turnCount: z.number().int(),
  /** The most recent turn: its status is the thread's latest status. */
  latest: z.object({
    id: z.string(),
    status: historyStatusSchema,
    modelId: z.string(),
    language: z.string(),
  }),
});

export const threadPageSchema = z.object({
  items: z.array(threadListItemSchema),
  nextCursor: z.string().nullable(),
  /** As the history page's: present (true) when a search stopped before the page was full. */
  searchLimited: z.literal(true).optional(),
});

export type ThreadKind = z.infer<typeof threadKindSchema>;
export type ThreadListItem = z.infer<typeof threadListItemSchema>;
export type ThreadPage = z.infer<typeof threadPageSchema>;
export type ThreadTurn = z.infer<typeof threadTurnSchema>;
export type Thread = z.infer<typeof threadSchema>;
