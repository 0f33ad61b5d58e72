import { useState } from 'react';
import { fetchAdminModels, reloadCatalogue } from '../../api/admin.api';
import { useFetched } from '../../hooks/useFetched';
import { asApiError } from '../../hooks/useHistoryList';
import { StatusRegion } from '../FormField';
import { formatDateTime } from '../profile/profile-format';
import { AdminTable, ErrorAlert, Loading } from './AdminParts';
import { ModelPull } from './ModelPull';
import './admin.css';

/** Models: each model's real status, server or source URL and last error; reload and pull. */
export function AdminModels() {
  const { value: list, error, reload: load } = useFetched(fetchAdminModels);
  const [reloading, setReloading] = useState(false);
  const [reloadError, setReloadError] = useState<{ message: string; problems: string[] } | null>(null);
  const [notice, setNotice] = useState<string | null>(null);

  const reload = async () => {
    setReloading(true);
    setReloadError(null);
    setNotice(null);
    try {
      const result = await reloadCatalogue();
      const parts = [
        result.added.length > 0 ? `added ${result.added.join(', ')}` : null,
        result.removed.length > 0 ? `removed ${result.removed.join(', ')}` : null,
        result.changed.length > 0 ? `changed ${result.changed.join(', ')}` : null,
      ].filter(Boolean);
      setNotice(`Catalogue reloaded: ${parts.length > 0 ? parts.join('; ') : 'no change'}.`);
      await load();
    } catch (failure) {
      const apiError = asApiError(failure);
      const problems = apiError.details['problems'];
      setReloadError({
        message: apiError.message,
        problems: Array.isArray(problems) ? problems.filter((p): p is string => typeof p === 'string') : [],
      });
    } finally {
      setReloading(false);
    }
  };

  return (
    <>
      <div className="admin-toolbar">
        <p className="admin-muted">
          {list ? (
            <>
              Catalogue <code className="inline-code">{list.catalogueFile}</code>, loaded{' '}
              <time dateTime={list.loadedAt}>{formatDateTime(list.loadedAt)}</time>.
            </>
          ) : null}
        </p>
        <button
          type="button"
          className="btn btn--secondary"
          disabled={reloading}
          onClick={() => void reload()}
        >
          Reload catalogue
        </button>
      </div>
      <StatusRegion message={notice} tone="success" />
      <ErrorAlert message={reloadError?.message ?? null}>
        {reloadError && reloadError.problems.length > 0 ? (
          <ul className="admin-problems">
            {reloadError.problems.map((problem) => (
              <li key={problem}>{problem}</li>
            ))}
          </ul>
        ) : null}
      </ErrorAlert>
      <ErrorAlert message={error} />
      {list === null ? (
        error ? null : (
          <Loading what="models" />
        )
      ) : (
        <AdminTable
          label="Models"
          columns={['Model', 'Status', 'Server or source', 'Last error', 'Download']}
        >
          {list.models.map((model) => (
            <tr key={model.id} data-testid="admin-model-row" data-model-id={model.id}>
              <th scope="row">
                {model.name}
                <div className="admin-muted">
                  {model.id} · {model.provider}
                </div>
              </th>
              <td>
                <span className={`badge admin-status admin-status--${model.status}`}>{model.status}</span>
                {model.reason ? <p className="admin-muted">{model.reason}</p> : null}
              </td>
              <td>
                {model.url ? <span className="admin-url">{model.url}</span> : null}
                {model.file ? <div className="admin-url admin-muted">{model.file}</div> : null}
              </td>
              <td>
                {model.lastError ? (
                  <>
                    <p className="admin-error">{model.lastError.message}</p>
                    <time className="admin-muted" dateTime={model.lastError.at}>
                      {formatDateTime(model.lastError.at)}
                    </time>
                  </>
                ) : (
                  <span className="admin-muted">None</span>
                )}
              </td>
              <td>
                {model.provider === 'local' ? (
                  <ModelPull model={model} onFinished={() => void load()} />
                ) : (
                  <span className="admin-muted">Remote</span>
                )}
              </td>
            </tr>
          ))}
        </AdminTable>
      )}
    </>
  );
}
