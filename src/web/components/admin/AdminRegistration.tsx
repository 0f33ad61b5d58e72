import { useEffect, useState } from 'react';
import {
  createInvitation,
  fetchAdminSettings,
  updateAdminSettings,
  type AdminSettings,
  type OneTimeLink,
  type RegistrationMode,
} from '../../api/admin.api';
import { asApiError } from '../../hooks/useHistoryList';
import { BusyForm, SubmitButton } from '../BusyForm';
import { SelectField, StatusRegion, TextAreaField } from '../FormField';
import { ErrorAlert, Loading } from './AdminParts';
import { CopyLink } from './CopyLink';
import './admin.css';

const MODES: { value: RegistrationMode; label: string }[] = [
  { value: 'open', label: 'Open: anyone can register' },
  { value: 'approval', label: 'Approval: an administrator approves new accounts' },
  { value: 'invite', label: 'Invitation: only with an invitation link' },
  { value: 'closed', label: 'Closed: nobody can register' },
];

/** Registration: the mode in force, the allowed email domains, and invitation links. */
export function AdminRegistration() {
  const [settings, setSettings] = useState<AdminSettings | null>(null);
  const [mode, setMode] = useState<RegistrationMode>('open');
  const [domains, setDomains] = useState('');
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [fieldErrors, setFieldErrors] = useState<Record<string, string>>({});
  const [saved, setSaved] = useState<string | null>(null);
  const [invitation, setInvitation] = useState<OneTimeLink | null>(null);
  const [inviting, setInviting] = useState(false);
  const [inviteError, setInviteError] = useState<string | null>(null);

  const show = (value: AdminSettings) => {
    setSettings(value);
    setMode(value.registration);
    setDomains(value.allowedEmailDomains.join('\n'));
  };

  useEffect(() => {
    const controller = new AbortController();
    fetchAdminSettings(controller.signal).then(show, (failure: unknown) => {
      if (!controller.signal.aborted) {
        setError(asApiError(failure).message);
      }
    });
    return () => {
      controller.abort();
    };
  }, []);

  const save = async () => {
    setSaving(true);
    setError(null);
    setFieldErrors({});
    setSaved(null);
    try {
      const allowedEmailDomains = domains
        .split(/[\s,]+/)
        .map((d) => d.trim())
        .filter(Boolean);
      show(await updateAdminSettings({ registration: mode, allowedEmailDomains }));
      setSaved('Registration settings saved.');
    } catch (failure) {
      const apiError = asApiError(failure);
      setError(apiError.message);
      setFieldErrors(apiError.fields);
    } finally {
      setSaving(false);
    }
  };

  const invite = async () => {
    setInviting(true);
    setInviteError(null);
    try {
      setInvitation(await createInvitation());
    } catch (failure) {
      setInviteError(asApiError(failure).message);
    } finally {
      setInviting(false);
    }
  };

  if (settings === null) {
    return error ? <ErrorAlert message={error} /> : <Loading what="the registration settings" />;
  }

  return (
    <>
      <BusyForm className="form" busy={saving} onSubmit={save}>
        <SelectField
          id="admin-registration-mode"
          label="Registration mode"
          value={mode}
          onChange={(event) => {
            setMode(event.target.value as RegistrationMode);
          }}
          error={fieldErrors['registration']}
        >
          {MODES.map((m) => (
            <option key={m.value} value={m.value}>
              {m.label}
            </option>
          ))}
        </SelectField>
        <TextAreaField
          id="admin-allowed-domains"
          label="Allowed email domains"
          labelNote="(optional)"
          hint="One per line, such as example.com. Leave empty to accept any email address."
          rows={3}
          value={domains}
          onChange={(event) => {
            setDomains(event.target.value);
          }}
          error={fieldErrors['allowedEmailDomains']}
        />
        <ErrorAlert message={error} />
        <StatusRegion message={saved} tone="success" />
        <SubmitButton busy={saving} className="btn btn--primary">
          Save registration settings
        </SubmitButton>
      </BusyForm>

      <h3 className="admin-subtitle">Invitations</h3>
      <p className="admin-muted">
        An invitation link lets one person register, also while registration is by invitation only.
      </p>
      <div>
        <button
          type="button"
          className="btn btn--secondary"
          disabled={inviting}
          onClick={() => void invite()}
        >
          Create invitation link
        </button>
      </div>
      <ErrorAlert message={inviteError} />
      {invitation ? <CopyLink label="Invitation link" link={invitation} /> : null}
    </>
  );
}
