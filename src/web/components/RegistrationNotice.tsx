import { Link } from 'react-router';
import { MESSAGES } from '../../shared/messages';
import type { RegistrationInfo } from '../api/admin.api';

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
  /** The `?invite=` token of the link the visitor followed, if any. */
  invitation: string | null;
  loginPath: string;
}) {
  if (info.setup) {
    return (
      <div className="alert alert--info" data-testid="registration-mode">
        <p>No account exists yet: the first one you create here becomes the administrator.</p>
      </div>
    );
  }
  switch (info.mode) {
    case 'open':
      return null;
    case 'approval':
      return (
        <div className="alert alert--info" data-testid="registration-mode">
          <p>Registration needs approval: an administrator approves new accounts before they can sign in.</p>
        </div>
      );
    case 'invite':
      return invitation ? (
        <div className="alert alert--info" data-testid="registration-mode">
          <p>You are registering with an invitation link. It works once.</p>
        </div>
      ) : (
        <div className="alert alert--info" data-testid="registration-mode">
          <p>{MESSAGES.invitationRequired}</p>
          <p>
            Already have an account? <Link to={loginPath}>Log in</Link>
          </p>
        </div>
      );
    case 'closed':
      return (
        <div className="alert alert--info" data-testid="registration-mode">
          <p>{MESSAGES.registrationClosed} New accounts cannot be created on this server right now.</p>
          <p>
            Already have an account? <Link to={loginPath}>Log in</Link>
          </p>
        </div>
      );
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
