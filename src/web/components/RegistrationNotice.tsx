import { Link } from 'react-router';
import { MESSAGES } from '../../shared/messages';
import type { RegistrationInfo } from '../api/auth.api';

/**
 * What the Register page says about the registration mode in force. Returns
 * `null` for open registration, which needs no explanation.
 */
export function RegistrationNotice({
  info,
  invitation,
  loginPath,
}: {
  info: RegistrationInfo;
  /** The invitation token of the link the visitor followed (`?invitation=`), if any. */
  invitation: string | null;
  loginPath: string;
}) {
  const text = noticeText(info, invitation);
  if (text === null) {
    return null;
  }
  // Without the form (closed, or by invitation without one), the notice also leads to the login page.
  return (
    <div className="alert alert--info" data-testid="registration-mode">
      <p>{text}</p>
      {registrationFormShown(info, invitation) ? null : (
        <p>
          Already have an account? <Link to={loginPath}>Log in</Link>
        </p>
      )}
    </div>
  );
}

function noticeText(info: RegistrationInfo, invitation: string | null): string | null {
  if (info.setup) {
    return 'No account exists yet: the first one you create here becomes the administrator.';
  }
  switch (info.mode) {
    case 'open':
      return null;
    case 'approval':
      return 'Registration needs approval: an administrator approves new accounts before they can sign in.';
    case 'invite':
      return invitation
        ? 'You are registering with an invitation link. It works once.'
        : MESSAGES.invitationRequired;
    case 'closed':
      return `${MESSAGES.registrationClosed} New accounts cannot be created on this server right now.`;
    default: {
      const unknown: never = info.mode;
      return unknown;
    }
  }
}

/**
 * Whether the form is offered: not while closed, nor by invitation without an
 * invitation link, except for the very first account (setup), which any mode lets in.
 */
export function registrationFormShown(info: RegistrationInfo | null, invitation: string | null): boolean {
  return (
    info === null || info.setup || (info.mode !== 'closed' && (info.mode !== 'invite' || invitation !== null))
  );
}
