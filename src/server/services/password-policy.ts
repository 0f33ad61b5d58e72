import { dictionary } from '@zxcvbn-ts/language-common';

/**
 * NIST SP 800-63B password rules beyond length (which the request schema
 * checks): refuse the most common passwords and ones equal to the account's
 * own identifiers. No composition rules.
 */

/** How many of the most common passwords are refused. */
export const COMMON_PASSWORD_COUNT = 10_000;

let common: Set<string> | undefined;

/** The bundled list, ranked by frequency in real breaches (from zxcvbn-ts). */
function commonPasswords(): Set<string> {
  common ??= new Set(dictionary['passwords-common'].slice(0, COMMON_PASSWORD_COUNT));
  return common;
}

export const PASSWORD_POLICY_MESSAGES = {
  common: 'This password is too common. Choose a less common one.',
  sameAsUsername: 'Your password must not be your username.',
  sameAsEmail: 'Your password must not be your email address.',
} as const;

/**
 * Returns why `password` is refused, or null when it is acceptable. The
 * list is lower-case, so the check is case-insensitive ("Password1" is as
 * guessable as "password1").
 */
export function passwordProblem(
  password: string,
  account: { username?: string; email?: string },
): string | null {
  const lower = password.toLowerCase();
  if (account.username !== undefined && lower === account.username.toLowerCase()) {
    return PASSWORD_POLICY_MESSAGES.sameAsUsername;
  }
  if (account.email !== undefined && lower === account.email.toLowerCase()) {
    return PASSWORD_POLICY_MESSAGES.sameAsEmail;
  }
  if (commonPasswords().has(lower)) {
    return PASSWORD_POLICY_MESSAGES.common;
  }
  return null;
}
