import { z } from 'zod';
import { displayNameSchema, emailSchema, passwordSchema, userSchema } from './auth.schemas.js';

/** Kinds of entries in a user's activity log. */
export type ActivityKind =
  | 'sign_in'
  | 'sign_out'
  | 'password_reset_link_issued'
  | 'password_reset'
  | 'password_changed'
  | 'email_changed'
  // Done by an administrator (details.adminId): issue 14 section 1.
  | 'account_approved'
  | 'account_disabled'
  | 'account_enabled'
  | 'role_changed'
  | 'signed_out_by_admin'
  // In the admin's own log: details.action names what they did, details.targetId to whom.
  | 'admin_action'
  | 'generation';

/** PATCH /api/profile. */
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

/** POST /api/profile/password. */
export const passwordChangeSchema = z.strictObject({
  currentPassword: z.string().min(1, 'Enter your current password.').max(1024),
  newPassword: passwordSchema,
});

/** The answer to a password change: how many other sessions were signed out. */
export const passwordChangedSchema = z.object({ sessionsRevoked: z.number() });

/** DELETE /api/profile. */
export const deleteAccountSchema = z.strictObject({
  password: z.string().min(1, 'Enter your password.').max(1024),
});

/** Requests on one day (UTC date `2026-05-01`). */
export const dayCountSchema = z.object({ date: z.string(), count: z.number() });

/** Usage of one model. */
export const modelUsageSchema = z.object({
  modelId: z.string(),
  count: z.number(),
  completionTokens: z.number(),
});

/** What the user did with CodeGenie, all time and over the last 30 days. */
export const profileStatsSchema = z.object({
  generations: z.number(),
  explanations: z.number(),
  byModel: z.array(modelUsageSchema),
  /** 30 entries, oldest first, today last. */
  last30Days: z.array(dayCountSchema),
});

/** One account event: sign-in, password or email change ... */
export const activityEntrySchema = z.object({
  id: z.string(),
  /** An `ActivityKind`; a kind the web app does not know yet is shown in general words. */
  kind: z.string(),
  createdAt: z.string(),
  ip: z.string().nullable(),
  /** "Chrome 126 on Linux"; null when the event had no browser (an admin command). */
  browser: z.string().nullable(),
  /** Small facts of the event, e.g. `{sessionsRevoked: 2}` or `{remote: true}`. */
  details: z.record(z.string(), z.unknown()),
});

/** GET /api/profile: the account, usage figures and recent activity. */
export const profileSchema = z.object({
  user: userSchema,
  stats: profileStatsSchema,
  recentActivity: z.array(activityEntrySchema),
});

/** One signed-in session of the user. */
export const sessionInfoSchema = z.object({
  id: z.string(),
  createdAt: z.string(),
  lastUsedAt: z.string(),
  expiresAt: z.string(),
  ip: z.string().nullable(),
  browser: z.string(),
  /** The session of the browser that asks. */
  current: z.boolean(),
});

/** GET /api/profile/sessions: this one marked `current`. */
export const sessionListSchema = z.array(sessionInfoSchema);

/** DELETE /api/profile/sessions/:id. */
export const sessionParamsSchema = z.object({ id: z.uuid('Not a valid id.') });

export type ProfileUpdate = z.infer<typeof profileUpdateSchema>;
export type PasswordChange = z.infer<typeof passwordChangeSchema>;
export type PasswordChanged = z.infer<typeof passwordChangedSchema>;
export type DayCount = z.infer<typeof dayCountSchema>;
export type ModelUsage = z.infer<typeof modelUsageSchema>;
export type ProfileStats = z.infer<typeof profileStatsSchema>;
export type ActivityEntry = z.infer<typeof activityEntrySchema>;
export type Profile = z.infer<typeof profileSchema>;
export type SessionInfo = z.infer<typeof sessionInfoSchema>;
