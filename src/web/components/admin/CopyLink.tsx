import { useId, useState } from 'react';
import type { OneTimeLink } from '../../api/admin.api';
import { copyText } from '../code/clipboard';
import { formatDateTime } from '../profile/profile-format';
import './admin.css';

/** A one-time link (invitation, password reset) to hand over: selectable text and a Copy button. */
export function CopyLink({ label, link }: { label: string; link: OneTimeLink }) {
  const id = useId();
  const [copied, setCopied] = useState<string | null>(null);
  const copy = async () => {
    // copyText falls back to the copy command where the Clipboard API is missing (plain http on a LAN).
    setCopied(
      (await copyText(link.url)) ? 'Copied.' : 'Copying is not allowed here: select the link and copy it.',
    );
  };
  return (
    <div className="admin-link alert alert--success">
      <label htmlFor={id} className="field__label">
        {label}
      </label>
      <div className="admin-link__row">
        <input
          id={id}
          className="field__input"
          readOnly
          value={link.url}
          aria-describedby={`${id}-expires`}
          onFocus={(event) => {
            event.currentTarget.select();
          }}
        />
        <button type="button" className="btn btn--secondary" onClick={() => void copy()}>
          Copy link
        </button>
      </div>
      <p id={`${id}-expires`} className="admin-muted">
        Works once, until <time dateTime={link.expiresAt}>{formatDateTime(link.expiresAt)}</time>.{' '}
        <span role="status">{copied}</span>
      </p>
    </div>
  );
}
