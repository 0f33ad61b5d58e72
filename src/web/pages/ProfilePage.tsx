import { useAuth } from '../auth/auth.context';
import { PlaceholderPage } from '../components/PlaceholderPage';

const dateFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'long' });

/** Account settings (a later issue); for now it shows the account's details. */
export function ProfilePage() {
  const { user } = useAuth();
  return (
    <PlaceholderPage
      title="Profile"
      description="Manage your account here: display name, email address, password and preferences."
    >
      {user ? (
        <dl className="details">
          <div>
            <dt>Username</dt>
            <dd>{user.username}</dd>
          </div>
          <div>
            <dt>Display name</dt>
            <dd>{user.displayName ?? '—'}</dd>
          </div>
          <div>
            <dt>Email</dt>
            <dd>{user.email}</dd>
          </div>
          <div>
            <dt>Member since</dt>
            <dd>
              <time dateTime={user.createdAt}>{formatDate(user.createdAt)}</time>
            </dd>
          </div>
        </dl>
      ) : null}
    </PlaceholderPage>
  );
}

function formatDate(iso: string): string {
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : dateFormat.format(date);
}
