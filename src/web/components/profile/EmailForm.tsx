import { useRef, useState } from 'react';
import type { User } from '../../../shared/auth.schemas';
import { changeEmail } from '../../api/profile.api';
import { NO_ERRORS, toFormErrors, type FormErrors } from '../../pages/form-errors';
import { FormAlert, FormField, StatusRegion } from '../FormField';
import { ProfileForm } from './ProfileForm';
import { CurrentPasswordField } from '../NewPasswordFields';
import './profile.css';

const FIELDS = ['email', 'currentPassword'] as const;

/** A new email address, confirmed with the current password (the old address is told). */
export function EmailForm({ user, onSaved }: { user: User; onSaved: (user: User) => void }) {
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [errors, setErrors] = useState<FormErrors>(NO_ERRORS);
  const [submitting, setSubmitting] = useState(false);
  const [done, setDone] = useState<string | null>(null);
  const emailRef = useRef<HTMLInputElement>(null);
  const passwordRef = useRef<HTMLInputElement>(null);

  const submit = async () => {
    const wanted = email.trim();
    if (wanted.toLowerCase() === user.email.toLowerCase()) {
      setErrors({ general: [], fields: { email: 'This is already your email address.' } });
      emailRef.current?.focus();
      return;
    }
    setSubmitting(true);
    setErrors(NO_ERRORS);
    setDone(null);
    try {
      const saved = await changeEmail(wanted, password);
      setEmail('');
      setPassword('');
      setDone(`Your email address is now ${saved.email}. A notice went to your old address.`);
      onSaved(saved);
    } catch (error) {
      const formErrors = toFormErrors(error, FIELDS);
      setErrors(formErrors);
      if (formErrors.fields['email']) {
        emailRef.current?.focus();
      } else if (formErrors.fields['currentPassword']) {
        passwordRef.current?.select();
      }
    } finally {
      setSubmitting(false);
    }
  };

  const clearError = (field: (typeof FIELDS)[number]) => {
    setDone(null);
    if (errors.fields[field]) {
      const { [field]: _fixed, ...others } = errors.fields;
      setErrors({ ...errors, fields: others });
    }
  };

  return (
    <ProfileForm
      name="email"
      title="Email address"
      busy={submitting}
      onSubmit={submit}
      submitLabel="Change email"
    >
      <p className="profile-muted">
        Now: <strong className="profile-strong">{user.email}</strong>
      </p>
      <StatusRegion message={done} tone="success" />
      <FormAlert messages={errors.general} />
      <FormField
        id="profile-email"
        name="email"
        type="email"
        label="New email address"
        autoComplete="email"
        autoCapitalize="none"
        spellCheck={false}
        required
        maxLength={254}
        ref={emailRef}
        value={email}
        onChange={(event) => {
          setEmail(event.target.value);
          clearError('email');
        }}
        error={errors.fields['email']}
      />
      <CurrentPasswordField
        id="profile-email-password"
        name="currentPassword"
        label="Current password"
        ref={passwordRef}
        value={password}
        hint="To make sure it is you."
        onChange={(event) => {
          setPassword(event.target.value);
          clearError('currentPassword');
        }}
        error={errors.fields['currentPassword']}
      />
    </ProfileForm>
  );
}
