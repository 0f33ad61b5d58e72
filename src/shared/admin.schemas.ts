import { z } from 'zod';
import { pageLimitSchema } from './api.schemas.js';
import { userSchema, userRoleSchema, userStatusSchema } from './auth.schemas.js';

/**
 * Who may register: anyone (`open`), anyone but an admin approves the account
 * (`approval`), only with an invitation link (`invite`), nobody (`closed`).
 */
export const registrationModeSchema = z.enum(['open', 'approval', 'invite', 'closed']);

/** One email domain (`example.com`), lower-cased; a leading `@` is dropped. */
export const emailDomainSchema = z
  .string()
  .trim()
  .toLowerCase()
  .transform((domain) => domain.replace(/^@/, ''))
  .pipe(
    z
      .string()
      .max(253, 'An email domain is at most 253 characters.')
      .regex(
        /^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z0-9-]{2,63}$/,
        'Use email domains such as example.com.',
      ),
  );

/** The email domains registration accepts; empty: any. */
export const allowedEmailDomainsSchema = z
  .array(emailDomainSchema)
  .max(100, 'At most 100 email domains.')
  .transform((domains) => [...new Set(domains)]);

/** GET /api/admin/users: search (username, email, display name), status filter, cursor paging. */
export const adminUsersQuerySchema = z.strictObject({
  q: z.string().trim().max(200, 'Search text is at most 200 characters.').optional(),
  status: userStatusSchema.optional(),
  cursor: z.string().max(200).optional(),
  limit: pageLimitSchema,
});

/** /api/admin/users/:id. */
export const adminUserParamsSchema = z.strictObject({ id: z.string().min(1).max(64) });

/** One account as the Admin page lists it. */
export const adminUserSchema = userSchema.extend({
  /** Null when the account never signed in. */
  lastSignInAt: z.string().nullable(),
  /** Generations and explanations in the last 30 days. */
  generations30d: z.number().int(),
});

/** GET /api/admin/users: newest accounts first; `nextCursor` is null on the last page. */
export const adminUserPageSchema = z.object({
  items: z.array(adminUserSchema),
  nextCursor: z.string().nullable(),
});

/** The answer to approve, disable and enable: the account as it is now. */
export const adminUserEnvelopeSchema = z.object({ user: adminUserSchema });

/** The answer to POST /api/admin/users/:id/sign-out (and disable ends sessions too). */
export const adminSignOutSchema = z.object({ sessionsRevoked: z.number().int() });

/** A one-time link: an invitation or a password-reset link, and when it stops working. */
export const oneTimeLinkSchema = z.object({
  url: z.string(),
  expiresAt: z.string(),
});

/** POST /api/admin/invitations: an optional lifetime; default INVITATION_TTL_DAYS. No body at all is the default too. */
export const invitationBodySchema = z
  .strictObject({
    expiresInDays: z
      .number()
      .int()
      .min(1, 'An invitation lasts 1 to 90 days.')
      .max(90, 'An invitation lasts 1 to 90 days.')
      .optional(),
  })
  .nullish();

/** GET /api/admin/settings: the registration settings in force. */
export const adminSettingsSchema = z.object({
  registration: registrationModeSchema,
  /** Empty: any domain. */
  allowedEmailDomains: z.array(z.string()),
});

/** PATCH /api/admin/settings: change either or both. */
export const adminSettingsPatchSchema = z
  .strictObject({
    registration: registrationModeSchema.optional(),
    allowedEmailDomains: allowedEmailDomainsSchema.optional(),
  })
  .refine((b) => b.registration !== undefined || b.allowedEmailDomains !== undefined, {
    message: 'Change the registration mode or the allowed email domains.',
  });

/** GET /api/auth/registration (public): what the Register page needs to know; no secrets. */
export const registrationInfoSchema = z.object({
  mode: registrationModeSchema,
  /** True in `invite` mode: registering needs an invitation link. */
  invitationRequired: z.boolean(),
  /** True in `approval` mode: a new account waits for an admin. */
  approvalRequired: z.boolean(),
  /** Empty: any domain. */
  allowedEmailDomains: z.array(z.string()),
  /**
   * True while no account exists: the first account registers whatever the
   * mode (no invitation needed) and becomes an active admin.
   */
  setup: z.boolean(),
});

export type UserRole = z.infer<typeof userRoleSchema>;
export type UserStatus = z.infer<typeof userStatusSchema>;
export type RegistrationMode = z.infer<typeof registrationModeSchema>;
export type AdminUsersQuery = z.infer<typeof adminUsersQuerySchema>;
export type AdminUser = z.infer<typeof adminUserSchema>;
export type AdminUserPage = z.infer<typeof adminUserPageSchema>;
export type AdminUserEnvelope = z.infer<typeof adminUserEnvelopeSchema>;
export type AdminSignOut = z.infer<typeof adminSignOutSchema>;
export type OneTimeLink = z.infer<typeof oneTimeLinkSchema>;
export type AdminSettings = z.infer<typeof adminSettingsSchema>;
/** What a client sends to change the settings. */
export type AdminSettingsPatch = z.input<typeof adminSettingsPatchSchema>;
export type RegistrationInfo = z.infer<typeof registrationInfoSchema>;
