import { z } from 'zod';
import { controlCharsMessage } from './messages.js';

/** Usernames: 3–32 characters of a-z 0-9 _ . - (compared case-insensitively). */
export const USERNAME_PATTERN = /^[A-Za-z0-9_.-]{3,32}$/;
/** NIST SP 800-63B: at least 8 characters, at most 128, no composition rules. */
export const PASSWORD_MIN_LENGTH = 8;
export const PASSWORD_MAX_LENGTH = 128;

/** Counts Unicode code points, so an emoji is one character as people count it. */
function codePointLength(value: string): number {
  return Array.from(value).length;
}

/**
 * Characters no name may hold, checked before trimming (a trailing CR/LF is
 * refused, not trimmed away): C0 and C1 controls and DEL (NUL, ESC, CR/LF
 * split log lines and mail headers), the line and paragraph separators, and
 * the bidirectional controls (U+202E turns "txt.exe" into "exe.txt" on screen:
 * ALM, LRM/RLM, the embeddings and overrides, and the isolates).
 */
const UNSAFE_NAME_CHARS =
  // eslint-disable-next-line no-control-regex -- matching control characters is the point
  /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/u;

/** One rule for usernames and display names: no control or bidi characters. */
function withoutControlChars(message: string) {
  return z.string().refine((value) => !UNSAFE_NAME_CHARS.test(value), { message });
}

export const usernameSchema = withoutControlChars(controlCharsMessage('Username'))
  .trim()
  .regex(USERNAME_PATTERN, 'Username must be 3–32 characters: letters, digits, _ . or -.');

/** No control characters: CR/LF in an address is a header-injection attempt. */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const NO_CONTROL_CHARS = /^[^\u0000-\u001f\u007f]*$/;

export const emailSchema = z
  .string()
  .regex(NO_CONTROL_CHARS, 'Enter a valid email address.')
  .trim()
  .max(254, 'Email is too long.')
  .pipe(z.email('Enter a valid email address.'))
  .transform((email) => email.toLowerCase());

export const passwordSchema = z
  .string()
  .refine((p) => codePointLength(p) >= PASSWORD_MIN_LENGTH, {
    message: `Password must be at least ${PASSWORD_MIN_LENGTH} characters.`,
  })
  .refine((p) => codePointLength(p) <= PASSWORD_MAX_LENGTH, {
    message: `Password must be at most ${PASSWORD_MAX_LENGTH} characters.`,
  });

export const displayNameSchema = withoutControlChars(controlCharsMessage('Display name'))
  .trim()
  .min(1, 'Display name cannot be empty.')
  .max(64, 'Display name must be at most 64 characters.');

export const registerBodySchema = z.strictObject({
  username: usernameSchema,
  email: emailSchema,
  password: passwordSchema,
  displayName: displayNameSchema.optional(),
  /** The token of an invitation link; needed when registration is by invitation. */
  invitation: z
    .string()
    .trim()
    .min(1, 'The invitation link is not valid.')
    .max(256, 'The invitation link is not valid.')
    .optional(),
});

/** `username` also accepts an email address; `{email, password}` is accepted too. */
export const loginBodySchema = z
  .strictObject({
    username: z.string().trim().min(1, 'Enter your username or email.').max(254).optional(),
    email: z.string().trim().min(1, 'Enter your email.').max(254).optional(),
    // Not the password policy: an over-long value is simply a wrong password.
    password: z.string().min(1, 'Enter your password.').max(1024),
  })
  .refine((b) => b.username !== undefined || b.email !== undefined, {
    message: 'Enter your username or email.',
    path: ['username'],
  });

/** What an account may do: `admin` also reaches /api/admin/* and the Admin page. */
export const userRoleSchema = z.enum(['admin', 'user']);

/**
 * Where an account stands: `pending` waits for an admin's approval (registration mode
 * `approval`), `disabled` was switched off by an admin; neither can sign in.
 */
export const userStatusSchema = z.enum(['active', 'pending', 'disabled']);

export const userSchema = z.object({
  id: z.string(),
  username: z.string(),
  email: z.string(),
  displayName: z.string().nullable(),
  /** `admin` reaches the Admin page and /api/admin/*. */
  role: userRoleSchema,
  /** `pending` right after registering while registration needs approval; otherwise `active`. */
  status: userStatusSchema,
  createdAt: z.string(),
});

/** Answers that carry the user: register, me, profile update. */
export const userEnvelopeSchema = z.object({ user: userSchema });

export const loginResponseSchema = z.object({
  accessToken: z.string(),
  tokenType: z.literal('Bearer'),
  expiresIn: z.number().int(),
  user: userSchema,
});

export const forgotPasswordBodySchema = z.strictObject({ email: emailSchema });

/** Reset tokens are 32 random bytes, base64url: 43 characters. */
export const resetTokenSchema = z
  .string()
  .min(1, 'The reset link is missing its token.')
  .max(256, 'The reset link is not valid.');

export const resetPasswordBodySchema = z.strictObject({
  token: resetTokenSchema,
  newPassword: passwordSchema,
});

/** GET /api/auth/reset-password/verify. */
export const resetTokenQuerySchema = z.strictObject({ token: resetTokenSchema });
export const resetTokenValidSchema = z.object({ valid: z.literal(true) });

export const messageResponseSchema = z.object({ message: z.string() });

export type RegisterBody = z.infer<typeof registerBodySchema>;
export type LoginBody = z.infer<typeof loginBodySchema>;
/** A user as the API shows it: never the password hash. */
export type User = z.infer<typeof userSchema>;
export type LoginResponse = z.infer<typeof loginResponseSchema>;
export type UserEnvelope = z.infer<typeof userEnvelopeSchema>;
export type MessageResponse = z.infer<typeof messageResponseSchema>;
export type ResetTokenValid = z.infer<typeof resetTokenValidSchema>;
/** What a client sends to register (before trimming and lower-casing). */
export type RegisterRequest = z.input<typeof registerBodySchema>;
/** What a client sends to sign in. */
export type LoginRequest = z.input<typeof loginBodySchema>;
/** What a client sends to set a new password with a reset token. */
export type ResetPasswordRequest = z.input<typeof resetPasswordBodySchema>;
