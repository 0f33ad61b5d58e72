import { describe, expect, it } from 'vitest';
import type { ActivityEntry } from '../../api/profile.api';
import { describeActivity, plural } from './profile-format';

function entry(kind: string, details: Record<string, unknown> = {}): ActivityEntry {
  return { id: '1', kind, createdAt: '2026-05-01T10:00:00Z', ip: null, browser: null, details };
}

describe('describeActivity', () => {
  it('puts each kind of account event in plain words', () => {
    expect(describeActivity(entry('sign_in')).what).toBe('Signed in');
    expect(describeActivity(entry('sign_out')).what).toBe('Signed out');
    expect(describeActivity(entry('sign_out', { remote: true })).what).toBe('Signed out another device');
    expect(describeActivity(entry('email_changed')).what).toBe('Email address changed');
    expect(describeActivity(entry('password_reset_link_issued', { via: 'admin-cli' })).what).toBe(
      'An administrator created a password reset link',
    );
    expect(describeActivity(entry('password_changed', { sessionsRevoked: 2 }))).toEqual({
      what: 'Password changed',
      detail: '2 other sessions were signed out.',
    });
    expect(describeActivity(entry('password_reset', { sessionsRevoked: 0 }))).toEqual({
      what: 'Password reset with an emailed link',
      detail: null,
    });
  });

  it('says what an administrator did to the account, and what an admin did', () => {
    expect(describeActivity(entry('password_reset_link_issued', { via: 'admin' })).what).toBe(
      'An administrator created a password reset link',
    );
    expect(describeActivity(entry('account_approved', { adminId: 'a' })).what).toBe(
      'An administrator approved your account',
    );
    expect(describeActivity(entry('account_disabled')).what).toBe('An administrator disabled your account');
    expect(describeActivity(entry('account_enabled')).what).toBe('An administrator enabled your account');
    expect(describeActivity(entry('signed_out_by_admin')).what).toBe(
      'An administrator signed you out everywhere',
    );
    expect(describeActivity(entry('role_changed', { role: 'admin' })).what).toBe(
      'You became an administrator',
    );
    expect(describeActivity(entry('role_changed', { role: 'user' })).what).toBe(
      'You are no longer an administrator',
    );
    expect(describeActivity(entry('admin_action', { action: 'user_deleted', targetId: 'u' }))).toEqual({
      what: 'Administration',
      detail: 'Deleted an account.',
    });
    expect(describeActivity(entry('admin_action', { action: 'catalogue_reloaded' })).detail).toBeNull();
  });

  it('describes a kind it does not know yet in general words', () => {
    expect(describeActivity(entry('two_factor_enabled')).what).toBe('Account activity');
  });
});

describe('plural', () => {
  it('counts in words', () => {
    expect(plural(1, 'request')).toBe('1 request');
    expect(plural(3, 'request')).toBe('3 requests');
  });
});
