import type { ActivityEntry } from '../../api/profile.api';

const dateTimeFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });
const longDateFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'long' });
// The stats count UTC days; label them as such so a day never shifts by the reader's time zone.
const dayFormat = new Intl.DateTimeFormat(undefined, { day: 'numeric', month: 'short', timeZone: 'UTC' });
const weekdayFormat = new Intl.DateTimeFormat(undefined, {
  weekday: 'long',
  day: 'numeric',
  month: 'long',
  timeZone: 'UTC',
});

/** "3 May 2026, 17:40" in local time. */
export function formatDateTime(iso: string): string {
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : dateTimeFormat.format(date);
}

/** "3 May 2026". */
export function formatLongDate(iso: string): string {
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : longDateFormat.format(date);
}

/** "3 May" for a stats day (`2026-05-03`). */
export function formatDay(day: string): string {
  const date = new Date(`${day}T00:00:00Z`);
  return Number.isNaN(date.getTime()) ? day : dayFormat.format(date);
}

/** "Sunday, 3 May" for a stats day. */
export function formatDayLong(day: string): string {
  const date = new Date(`${day}T00:00:00Z`);
  return Number.isNaN(date.getTime()) ? day : weekdayFormat.format(date);
}

/** "1 request", "3 requests". */
export function plural(count: number, one: string, many = `${one}s`): string {
  return `${count.toLocaleString()} ${count === 1 ? one : many}`;
}

/** What an admin did, in words, from an `admin_action` entry's `action`. */
function adminActionDetail(details: ActivityEntry['details']): string | null {
  const words: Record<string, string> = {
    account_approved: 'Approved an account.',
    account_disabled: 'Disabled an account.',
    account_enabled: 'Enabled an account.',
    signed_out_by_admin: 'Signed an account out everywhere.',
    password_reset_link_issued: 'Created a password reset link for an account.',
    user_deleted: 'Deleted an account.',
    invitation_created: 'Created an invitation link.',
    settings_changed: 'Changed the registration settings.',
  };
  const action = details['action'];
  return typeof action === 'string' ? (words[action] ?? null) : null;
}

/** An activity entry in plain words: what happened, and a detail when there is one. */
export function describeActivity(entry: ActivityEntry): { what: string; detail: string | null } {
  const revoked = typeof entry.details['sessionsRevoked'] === 'number' ? entry.details['sessionsRevoked'] : 0;
  const signedOutOthers =
    revoked > 0 ? `${plural(revoked, 'other session')} ${revoked === 1 ? 'was' : 'were'} signed out.` : null;
  switch (entry.kind) {
    case 'sign_in':
      return { what: 'Signed in', detail: null };
    case 'sign_out':
      return entry.details['remote'] === true
        ? { what: 'Signed out another device', detail: null }
        : { what: 'Signed out', detail: null };
    case 'password_reset_link_issued':
      return entry.details['via'] === 'admin-cli' || entry.details['via'] === 'admin'
        ? { what: 'An administrator created a password reset link', detail: null }
        : { what: 'A password reset link was created', detail: null };
    case 'password_reset':
      return { what: 'Password reset with an emailed link', detail: signedOutOthers };
    case 'password_changed':
      return { what: 'Password changed', detail: signedOutOthers };
    case 'email_changed':
      return { what: 'Email address changed', detail: null };
    // Done by an administrator (issue 14).
    case 'account_approved':
      return { what: 'An administrator approved your account', detail: null };
    case 'account_disabled':
      return { what: 'An administrator disabled your account', detail: null };
    case 'account_enabled':
      return { what: 'An administrator enabled your account', detail: null };
    case 'signed_out_by_admin':
      return { what: 'An administrator signed you out everywhere', detail: null };
    case 'role_changed':
      return entry.details['role'] === 'admin'
        ? { what: 'You became an administrator', detail: null }
        : { what: 'You are no longer an administrator', detail: null };
    case 'admin_action':
      return { what: 'Administration', detail: adminActionDetail(entry.details) };
    default:
      return { what: 'Account activity', detail: null };
  }
}
