import { useState } from 'react';
import { useAuth } from '../auth/auth.context';
import { AdminModels } from '../components/admin/AdminModels';
import { AdminRegistration } from '../components/admin/AdminRegistration';
import { AdminTabs, type AdminTab } from '../components/admin/AdminTabs';
import { AdminUsage } from '../components/admin/AdminUsage';
import { AdminUsers } from '../components/admin/AdminUsers';
import { PageHeading } from '../components/PageHeading';
import { NotFoundPage } from './NotFoundPage';

type TabId = 'users' | 'registration' | 'models' | 'usage';

const TABS: readonly AdminTab<TabId>[] = [
  { id: 'users', label: 'Users' },
  { id: 'registration', label: 'Registration' },
  { id: 'models', label: 'Models' },
  { id: 'usage', label: 'Usage' },
];

const LEADS: Record<TabId, string> = {
  users: 'Approve, disable or delete accounts, sign them out, or hand over a password-reset link.',
  registration: 'Who may create an account, and invitation links.',
  models: 'Each model’s real status, where it runs and its last error (users see none of the addresses).',
  usage: 'Runs of every user over the last 30 days.',
};

/**
 * /admin, for administrators only: users, registration, models and usage as
 * tabs. Anyone else gets the page-not-found answer, as for any other unknown
 * address (the API answers them 403 anyway).
 */
export function AdminPage() {
  const { user } = useAuth();
  const [tab, setTab] = useState<TabId>('users');
  if (user?.role !== 'admin') {
    return <NotFoundPage />;
  }
  return (
    <>
      <PageHeading>Administration</PageHeading>
      <AdminTabs tabs={TABS} selected={tab} onSelect={setTab} />
      <section
        role="tabpanel"
        id={`admin-panel-${tab}`}
        aria-labelledby={`admin-tab-${tab}`}
        tabIndex={0}
        className="card admin-panel"
      >
        <p className="admin-muted">{LEADS[tab]}</p>
        {tab === 'users' ? <AdminUsers /> : null}
        {tab === 'registration' ? <AdminRegistration /> : null}
        {tab === 'models' ? <AdminModels /> : null}
        {tab === 'usage' ? <AdminUsage /> : null}
      </section>
    </>
  );
}
