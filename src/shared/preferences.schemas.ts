import { z } from 'zod';
import { REPAIR_DEFAULT_ROUNDS } from './repair/repair-loop.js';
import { repairRoundsSchema as roundsSchema } from './repair/repair.schemas.js';

/*
 * A user's remembered choices of the web app, kept on the server so they
 * follow the user to another browser: GET and PATCH /api/profile/preferences.
 */

/** Generate's "Test and fix": on or off (off until the user turns it on), and the fix rounds (1 to 5, default 2). */
export const repairPreferenceSchema = z.object({ enabled: z.boolean(), rounds: roundsSchema });

/** GET /api/profile/preferences (and the answer to PATCH). */
export const preferencesSchema = z.object({ repair: repairPreferenceSchema });

/** PATCH /api/profile/preferences: only what changes. */
export const preferencesUpdateSchema = z.strictObject({
  repair: z.strictObject({ enabled: z.boolean().optional(), rounds: roundsSchema.optional() }).optional(),
});

/** What a user who never chose has. */
export const DEFAULT_PREFERENCES: Preferences = {
  repair: { enabled: false, rounds: REPAIR_DEFAULT_ROUNDS },
};

export type RepairPreference = z.infer<typeof repairPreferenceSchema>;
export type Preferences = z.infer<typeof preferencesSchema>;
export type PreferencesUpdate = z.infer<typeof preferencesUpdateSchema>;
