import { describe, expect, it } from 'vitest';
import { EmailDomainNotAllowedError, InvitationRequiredError, RegistrationClosedError } from '../errors.js';
import type { AdminSettings, RegistrationMode } from '../../shared/admin.schemas.js';
import { hashToken } from './password-reset.service.js';
import { decideRegistration, effectiveSettings, emailDomainAllowed } from './registration-policy.js';

const settings = (registration: RegistrationMode, allowedEmailDomains: string[] = []): AdminSettings => ({
  registration,
  allowedEmailDomains,
});
const applicant = (over: Partial<Parameters<typeof decideRegistration>[1]> = {}) => ({
  email: 'ada@example.com',
  hasInvitation: false,
  setup: false,
  ...over,
});

describe('decideRegistration', () => {
  it('open: active, an invitation is not used', () => {
    expect(decideRegistration(settings('open'), applicant({ hasInvitation: true }))).toEqual({
      status: 'active',
      useInvitation: false,
    });
  });

  it('approval: pending, or active with an invitation (which is used)', () => {
    expect(decideRegistration(settings('approval'), applicant())).toEqual({
      status: 'pending',
      useInvitation: false,
    });
    expect(decideRegistration(settings('approval'), applicant({ hasInvitation: true }))).toEqual({
      status: 'active',
      useInvitation: true,
    });
  });

  it('invite: refused without an invitation, active with one', () => {
    expect(() => decideRegistration(settings('invite'), applicant())).toThrow(InvitationRequiredError);
    expect(decideRegistration(settings('invite'), applicant({ hasInvitation: true }))).toEqual({
      status: 'active',
      useInvitation: true,
    });
  });

  it('closed: refused, invitation or not', () => {
    expect(() => decideRegistration(settings('closed'), applicant({ hasInvitation: true }))).toThrow(
      RegistrationClosedError,
    );
  });

  it('the first account (setup) is admitted active in every mode, but not from a domain outside the list', () => {
    for (const mode of ['open', 'approval', 'invite', 'closed'] as const) {
      expect(decideRegistration(settings(mode), applicant({ setup: true }))).toEqual({
        status: 'active',
        useInvitation: false,
      });
    }
    expect(() => decideRegistration(settings('closed', ['example.org']), applicant({ setup: true }))).toThrow(
      EmailDomainNotAllowedError,
    );
  });

  it('refuses an email outside the allowed domains, naming them', () => {
    const error = (() => {
      try {
        decideRegistration(settings('open', ['example.org', 'example.net']), applicant());
      } catch (e) {
        return e;
      }
      return null;
    })();
    expect(error).toBeInstanceOf(EmailDomainNotAllowedError);
    expect((error as Error).message).toBe(
      'Registration is limited to email addresses at example.org, example.net.',
    );
    // Closed says closed, whatever the domain.
    expect(() => decideRegistration(settings('closed', ['example.org']), applicant())).toThrow(
      RegistrationClosedError,
    );
  });
});

describe('emailDomainAllowed', () => {
  it('matches the exact domain after the last @, case-insensitively; an empty list allows any', () => {
    expect(emailDomainAllowed('a@example.com', [])).toBe(true);
    expect(emailDomainAllowed('a@Example.COM', ['example.com'])).toBe(true);
    expect(emailDomainAllowed('a@sub.example.com', ['example.com'])).toBe(false);
    expect(emailDomainAllowed('a@example.com.evil.test', ['example.com'])).toBe(false);
    expect(emailDomainAllowed('"a@example.com"@evil.test', ['example.com'])).toBe(false);
    expect(emailDomainAllowed('no-at-sign', ['example.com'])).toBe(false);
  });
});

describe('effectiveSettings', () => {
  it('takes what an admin stored over the initial values, field by field', () => {
    const initial = settings('approval', ['example.com']);
    expect(effectiveSettings({}, initial)).toEqual(initial);
    expect(effectiveSettings({ registration: 'open' }, initial)).toEqual(settings('open', ['example.com']));
    expect(effectiveSettings({ allowedEmailDomains: [] }, initial)).toEqual(settings('approval', []));
  });
});

describe('invitation token hash', () => {
  it('is the hex SHA-256 of the token, as reset tokens are stored', () => {
    expect(hashToken('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });
});
