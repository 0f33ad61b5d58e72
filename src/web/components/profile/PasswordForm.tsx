import { useRef, useState } from 'react';
import type { User } from '../../../shared/auth.schemas';
import { changePassword } from '../../api/profile.api';
import { NO_ERRORS, toFormErrors, type FormErrors } from '../../pages/form-errors';
import { FormAlert, FormField, StatusRegion } from '../FormField';
import { PasswordStrength } from '../PasswordStrength';
import { plural } from './profile-format';

const FIELDS = ['currentPassword', 'newPassword', 'confirmPassword'] as const;
type Field = (typeof FIELDS)[number];
const PASSWORDS_DIFFER = 'The passwords do not match.';

/** Current password, new password (with a strength hint) and its confirmation. */
export function PasswordForm({ user, onChanged }: { user: User; onChanged: () => void }) {
  const [values, setValues] = useState<Record<Field, string>>({
    currentPassword: '',
    newPassword: '',
    confirmPassword: '',
  });
  const [errors, setErrors] = useState<FormErrors>(NO_ERRORS);
  const [submitting, setSubmitting] = useState(false);
  const [done, setDone] = useState<string | null>(null);
  const currentRef = useRef<HTMLInputElement>(null);
  const newRef = useRef<HTMLInputElement>(null);
  const confirmRef = useRef<HTMLInputElement>(null);

  const update = (field: Field) => (event: { target: { value: string } }) => {
    setValues((v) => ({ ...v, [field]: event.target.value }));
    setDone(null);
    // A mismatch concerns both new-password fields.
    if (errors.fields[field] || (field === 'newPassword' && errors.fields['confirmPassword'])) {
      const { [field]: _fixed, ...others } = errors.fields;
      setErrors({ ...errors, fields: field === 'newPassword' ? withoutConfirm(others) : others });
    }
  };

  const submit = async () => {
    if (values.newPassword !== values.confirmPassword) {
      setErrors({ general: [], fields: { confirmPassword: PASSWORDS_DIFFER } });
      confirmRef.current?.focus();
      return;
    }
    setSubmitting(true);
    setErrors(NO_ERRORS);
    setDone(null);
    try {
      const revoked = await changePassword(values.currentPassword, values.newPassword);
      setValues({ currentPassword: '', newPassword: '', confirmPassword: '' });
      setDone(
        revoked > 0
          ? `Password changed. ${plural(revoked, 'other session')} ${revoked === 1 ? 'was' : 'were'} signed out.`
          : 'Password changed.',
      );
      onChanged();
    } catch (error) {
      const formErrors = toFormErrors(error, FIELDS);
      setErrors(formErrors);
      const first = FIELDS.find((field) => formErrors.fields[field]);
      const refs = { currentPassword: currentRef, newPassword: newRef, confirmPassword: confirmRef };
      if (first) {
        refs[first].current?.select();
      }
    } finally {
      setSubmitting(false);
    }
  };

  return (
    <form
      className="form profile-form"
      aria-labelledby="profile-password-heading"
      aria-busy={submitting}
      onSubmit={(event) => {
        event.preventDefault();
        void submit();
      }}
    >
      <h2 id="profile-password-heading" className="profile-card__title">
        Password
      </h2>
      <p className="profile-muted">Changing it signs out every other device.</p>
      {/* For password managers: which account this password belongs to. */}
      <input type="text" name="username" autoComplete="username" value={user.username} readOnly hidden />
      <StatusRegion message={done} tone="success" />
      <FormAlert messages={errors.general} />
      <FormField
        id="profile-current-password"
        name="currentPassword"
        type="password"
        label="Current password"
        autoComplete="current-password"
        required
        ref={currentRef}
        value={values.currentPassword}
        onChange={update('currentPassword')}
        error={errors.fields['currentPassword']}
      />
      <FormField
        id="profile-new-password"
        name="newPassword"
        type="password"
        label="New password"
        autoComplete="new-password"
        required
        minLength={8}
        hint="At least 8 characters. Avoid common passwords."
        describedBy="profile-new-password-strength"
        ref={newRef}
        value={values.newPassword}
        onChange={update('newPassword')}
        error={errors.fields['newPassword']}
      >
        <PasswordStrength
          id="profile-new-password-strength"
          password={values.newPassword}
          userInputs={[user.username, user.email, user.displayName ?? '']}
        />
      </FormField>
      <FormField
        id="profile-confirm-password"
        name="confirmPassword"
        type="password"
        label="Confirm new password"
        autoComplete="new-password"
        required
        ref={confirmRef}
        value={values.confirmPassword}
        onChange={update('confirmPassword')}
        error={errors.fields['confirmPassword']}
      />
      <div className="profile-form__actions">
        <button type="submit" className="btn btn--primary" disabled={submitting}>
          {submitting ? <span className="spinner spinner--inline" aria-hidden="true" /> : null}
          Change password
        </button>
      </div>
    </form>
  );
}

function withoutConfirm(fields: FormErrors['fields']): FormErrors['fields'] {
  const { confirmPassword: _mismatch, ...others } = fields;
  return others;
}
