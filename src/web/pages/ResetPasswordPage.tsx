import { useEffect, useRef, useState } from 'react';
import { Link, useLocation, useNavigate } from 'react-router';
import { MESSAGES } from '../../shared/messages';
import { ApiError } from '../api/api-client';
import { resetPassword, verifyResetToken } from '../api/auth.api';
import { useAuth } from '../auth/auth.context';
import type { LoginLocationState } from '../auth/login-state';
import { FormAlert } from '../components/FormField';
import { NewPasswordFields, confirmationError } from '../components/NewPasswordFields';
import { PageHeading } from '../components/PageHeading';
import { NO_ERRORS, toFormErrors, type FormErrors } from './form-errors';
import { BusyForm, SubmitButton } from '../components/BusyForm';

const FIELDS = ['newPassword', 'confirmPassword'] as const;
type Field = (typeof FIELDS)[number];

/** Where the reset link stands: being checked, usable, used up or expired, or not checkable now. */
type LinkState =
  { status: 'checking' } | { status: 'valid' } | { status: 'invalid' } | { status: 'error'; message: string };

function readToken(search: string): string {
  return new URLSearchParams(search).get('token')?.trim() ?? '';
}

/**
 * Any 400 means the link cannot work: `invalid_token` (unknown, used, expired)
 * or a token the schema refuses (empty, over-long).
 */
function isDeadLink(error: unknown): boolean {
  return (
    error instanceof ApiError &&
    error.status === 400 &&
    (error.code === 'invalid_token' || 'token' in error.fields)
  );
}

/**
 * The page a reset mail links to (`/reset-password?token=…`). Open to
 * everyone, signed in or not: whoever holds the link may use it.
 *
 * The token leaves the address bar at once (so it is not kept in history, a
 * screenshot or a shared URL) and lives on in component state only; React
 * keeps state across StrictMode's simulated remount and across the
 * replace-navigation, so neither loses it. A reload after that has no token
 * and shows the invalid-link view, which offers a new link.
 */
export function ResetPasswordPage() {
  const location = useLocation();
  const navigate = useNavigate();
  const { user, logout } = useAuth();

  const [token] = useState(() => readToken(location.search));
  const [link, setLink] = useState<LinkState>(() => (token ? { status: 'checking' } : { status: 'invalid' }));
  const [attempt, setAttempt] = useState(0);

  const [values, setValues] = useState<Record<Field, string>>({ newPassword: '', confirmPassword: '' });
  const [errors, setErrors] = useState<FormErrors>(NO_ERRORS);
  const [submitting, setSubmitting] = useState(false);
  const newPasswordRef = useRef<HTMLInputElement>(null);
  const confirmRef = useRef<HTMLInputElement>(null);

  // Through the router rather than history.replaceState, so useLocation() agrees with the address bar.
  const hasQuery = location.search !== '';
  const { pathname, hash } = location;
  const historyState: unknown = location.state;
  useEffect(() => {
    if (hasQuery) {
      void navigate({ pathname, hash }, { replace: true, state: historyState });
    }
  }, [hasQuery, pathname, hash, historyState, navigate]);

  useEffect(() => {
    if (!token) {
      return;
    }
    const controller = new AbortController();
    verifyResetToken(token, controller.signal).then(
      () => {
        if (!controller.signal.aborted) {
          setLink({ status: 'valid' });
        }
      },
      (error: unknown) => {
        if (controller.signal.aborted) {
          return;
        }
        if (error instanceof ApiError && error.status === 400) {
          setLink({ status: 'invalid' });
        } else {
          setLink({
            status: 'error',
            message: error instanceof ApiError ? error.message : MESSAGES.internal,
          });
        }
      },
    );
    return () => {
      controller.abort();
    };
  }, [token, attempt]);

  const update = (field: Field, value: string) => {
    setValues((v) => ({ ...v, [field]: value }));
    // The message no longer describes what is in the field (a mismatch concerns both).
    if (errors.fields[field] || (field === 'newPassword' && errors.fields['confirmPassword'])) {
      setErrors(NO_ERRORS);
    }
  };

  const submit = async () => {
    const mismatch = confirmationError(values);
    if (mismatch) {
      setErrors({ general: [], fields: mismatch });
      confirmRef.current?.focus();
      return;
    }
    setSubmitting(true);
    setErrors(NO_ERRORS);
    try {
      await resetPassword({ token, newPassword: values.newPassword });
    } catch (error) {
      setSubmitting(false);
      if (isDeadLink(error)) {
        setLink({ status: 'invalid' });
        return;
      }
      const formErrors = toFormErrors(error, FIELDS);
      setErrors(formErrors);
      if (formErrors.fields['newPassword']) {
        newPasswordRef.current?.focus();
      }
      return;
    }

    if (user) {
      // The reset ended every session of that account; whoever is signed in here
      // is told to log in, so the login page must not bounce them back into the app.
      try {
        await logout();
      } catch {
        // Offline or already gone: the login page then shows whatever the server says.
      }
    }
    const state: LoginLocationState = { notice: MESSAGES.passwordReset, noticeTone: 'success' };
    // Replace: Back should not return to a used link.
    await navigate('/login', { replace: true, state });
  };

  return (
    <section className="card card--narrow">
      <PageHeading>Choose a new password</PageHeading>
      {renderBody()}
    </section>
  );

  function renderBody() {
    switch (link.status) {
      case 'checking':
        return (
          <div role="status" className="inline-status">
            <span className="spinner spinner--inline" aria-hidden="true" />
            Checking your reset link…
          </div>
        );
      case 'invalid':
        return (
          <>
            <div role="alert" className="alert alert--error">
              <p>{MESSAGES.invalidResetToken}</p>
            </div>
            <Link to="/forgot-password" className="btn btn--primary btn--block">
              Request a new link
            </Link>
            <p className="card__footer">
              <Link to="/login">Back to log in</Link>
            </p>
          </>
        );
      case 'error':
        return (
          <>
            <FormAlert messages={[link.message]} />
            <button
              type="button"
              className="btn btn--primary btn--block"
              onClick={() => {
                setLink({ status: 'checking' });
                setAttempt((n) => n + 1);
              }}
            >
              Try again
            </button>
          </>
        );
      case 'valid':
        return renderForm();
      default: {
        const unreachable: never = link;
        return unreachable;
      }
    }
  }

  function renderForm() {
    return (
      <>
        <p className="card__lead">Pick a password you do not use on any other site.</p>
        <FormAlert messages={errors.general} />
        <BusyForm className="form" busy={submitting} onSubmit={submit}>
          <NewPasswordFields
            idPrefix="reset"
            values={values}
            errors={errors.fields}
            onChange={update}
            userInputs={[]}
            newRef={newPasswordRef}
            confirmRef={confirmRef}
          />
          <SubmitButton busy={submitting} className="btn btn--primary btn--block">
            Set new password
          </SubmitButton>
        </BusyForm>
      </>
    );
  }
}
