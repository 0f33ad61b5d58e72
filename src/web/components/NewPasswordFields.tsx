import type { Ref } from 'react';
import type { FieldErrors } from '../api/api-client';
import { FormField, type FormFieldProps } from './FormField';
import { PasswordStrength } from './PasswordStrength';

/** Shown under "Confirm new password" when the two fields differ (checked here, not by the API). */
export const PASSWORDS_DIFFER = 'The passwords do not match.';

/** The two fields' values. */
export interface NewPasswordValues {
  newPassword: string;
  confirmPassword: string;
}

/** The mismatch error to show, or null when the confirmation matches. */
export function confirmationError(values: NewPasswordValues): FieldErrors | null {
  return values.newPassword === values.confirmPassword ? null : { confirmPassword: PASSWORDS_DIFFER };
}

/**
 * "New password" with its strength meter and "Confirm new password": the
 * block the reset page and the profile's password form share. Ids are
 * `<idPrefix>-new-password`, `<idPrefix>-new-password-strength` and
 * `<idPrefix>-confirm-password`.
 */
export function NewPasswordFields({
  idPrefix,
  values,
  errors,
  onChange,
  userInputs,
  newRef,
  confirmRef,
}: {
  idPrefix: string;
  values: NewPasswordValues;
  errors: FieldErrors;
  onChange: (field: keyof NewPasswordValues, value: string) => void;
  /** What the strength estimate should treat as guessable (username, email ...). */
  userInputs: string[];
  newRef?: Ref<HTMLInputElement>;
  confirmRef?: Ref<HTMLInputElement>;
}) {
  const strengthId = `${idPrefix}-new-password-strength`;
  return (
    <>
      <FormField
        id={`${idPrefix}-new-password`}
        name="newPassword"
        type="password"
        label="New password"
        autoComplete="new-password"
        required
        minLength={8}
        hint="At least 8 characters. Avoid common passwords."
        describedBy={strengthId}
        ref={newRef}
        value={values.newPassword}
        onChange={(event) => {
          onChange('newPassword', event.target.value);
        }}
        error={errors['newPassword']}
      >
        <PasswordStrength id={strengthId} password={values.newPassword} userInputs={userInputs} />
      </FormField>
      <FormField
        id={`${idPrefix}-confirm-password`}
        name="confirmPassword"
        type="password"
        label="Confirm new password"
        autoComplete="new-password"
        required
        ref={confirmRef}
        value={values.confirmPassword}
        onChange={(event) => {
          onChange('confirmPassword', event.target.value);
        }}
        error={errors['confirmPassword']}
      />
    </>
  );
}

/** A field for the account's current password (sign-in, or confirming a change). */
export function CurrentPasswordField(props: Omit<FormFieldProps, 'type' | 'autoComplete' | 'required'>) {
  return <FormField {...props} type="password" autoComplete="current-password" required />;
}
