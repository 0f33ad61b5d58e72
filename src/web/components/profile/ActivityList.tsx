import type { ActivityEntry } from '../../api/profile.api';
import { describeActivity, formatDateTime } from './profile-format';
import './profile.css';

/** Recent account events in plain words, newest first, with when, which browser and from where. */
export function ActivityList({ entries }: { entries: readonly ActivityEntry[] }) {
  if (entries.length === 0) {
    return <p className="profile-muted">No account activity yet.</p>;
  }
  return (
    <ol className="activity-list">
      {entries.map((entry) => {
        const { what, detail } = describeActivity(entry);
        const where = [entry.browser, entry.ip ? `IP ${entry.ip}` : null].filter(Boolean).join(' · ');
        return (
          <li key={entry.id} className={`activity activity--${entry.kind}`}>
            <p className="activity__what">
              {what}
              {detail ? <span className="activity__detail"> {detail}</span> : null}
            </p>
            <p className="activity__meta">
              <time dateTime={entry.createdAt}>{formatDateTime(entry.createdAt)}</time>
              {where ? ` · ${where}` : ''}
            </p>
          </li>
        );
      })}
    </ol>
  );
}
