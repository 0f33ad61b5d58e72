import { useCallback, useEffect, useRef, useState } from 'react';
import {
  changeUser,
  createResetLink,
  deleteUser,
  fetchAdminUsers,
  signOutUser,
  type AdminUser,
  type OneTimeLink,
  type UserStatus,
} from '../../api/admin.api';
import { useConfirm } from '../../hooks/useConfirm';
import { asApiError } from '../../hooks/useHistoryList';
import { useAuth } from '../../auth/auth.context';
import { FormField, SelectField, StatusRegion } from '../FormField';
import { ConfirmDialog } from '../history/ConfirmDialog';
import { plural } from '../profile/profile-format';
import { AdminTable, ErrorAlert, Loading } from './AdminParts';
import { AdminUserRow, type UserRowAction } from './AdminUserRow';
import { CopyLink } from './CopyLink';
import './admin.css';

type Filter = { q: string; status: '' | UserStatus };

const USER_COLUMNS = ['Account', 'Role', 'Status', 'Created', 'Last sign-in', 'Runs (30 days)', 'Actions'];

/** Users: search, status filter, paging, and each account's actions. */
export function AdminUsers() {
  const { user: me } = useAuth();
  const [filter, setFilter] = useState<Filter>({ q: '', status: '' });
  const [search, setSearch] = useState('');
  const [users, setUsers] = useState<AdminUser[] | null>(null);
  const [nextCursor, setNextCursor] = useState<string | null>(null);
  const [busyId, setBusyId] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [link, setLink] = useState<{ username: string; link: OneTimeLink } | null>(null);
  const [deleting, setDeleting] = useState<AdminUser | null>(null);
  const remove = useConfirm(async () => {
    if (!deleting) {
      return;
    }
    await deleteUser(deleting.id);
    setUsers((current) => current?.filter((u) => u.id !== deleting.id) ?? null);
    setNotice(`${deleting.username} and all their data were deleted.`);
  });

  const load = useCallback(
    (cursor: string | null, signal?: AbortSignal): Promise<void> =>
      fetchAdminUsers(
        {
          ...(filter.q ? { q: filter.q } : {}),
          ...(filter.status ? { status: filter.status } : {}),
          ...(cursor ? { cursor } : {}),
        },
        signal,
      ).then(
        (page) => {
          setUsers((current) => (cursor && current ? [...current, ...page.items] : page.items));
          setNextCursor(page.nextCursor);
          setError(null);
        },
        (failure: unknown) => {
          if (!signal?.aborted) {
            setError(asApiError(failure).message);
          }
        },
      ),
    [filter],
  );

  // A "Show more" still on its way when the filter changes must not append the old filter's accounts.
  const more = useRef<AbortController | null>(null);
  useEffect(() => {
    const controller = new AbortController();
    void load(null, controller.signal);
    return () => {
      controller.abort();
      more.current?.abort();
    };
  }, [load]);

  const showMore = (cursor: string) => {
    more.current?.abort();
    more.current = new AbortController();
    void load(cursor, more.current.signal);
  };

  const replace = (changed: AdminUser) => {
    setUsers((current) => current?.map((u) => (u.id === changed.id ? changed : u)) ?? null);
  };

  const run = async (user: AdminUser, action: UserRowAction) => {
    if (action === 'delete') {
      setDeleting(user);
      remove.ask();
      return;
    }
    setBusyId(user.id);
    setError(null);
    setNotice(null);
    setLink(null);
    try {
      if (action === 'sign-out') {
        const { sessionsRevoked } = await signOutUser(user.id);
        setNotice(`${user.username} was signed out of ${plural(sessionsRevoked, 'session')}.`);
      } else if (action === 'reset-link') {
        setLink({ username: user.username, link: await createResetLink(user.id) });
      } else {
        const changed = await changeUser(user.id, action);
        replace(changed);
        const done = { approve: 'approved', disable: 'disabled', enable: 'enabled' }[action];
        setNotice(`${user.username} is ${done}.`);
      }
    } catch (failure) {
      setError(asApiError(failure).message);
    } finally {
      setBusyId(null);
    }
  };

  return (
    <>
      <form
        className="admin-toolbar"
        role="search"
        aria-label="Users"
        onSubmit={(event) => {
          event.preventDefault();
          setFilter((f) => ({ ...f, q: search.trim() }));
        }}
      >
        <FormField
          id="admin-user-search"
          label="Search users"
          type="search"
          value={search}
          maxLength={200}
          onChange={(event) => {
            setSearch(event.target.value);
          }}
        />
        <SelectField
          id="admin-user-status"
          label="Status"
          value={filter.status}
          onChange={(event) => {
            setFilter((f) => ({ ...f, status: event.target.value as Filter['status'] }));
          }}
        >
          <option value="">Any</option>
          <option value="active">Active</option>
          <option value="pending">Pending</option>
          <option value="disabled">Disabled</option>
        </SelectField>
        <button type="submit" className="btn btn--secondary">
          Search
        </button>
      </form>

      <StatusRegion message={notice} tone="success" />
      {link ? (
        <CopyLink label={`One-time password-reset link for ${link.username}`} link={link.link} />
      ) : null}
      <ErrorAlert message={error} />

      {users === null ? (
        error ? null : (
          <Loading what="users" />
        )
      ) : users.length === 0 ? (
        <p className="admin-muted">No account matches.</p>
      ) : (
        <AdminTable label="Accounts" columns={USER_COLUMNS}>
          {users.map((user) => (
            <AdminUserRow
              key={user.id}
              user={user}
              self={user.id === me?.id}
              busy={busyId === user.id}
              onAction={(u, action) => void run(u, action)}
            />
          ))}
        </AdminTable>
      )}
      {nextCursor ? (
        <button
          type="button"
          className="btn btn--secondary"
          onClick={() => {
            showMore(nextCursor);
          }}
        >
          Show more accounts
        </button>
      ) : null}

      <ConfirmDialog
        {...remove.dialog}
        title={`Delete ${deleting?.username ?? ''}?`}
        confirmLabel="Delete account"
      >
        The account, its history and every session are deleted for good. This cannot be undone.
      </ConfirmDialog>
    </>
  );
}
