import { useRef, useState } from 'react';
import type { User } from '../../../shared/auth.schemas';
import { changePassword } from '../../api/profile.api';
import { NO_ERRORS, toFormErrors, type FormErrors } from '../../pages/form-errors';
import { FormAlert, StatusRegion } from '../FormField';
import { confirmationError, CurrentPasswordField, NewPasswordFields } from '../NewPasswordFields';
import { plural } from './profile-format';
import { ProfileForm } from './ProfileForm';
import './profile.css';

const FIELDS = ['currentPassword', 'newPassword', 'confirmPassword'] as const;
type Field = (typeof FIELDS)[number];

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

  const update = (field: Field, value: string) => {
    setValues((v) => ({ ...v, [field]: value }));
    setDone(null);
    // A mismatch concerns both new-password fields.
    if (errors.fields[field] || (field === 'newPassword' && errors.fields['confirmPassword'])) {
      const { [field]: _fixed, ...others } = errors.fields;
      setErrors({ ...errors, fields: field === 'newPassword' ? withoutConfirm(others) : others });
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
    <ProfileForm
      name="password"
      title="Password"
      busy={submitting}
      onSubmit={submit}
      submitLabel="Change password"
    >
      <p className="profile-muted">Changing it signs out every other device.</p>
      {/* For password managers: which account this password belongs to. */}
      <input type="text" name="username" autoComplete="username" value={user.username} readOnly hidden />
      <StatusRegion message={done} tone="success" />
      <FormAlert messages={errors.general} />
      <CurrentPasswordField
        id="profile-current-password"
        name="currentPassword"
        label="Current password"
        ref={currentRef}
        value={values.currentPassword}
        onChange={(event) => {
          update('currentPassword', event.target.value);
        }}
        error={errors.fields['currentPassword']}
      />
      <NewPasswordFields
        idPrefix="profile"
        values={values}
        errors={errors.fields}
        onChange={update}
        userInputs={[user.username, user.email, user.displayName ?? '']}
        newRef={newRef}
        confirmRef={confirmRef}
      />
    </ProfileForm>
  );
}

function withoutConfirm(fields: FormErrors['fields']): FormErrors['fields'] {
  const { confirmPassword: _mismatch, ...others } = fields;
  return others;
}
