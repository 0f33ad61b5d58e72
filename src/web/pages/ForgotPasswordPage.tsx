import { useRef, useState } from 'react';
import { Link, useLocation } from 'react-router';
import { MESSAGES } from '../../shared/messages';
import { requestPasswordReset } from '../api/auth.api';
import { FormAlert, FormField, StatusRegion } from '../components/FormField';
import { PageHeading } from '../components/PageHeading';
import { NO_ERRORS, toFormErrors, type FormErrors } from './form-errors';
import { BusyForm, SubmitButton } from '../components/BusyForm';

const FIELDS = ['email'] as const;

/** Router state the login page passes here: what the user typed, when it looks like an email. */
export interface ForgotPasswordLocationState {
  email?: string;
}

function readInitialEmail(state: unknown): string {
  if (typeof state !== 'object' || state === null) {
    return '';
  }
  const { email } = state as Record<string, unknown>;
  return typeof email === 'string' ? email : '';
}

/**
 * Asks for a reset link by email. After a send it shows the server's neutral
 * message and stays put (OWASP: the same answer whether or not the account
 * exists), so the user can fix a typo and send again.
 */
export function ForgotPasswordPage() {
  const location = useLocation();
  const [email, setEmail] = useState(() => readInitialEmail(location.state));
  const [errors, setErrors] = useState<FormErrors>(NO_ERRORS);
  const [submitting, setSubmitting] = useState(false);
  const [sent, setSent] = useState(false);
  const emailRef = useRef<HTMLInputElement>(null);

  const submit = async () => {
    setSubmitting(true);
    // Emptied first, so a second send announces the message again.
    setSent(false);
    setErrors(NO_ERRORS);
    try {
      await requestPasswordReset(email.trim());
      setSent(true);
    } catch (error) {
      const formErrors = toFormErrors(error, FIELDS);
      setErrors(formErrors);
      if (formErrors.fields['email']) {
        emailRef.current?.focus();
      }
    } finally {
      setSubmitting(false);
    }
  };

  return (
    <section className="card card--narrow">
      <PageHeading>Forgot your password?</PageHeading>
      <p className="card__lead">
        Enter the email address of your account and we will send you a link to choose a new password.
      </p>

      <StatusRegion message={sent ? MESSAGES.resetRequested : null} tone="info" />
      <FormAlert messages={errors.general} />

      <BusyForm className="form" busy={submitting} onSubmit={submit}>
        <FormField
          id="forgot-email"
          name="email"
          type="email"
          label="Email"
          autoComplete="email"
          required
          maxLength={254}
          ref={emailRef}
          value={email}
          onChange={(e) => {
            setEmail(e.target.value);
            if (errors.fields['email']) {
              setErrors(NO_ERRORS);
            }
          }}
          error={errors.fields['email']}
        />
        <SubmitButton busy={submitting} className="btn btn--primary btn--block">
          Send reset link
        </SubmitButton>
      </BusyForm>

      <p className="card__footer">
        Remembered it? <Link to="/login">Log in</Link>
      </p>
    </section>
  );
}
