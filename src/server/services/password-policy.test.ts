import { describe, expect, it } from 'vitest';
import { dictionary } from '@zxcvbn-ts/language-common';
import { COMMON_PASSWORD_COUNT, PASSWORD_POLICY_MESSAGES, passwordProblem } from './password-policy.js';

describe('passwordProblem', () => {
  it('refuses the 10,000 most common passwords, whatever their case', () => {
    const list = dictionary['passwords-common'];
    expect(passwordProblem('password', {})).toBe(PASSWORD_POLICY_MESSAGES.common);
    expect(passwordProblem('QWERTY123', {})).toBe(PASSWORD_POLICY_MESSAGES.common);
    const last = list[COMMON_PASSWORD_COUNT - 1] ?? '';
    expect(passwordProblem(last, {})).toBe(PASSWORD_POLICY_MESSAGES.common);
    // Rank 10,001 and below are allowed: the list is the top 10,000 only.
    const beyond = list
      .slice(COMMON_PASSWORD_COUNT)
      .find((p) => !list.slice(0, COMMON_PASSWORD_COUNT).includes(p));
    expect(beyond).toBeDefined();
    expect(passwordProblem(beyond ?? '', {})).toBeNull();
  });

  it('refuses the username or email as password, in any case', () => {
    expect(passwordProblem('Alice.Smith', { username: 'alice.smith' })).toBe(
      PASSWORD_POLICY_MESSAGES.sameAsUsername,
    );
    expect(passwordProblem('ALICE@EXAMPLE.COM', { email: 'alice@example.com' })).toBe(
      PASSWORD_POLICY_MESSAGES.sameAsEmail,
    );
  });

  it('has no composition rules', () => {
    expect(passwordProblem('just lowercase words here', { username: 'x' })).toBeNull();
    expect(passwordProblem('ünïcödé pässwörd', {})).toBeNull();
  });
});
