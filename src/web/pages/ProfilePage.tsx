import { useCallback, useEffect, useState } from 'react';
import type { User } from '../../shared/auth.schemas';
import { MESSAGES } from '../../shared/messages';
import { ApiError } from '../api/api-client';
import { fetchProfile, fetchSessions, type Profile, type SessionInfo } from '../api/profile.api';
import { useAuth } from '../auth/auth.context';
import { PageHeading } from '../components/PageHeading';
import { ActivityList } from '../components/profile/ActivityList';
import { DeleteAccount } from '../components/profile/DeleteAccount';
import { DisplayNameForm } from '../components/profile/DisplayNameForm';
import { EmailForm } from '../components/profile/EmailForm';
import { ModelBreakdown } from '../components/profile/ModelBreakdown';
import { PasswordForm } from '../components/profile/PasswordForm';
import { SessionsList } from '../components/profile/SessionsList';
import { UsageChart } from '../components/profile/UsageChart';
import { formatLongDate } from '../components/profile/profile-format';
import { useModels } from '../stores/models.store';

type Loadable<T> =
  { status: 'loading' } | { status: 'error'; message: string } | { status: 'ready'; data: T };

/** Activity entries shown before "Show all". */
const ACTIVITY_PREVIEW = 6;

/** The account: details, usage, recent activity, settings forms, signed-in devices and deletion. */
export function ProfilePage() {
  const { user: signedIn, updateUser } = useAuth();
  const { models } = useModels();
  const [profile, setProfile] = useState<Loadable<Profile>>({ status: 'loading' });
  const [sessions, setSessions] = useState<Loadable<SessionInfo[]>>({ status: 'loading' });
  const [attempt, setAttempt] = useState(0);
  const [allActivity, setAllActivity] = useState(false);

  const load = useCallback((signal?: AbortSignal) => {
    fetchProfile(signal).then(
      (data) => {
        setProfile({ status: 'ready', data });
      },
      (error: unknown) => {
        if (!signal?.aborted) {
          setProfile((current) => (current.status === 'ready' ? current : failed(error)));
        }
      },
    );
    fetchSessions(signal).then(
      (data) => {
        setSessions({ status: 'ready', data });
      },
      (error: unknown) => {
        if (!signal?.aborted) {
          setSessions((current) => (current.status === 'ready' ? current : failed(error)));
        }
      },
    );
  }, []);

  useEffect(() => {
    const controller = new AbortController();
    load(controller.signal);
    return () => {
      controller.abort();
    };
  }, [load, attempt]);

  // A form changed the account: the header, the details and the activity follow.
  const onUserSaved = (user: User) => {
    updateUser(user);
    setProfile((current) =>
      current.status === 'ready' ? { status: 'ready', data: { ...current.data, user } } : current,
    );
    load();
  };

  const user = profile.status === 'ready' ? profile.data.user : signedIn;

  if (profile.status !== 'ready' || !user) {
    return (
      <>
        <PageHeading>Profile</PageHeading>
        {profile.status === 'error' ? (
          <div role="alert" className="alert alert--error profile-load-error">
            <p>Your profile could not be loaded. {profile.message}</p>
            <button
              type="button"
              className="btn btn--secondary"
              onClick={() => {
                setProfile({ status: 'loading' });
                setSessions({ status: 'loading' });
                setAttempt((n) => n + 1);
              }}
            >
              Try again
            </button>
          </div>
        ) : (
          <p role="status" className="profile-loading">
            <span className="spinner spinner--inline" aria-hidden="true" />
            Loading your profile…
          </p>
        )}
      </>
    );
  }

  const { stats, recentActivity } = profile.data;
  const last30 = stats.last30Days.reduce((sum, day) => sum + day.count, 0);
  const activity = allActivity ? recentActivity : recentActivity.slice(0, ACTIVITY_PREVIEW);

  return (
    <>
      <PageHeading>Profile</PageHeading>
      <p className="profile-lead">
        Your account, what you have done with CodeGenie, and where you are signed in.
      </p>

      <div className="profile-grid">
        <section
          className="card card--profile profile-grid__account"
          aria-labelledby="profile-account-heading"
        >
          <h2 id="profile-account-heading" className="profile-card__title">
            Account
          </h2>
          <dl className="profile-details">
            <div>
              <dt>Username</dt>
              <dd>{user.username}</dd>
            </div>
            <div>
              <dt>Display name</dt>
              <dd>{user.displayName ?? <span className="profile-muted">Not set</span>}</dd>
            </div>
            <div>
              <dt>Email</dt>
              <dd>{user.email}</dd>
            </div>
            <div>
              <dt>Member since</dt>
              <dd>
                <time dateTime={user.createdAt}>{formatLongDate(user.createdAt)}</time>
              </dd>
            </div>
          </dl>
        </section>

        <section className="card card--profile profile-grid__usage" aria-labelledby="profile-usage-heading">
          <h2 id="profile-usage-heading" className="profile-card__title">
            Usage
          </h2>
          <dl className="profile-totals">
            <div>
              <dt>Code generated</dt>
              <dd>{stats.generations.toLocaleString()}</dd>
            </div>
            <div>
              <dt>Code explained</dt>
              <dd>{stats.explanations.toLocaleString()}</dd>
            </div>
            <div>
              <dt>Last 30 days</dt>
              <dd>{last30.toLocaleString()}</dd>
            </div>
          </dl>
          <UsageChart days={stats.last30Days} />
          <h3 className="profile-card__subtitle">By model</h3>
          <ModelBreakdown usage={stats.byModel} models={models} />
        </section>

        <section
          className="card card--profile profile-grid__activity"
          aria-labelledby="profile-activity-heading"
        >
          <h2 id="profile-activity-heading" className="profile-card__title">
            Recent activity
          </h2>
          <p className="profile-muted">Sign-ins and changes to your account, newest first.</p>
          <ActivityList entries={activity} />
          {recentActivity.length > ACTIVITY_PREVIEW ? (
            <button
              type="button"
              className="btn btn--ghost profile-more"
              aria-expanded={allActivity}
              onClick={() => {
                setAllActivity((open) => !open);
              }}
            >
              {allActivity ? 'Show less' : `Show all ${recentActivity.length}`}
            </button>
          ) : null}
        </section>

        <section className="card card--profile profile-grid__name">
          <DisplayNameForm user={user} onSaved={onUserSaved} />
        </section>

        <section className="card card--profile profile-grid__email">
          <EmailForm user={user} onSaved={onUserSaved} />
        </section>

        <section className="card card--profile profile-grid__password">
          <PasswordForm
            user={user}
            onChanged={() => {
              load();
            }}
          />
        </section>

        <section
          className="card card--profile profile-grid__sessions"
          aria-labelledby="profile-sessions-heading"
        >
          <h2 id="profile-sessions-heading" className="profile-card__title">
            Signed-in devices
          </h2>
          <p className="profile-muted">
            Sign out anywhere you no longer use, or that you do not recognise (then change your password too).
          </p>
          {sessions.status === 'ready' ? (
            <SessionsList
              sessions={sessions.data}
              onSignedOut={(id) => {
                setSessions({ status: 'ready', data: sessions.data.filter((s) => s.id !== id) });
                load();
              }}
            />
          ) : sessions.status === 'error' ? (
            <div role="alert" className="alert alert--error">
              <p>Your devices could not be loaded. {sessions.message}</p>
            </div>
          ) : (
            <p role="status" className="profile-loading">
              <span className="spinner spinner--inline" aria-hidden="true" />
              Loading…
            </p>
          )}
        </section>

        <section className="card card--profile card--danger profile-grid__delete">
          <DeleteAccount username={user.username} />
        </section>
      </div>
    </>
  );
}

function failed(error: unknown): { status: 'error'; message: string } {
  return { status: 'error', message: error instanceof ApiError ? error.message : MESSAGES.internal };
}
