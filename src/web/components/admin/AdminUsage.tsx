import { fetchAdminUsage } from '../../api/admin.api';
import { useFetched } from '../../hooks/useFetched';
import { UsageChart } from '../profile/UsageChart';
import { AdminTable, ErrorAlert, Loading } from './AdminParts';
import './admin.css';

/** Usage: every user's runs per day over the last 30 days (the profile's chart), by model and top users. */
export function AdminUsage() {
  const { value: usage, error } = useFetched(fetchAdminUsage);

  if (usage === null) {
    return error ? <ErrorAlert message={error} /> : <Loading what="usage" />;
  }
  return (
    <>
      <dl className="admin-totals">
        <div>
          <dt>Runs, last 30 days</dt>
          <dd data-testid="admin-usage-total">{usage.total.toLocaleString()}</dd>
        </div>
        <div>
          <dt>Code generated</dt>
          <dd>{usage.generations.toLocaleString()}</dd>
        </div>
        <div>
          <dt>Code explained</dt>
          <dd>{usage.explanations.toLocaleString()}</dd>
        </div>
      </dl>
      <UsageChart days={usage.last30Days} />
      <CountTable
        label="Runs per model"
        heading="Model"
        rows={usage.byModel.map((m) => ({ key: m.modelId, name: m.modelId, count: m.count }))}
      />
      <CountTable
        label="Most active users"
        heading="User"
        rows={usage.topUsers.map((u) => ({ key: u.userId, name: u.username, count: u.count }))}
      />
    </>
  );
}

function CountTable({
  label,
  heading,
  rows,
}: {
  label: string;
  heading: string;
  rows: { key: string; name: string; count: number }[];
}) {
  return (
    <AdminTable label={label} columns={[heading, 'Runs']}>
      {rows.length === 0 ? (
        <tr>
          <td colSpan={2} className="admin-muted">
            None in the last 30 days.
          </td>
        </tr>
      ) : (
        rows.map((row) => (
          <tr key={row.key}>
            <th scope="row">{row.name}</th>
            <td>{row.count.toLocaleString()}</td>
          </tr>
        ))
      )}
    </AdminTable>
  );
}
