import { z } from 'zod';
import { modelListingSchema } from './models.schemas.js';
import { dayCountSchema } from './profile.schemas.js';

/**
 * The Admin page's models and usage (issue 14): what administrators see of
 * each model (with the hosts and URLs users never see), catalogue reloads,
 * the events of a model pull, and usage across every user.
 */

/** A failure with its technical detail (URL, HTTP status, system error), for administrators. */
export const adminModelErrorSchema = z.object({
  message: z.string(),
  /** When it happened (ISO 8601). */
  at: z.string(),
});

/** One catalogue entry as GET /api/admin/models lists it: the user's listing plus where it runs. */
export const adminModelSchema = modelListingSchema.extend({
  /**
   * The server (remote models) or download source (local models), without a
   * user name or password; null for a local file named by path.
   */
  url: z.string().nullable(),
  /** The host of `url` (`127.0.0.1:8000`), or null. */
  host: z.string().nullable(),
  /** The local file (local models); null for remote ones. */
  file: z.string().nullable(),
  /** The last failure of a status check, a download, a load or a generation; null when none. */
  lastError: adminModelErrorSchema.nullable(),
});

/** GET /api/admin/models. */
export const adminModelListSchema = z.object({
  /** The catalogue file in use (MODELS_FILE or the shipped one). */
  catalogueFile: z.string(),
  /** When it was loaded: at start-up, or by the last reload (ISO 8601). */
  loadedAt: z.string(),
  models: z.array(adminModelSchema),
});

/** POST /api/admin/models/reload: what changed; the catalogue is the new one from now on. */
export const catalogueReloadSchema = z.object({
  catalogueFile: z.string(),
  loadedAt: z.string(),
  added: z.array(z.string()),
  removed: z.array(z.string()),
  changed: z.array(z.string()),
  /** Every model id, in catalogue order. */
  models: z.array(z.string()),
});

/** /api/admin/models/:id/pull. */
export const adminModelParamsSchema = z.strictObject({ id: z.string().min(1).max(64) });

/** `event: progress` of a pull: bytes received so far; `totalBytes` is null while unknown. */
export const pullProgressSchema = z.object({
  phase: z.enum(['downloading', 'verifying']),
  receivedBytes: z.number(),
  totalBytes: z.number().nullable(),
});

/** `event: done` of a pull: the verified file is in place (`alreadyPresent` when nothing was downloaded). */
export const pullDoneSchema = z.object({
  modelId: z.string(),
  file: z.string(),
  alreadyPresent: z.boolean(),
});

/** `event: error` of a pull: why it failed, with the technical detail (admins only). */
export const pullErrorSchema = z.object({ code: z.string(), message: z.string() });

/** GET /api/admin/usage: runs of every user over the last 30 days (UTC). */
export const adminUsageSchema = z.object({
  /** Runs (generations and explanations) in the 30 days. */
  total: z.number(),
  generations: z.number(),
  explanations: z.number(),
  /** 30 entries, oldest first, today last. */
  last30Days: z.array(dayCountSchema),
  /** Runs per model in the 30 days, most used first. */
  byModel: z.array(z.object({ modelId: z.string(), count: z.number() })),
  /** The users with the most runs in the 30 days (at most 10), most first. */
  topUsers: z.array(z.object({ userId: z.string(), username: z.string(), count: z.number() })),
});

export type AdminModel = z.infer<typeof adminModelSchema>;
export type AdminModelList = z.infer<typeof adminModelListSchema>;
export type CatalogueReload = z.infer<typeof catalogueReloadSchema>;
export type PullProgress = z.infer<typeof pullProgressSchema>;
export type PullDone = z.infer<typeof pullDoneSchema>;
export type PullError = z.infer<typeof pullErrorSchema>;
export type AdminUsage = z.infer<typeof adminUsageSchema>;
