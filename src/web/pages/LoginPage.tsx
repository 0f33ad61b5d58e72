import { useRef, useState } from 'react';
import { Link, useLocation, useSearchParams } from 'react-router';
import { MESSAGES } from '../../shared/messages';
import { ApiError } from '../api/api-client';
import { useAuth } from '../auth/auth.context';
import { readLoginState } from '../auth/login-state';
import { FormAlert, FormField, FormNotice } from '../components/FormField';
import { PageHeading } from '../components/PageHeading';
import type { ForgotPasswordLocationState } from './ForgotPasswordPage';
import { formatRetryAfter } from './format-wait';
import { NO_ERRORS, toFormErrors, type FormErrors } from './form-errors';
import { BusyForm, SubmitButton } from '../components/BusyForm';
import { CurrentPasswordField } from '../components/NewPasswordFields';

const FIELDS = ['username', 'password'] as const;

/** The sign-in form. On success the guest-only guard sends the user to `?next=` or home. */
export function LoginPage() {
  const { login } = useAuth();
  const location = useLocation();
  const [searchParams] = useSearchParams();
  const initial = readLoginState(location.state);

  const [username, setUsername] = useState(initial.username ?? '');
  const [password, setPassword] = useState('');
  const [errors, setErrors] = useState<FormErrors>(NO_ERRORS);
  const [submitting, setSubmitting] = useState(false);
  const [showNotice, setShowNotice] = useState(true);
  const passwordRef = useRef<HTMLInputElement>(null);

  const next = searchParams.get('next');
  // Saves retyping when the user signs in with their email address.
  const typed = username.trim();
  const forgotState: ForgotPasswordLocationState = typed.includes('@') ? { email: typed } : {};
  const registerPath = next ? `/register?${new URLSearchParams({ next }).toString()}` : '/register';

  const submit = async () => {
    setSubmitting(true);
    setShowNotice(false);
    setErrors(NO_ERRORS);
    try {
      await login({ username: username.trim(), password });
      // Signed in: <GuestOnly> now redirects, unmounting this page.
    } catch (error) {
      setErrors(loginErrors(error));
      setSubmitting(false);
      if (error instanceof ApiError && error.status === 401) {
        // Most failed logins are a mistyped password: let the user retype it at once.
        passwordRef.current?.select();
      }
    }
  };

  return (
    <section className="card card--narrow">
      <PageHeading>Log in</PageHeading>
      <p className="card__lead">Welcome back to CodeGenie.</p>

      {showNotice && initial.notice ? (
        <FormNotice message={initial.notice} tone={initial.noticeTone ?? 'info'} />
      ) : null}
      <FormAlert messages={errors.general} />

      <BusyForm className="form" busy={submitting} onSubmit={submit}>
        <FormField
          id="login-username"
          name="username"
          label="Username or email"
          autoComplete="username"
          autoCapitalize="none"
          autoCorrect="off"
          spellCheck={false}
          required
          maxLength={254}
          value={username}
          onChange={(e) => {
            setUsername(e.target.value);
          }}
          error={errors.fields['username']}
        />
        <CurrentPasswordField
          id="login-password"
          name="password"
          label="Password"
          ref={passwordRef}
          value={password}
          onChange={(e) => {
            setPassword(e.target.value);
          }}
          error={errors.fields['password']}
        />
        <p className="form__aside">
          <Link to="/forgot-password" state={forgotState}>
            Forgot password?
          </Link>
        </p>
        <SubmitButton busy={submitting} className="btn btn--primary btn--block">
          Log in
        </SubmitButton>
      </BusyForm>

      <p className="card__footer">
        New to CodeGenie? <Link to={registerPath}>Register</Link>
      </p>
    </section>
  );
}

function loginErrors(error: unknown): FormErrors {
  if (error instanceof ApiError) {
    if (error.status === 401) {
      return { general: [MESSAGES.invalidCredentials], fields: {} };
    }
    if (error.status === 429) {
      const wait = formatRetryAfter(error.retryAfterSeconds);
      return { general: [[MESSAGES.tooManyAttempts, wait].filter(Boolean).join(' ')], fields: {} };
    }
  }
  return toFormErrors(error, FIELDS);
}
