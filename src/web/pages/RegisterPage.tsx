import { useEffect, useRef, useState } from 'react';
import { Link, useNavigate, useSearchParams } from 'react-router';
import { MESSAGES } from '../../shared/messages';
import { fetchRegistrationInfo, type RegisterInput, type RegistrationInfo } from '../api/auth.api';
import { useAuth } from '../auth/auth.context';
import type { LoginLocationState } from '../auth/login-state';
import { FormAlert, FormField } from '../components/FormField';
import { PageHeading } from '../components/PageHeading';
import { PasswordStrength } from '../components/PasswordStrength';
import { RegistrationNotice, registrationFormShown } from '../components/RegistrationNotice';
import { NO_ERRORS, toFormErrors, type FormErrors } from './form-errors';
import { BusyForm, SubmitButton } from '../components/BusyForm';

const FIELDS = ['username', 'email', 'password', 'displayName'] as const;
type Field = (typeof FIELDS)[number];
type Values = Record<Field, string>;

const EMPTY: Values = { username: '', email: '', password: '', displayName: '' };

/**
 * The sign-up form. Native constraints (required, pattern, minLength) catch
 * the obvious mistakes early; the server's messages (taken username, common
 * password ...) appear next to the fields they concern.
 */
export function RegisterPage() {
  const { register } = useAuth();
  const navigate = useNavigate();
  const [searchParams] = useSearchParams();
  const [values, setValues] = useState<Values>(EMPTY);
  const [errors, setErrors] = useState<FormErrors>(NO_ERRORS);
  const [submitting, setSubmitting] = useState(false);
  // Null until known (and if it cannot be read: the server enforces the mode anyway).
  const [info, setInfo] = useState<RegistrationInfo | null>(null);
  const [pending, setPending] = useState(false);
  const formRef = useRef<HTMLFormElement>(null);

  useEffect(() => {
    const controller = new AbortController();
    fetchRegistrationInfo(controller.signal).then(setInfo, () => undefined);
    return () => {
      controller.abort();
    };
  }, []);

  // The link an administrator hands out: /register?invitation=<token> (`invite` is accepted too).
  const invitation = searchParams.get('invitation') ?? searchParams.get('invite');
  const next = searchParams.get('next');
  const loginPath = next ? `/login?${new URLSearchParams({ next }).toString()}` : '/login';

  const update = (field: Field) => (event: { target: { value: string } }) => {
    setValues((v) => ({ ...v, [field]: event.target.value }));
    // The message no longer describes what is in the field.
    if (errors.fields[field]) {
      setErrors((e) => ({
        ...e,
        fields: Object.fromEntries(Object.entries(e.fields).filter(([name]) => name !== field)),
      }));
    }
  };

  const submit = async () => {
    setSubmitting(true);
    setErrors(NO_ERRORS);
    const displayName = values.displayName.trim();
    const input: RegisterInput = {
      username: values.username.trim(),
      email: values.email.trim(),
      password: values.password,
      ...(displayName ? { displayName } : {}),
      ...(invitation ? { invitation } : {}),
    };
    try {
      const user = await register(input);
      if (user.status === 'pending') {
        // Approval mode: no sign-in until an administrator approves the account.
        setPending(true);
        setSubmitting(false);
        return;
      }
      const state: LoginLocationState = {
        notice: MESSAGES.registered,
        noticeTone: 'success',
        username: user.username,
      };
      await navigate(loginPath, { state });
    } catch (error) {
      const formErrors = toFormErrors(error, FIELDS);
      setErrors(formErrors);
      setSubmitting(false);
      const firstInvalid = FIELDS.find((field) => formErrors.fields[field]);
      const element = firstInvalid ? formRef.current?.elements.namedItem(firstInvalid) : null;
      if (element instanceof HTMLInputElement) {
        element.focus();
      }
    }
  };

  if (pending) {
    return (
      <section className="card card--narrow">
        <PageHeading>Account created</PageHeading>
        <div role="status" className="alert alert--success">
          <p>{MESSAGES.registeredPending}</p>
        </div>
        <p className="card__footer">
          Once it is approved, <Link to={loginPath}>log in</Link>.
        </p>
      </section>
    );
  }

  const notice = info ? (
    <RegistrationNotice info={info} invitation={invitation} loginPath={loginPath} />
  ) : null;
  if (!registrationFormShown(info, invitation)) {
    // Closed, or by invitation without one: the notice says why and links to the login page.
    return (
      <section className="card card--narrow">
        <PageHeading>Create your account</PageHeading>
        {notice}
      </section>
    );
  }

  const domains = info?.allowedEmailDomains ?? [];
  return (
    <section className="card card--narrow">
      <PageHeading>Create your account</PageHeading>
      <p className="card__lead">Generate, explain and compare code with models you host.</p>

      {notice}
      <FormAlert messages={errors.general} />

      <BusyForm formRef={formRef} className="form" busy={submitting} onSubmit={submit}>
        <FormField
          id="register-username"
          name="username"
          label="Username"
          autoComplete="username"
          autoCapitalize="none"
          autoCorrect="off"
          spellCheck={false}
          required
          minLength={3}
          maxLength={32}
          pattern="[A-Za-z0-9_.\-]{3,32}"
          title="3–32 characters: letters, digits, _ . or -"
          hint="3–32 characters: letters, digits, _ . or -"
          value={values.username}
          onChange={update('username')}
          error={errors.fields['username']}
        />
        <FormField
          id="register-email"
          name="email"
          type="email"
          label="Email"
          autoComplete="email"
          required
          maxLength={254}
          hint={domains.length > 0 ? `An address at ${domains.join(', ')}.` : undefined}
          value={values.email}
          onChange={update('email')}
          error={errors.fields['email']}
        />
        <FormField
          id="register-password"
          name="password"
          type="password"
          label="Password"
          autoComplete="new-password"
          required
          minLength={8}
          hint="At least 8 characters. Avoid common passwords and your username."
          describedBy="register-password-strength"
          value={values.password}
          onChange={update('password')}
          error={errors.fields['password']}
        >
          <PasswordStrength
            id="register-password-strength"
            password={values.password}
            userInputs={[values.username, values.email, values.displayName]}
          />
        </FormField>
        <FormField
          id="register-display-name"
          name="displayName"
          label="Display name"
          labelNote="(optional)"
          autoComplete="nickname"
          maxLength={64}
          hint="Shown instead of your username."
          value={values.displayName}
          onChange={update('displayName')}
          error={errors.fields['displayName']}
        />
        <SubmitButton busy={submitting} className="btn btn--primary btn--block">
          Create account
        </SubmitButton>
      </BusyForm>

      <p className="card__footer">
        Already have an account? <Link to={loginPath}>Log in</Link>
      </p>
    </section>
  );
}
