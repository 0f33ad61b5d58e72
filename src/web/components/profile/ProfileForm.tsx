import type { ReactNode } from 'react';
import { BusyForm, SubmitButton } from '../BusyForm';
import './profile.css';

/**
 * One of the profile's forms: its heading (`profile-<name>-heading`, the
 * form's name), its fields, and its submit button.
 */
export function ProfileForm({
  name,
  title,
  busy,
  onSubmit,
  submitLabel,
  submitClassName,
  submitDisabled,
  describedBy,
  children,
}: {
  name: string;
  title: string;
  busy: boolean;
  onSubmit: () => Promise<void>;
  submitLabel: string;
  submitClassName?: string;
  submitDisabled?: boolean;
  /** Id of a description of the whole form (a warning). */
  describedBy?: string;
  children: ReactNode;
}) {
  const headingId = `profile-${name}-heading`;
  return (
    <BusyForm
      className="form profile-form"
      aria-labelledby={headingId}
      aria-describedby={describedBy}
      busy={busy}
      onSubmit={onSubmit}
    >
      <h2 id={headingId} className="profile-card__title">
        {title}
      </h2>
      {children}
      <div className="profile-form__actions">
        <SubmitButton busy={busy} className={submitClassName} disabled={submitDisabled}>
          {submitLabel}
        </SubmitButton>
      </div>
    </BusyForm>
  );
}
