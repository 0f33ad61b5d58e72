import { useState } from 'react';
import type { User } from '../../../shared/auth.schemas';
import { updateDisplayName } from '../../api/profile.api';
import { NO_ERRORS, toFormErrors, type FormErrors } from '../../pages/form-errors';
import { FormAlert, FormField, StatusRegion } from '../FormField';
import { ProfileForm } from './ProfileForm';
import './profile.css';

/** The display name, shown instead of the username; empty removes it. */
export function DisplayNameForm({ user, onSaved }: { user: User; onSaved: (user: User) => void }) {
  const [value, setValue] = useState(user.displayName ?? '');
  const [errors, setErrors] = useState<FormErrors>(NO_ERRORS);
  const [submitting, setSubmitting] = useState(false);
  const [done, setDone] = useState<string | null>(null);
  const unchanged = value.trim() === (user.displayName ?? '');

  const submit = async () => {
    setSubmitting(true);
    setErrors(NO_ERRORS);
    setDone(null);
    const wanted = value.trim() === '' ? null : value.trim();
    try {
      const saved = await updateDisplayName(wanted);
      setValue(saved.displayName ?? '');
      setDone(saved.displayName ? `Display name saved: ${saved.displayName}.` : 'Display name removed.');
      onSaved(saved);
    } catch (error) {
      setErrors(toFormErrors(error, ['displayName']));
    } finally {
      setSubmitting(false);
    }
  };

  return (
    <ProfileForm
      name="name"
      title="Display name"
      busy={submitting}
      onSubmit={submit}
      submitLabel="Save display name"
      submitDisabled={unchanged}
    >
      <StatusRegion message={done} tone="success" />
      <FormAlert messages={errors.general} />
      <FormField
        id="profile-display-name"
        name="displayName"
        label="Display name"
        labelNote="(optional)"
        autoComplete="nickname"
        maxLength={64}
        value={value}
        hint={`Shown instead of your username (${user.username}). Leave it empty to show your username.`}
        onChange={(event) => {
          setValue(event.target.value);
          setDone(null);
          if (errors.fields['displayName']) {
            setErrors(NO_ERRORS);
          }
        }}
        error={errors.fields['displayName']}
      />
    </ProfileForm>
  );
}
