import type { AdminUser } from '../../api/admin.api';
import { formatDateTime } from '../profile/profile-format';
import './admin.css';

/** What a row's buttons ask for; the list runs it and reports the outcome. */
export type UserRowAction = 'approve' | 'disable' | 'enable' | 'sign-out' | 'reset-link' | 'delete';

/** One account in the users table with the actions its status allows. */
export function AdminUserRow({
  user,
  self,
  busy,
  onAction,
}: {
  user: AdminUser;
  /** The signed-in admin's own row: no disable or delete here (the profile page deletes one's account). */
  self: boolean;
  busy: boolean;
  onAction: (user: AdminUser, action: UserRowAction) => void;
}) {
  const name = user.displayName ?? user.username;
  const button = (action: UserRowAction, label: string, className = 'btn btn--secondary') => (
    <button
      type="button"
      className={className}
      disabled={busy}
      aria-label={`${label}: ${user.username}`}
      onClick={() => {
        onAction(user, action);
      }}
    >
      {label}
    </button>
  );
  return (
    <tr data-testid="admin-user-row" data-username={user.username}>
      <th scope="row">
        {name}
        {user.displayName ? <span className="admin-muted"> @{user.username}</span> : null}
        <div className="admin-muted">{user.email}</div>
      </th>
      <td>{user.role === 'admin' ? 'Admin' : 'User'}</td>
      <td>
        <span className={`badge admin-status admin-status--${user.status}`}>{user.status}</span>
      </td>
      <td>
        <time dateTime={user.createdAt}>{formatDateTime(user.createdAt)}</time>
      </td>
      <td>
        {user.lastSignInAt ? (
          <time dateTime={user.lastSignInAt}>{formatDateTime(user.lastSignInAt)}</time>
        ) : (
          <span className="admin-muted">Never</span>
        )}
      </td>
      <td>{user.generations30d.toLocaleString()}</td>
      <td>
        <div className="admin-actions">
          {user.status === 'pending' ? button('approve', 'Approve', 'btn btn--primary') : null}
          {user.status === 'disabled' ? button('enable', 'Enable') : null}
          {user.status === 'active' && !self ? button('disable', 'Disable') : null}
          {button('sign-out', 'Sign out everywhere')}
          {button('reset-link', 'Reset link')}
          {self ? null : button('delete', 'Delete', 'btn btn--danger')}
        </div>
      </td>
    </tr>
  );
}
