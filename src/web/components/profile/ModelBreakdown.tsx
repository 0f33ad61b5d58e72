import type { ModelListing } from '../../api/generation.api';
import type { ModelUsage } from '../../api/profile.api';
import './usage.css';

/** Requests and answer tokens per model, most used first, with each model's share as a bar. */
export function ModelBreakdown({
  usage,
  models,
}: {
  usage: readonly ModelUsage[];
  models: readonly ModelListing[] | null;
}) {
  if (usage.length === 0) {
    return <p className="profile-muted">No model has been used yet.</p>;
  }
  const total = usage.reduce((sum, row) => sum + row.count, 0);
  const rows = [...usage].sort((a, b) => b.count - a.count);
  return (
    <div className="model-usage" tabIndex={0} role="region" aria-label="Use per model">
      <table>
        <thead>
          <tr>
            <th scope="col">Model</th>
            <th scope="col">Requests</th>
            <th scope="col">Share</th>
            <th scope="col">Answer tokens</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => {
            const share = total === 0 ? 0 : Math.round((row.count / total) * 100);
            return (
              <tr key={row.modelId}>
                <th scope="row">{models?.find((m) => m.id === row.modelId)?.name ?? row.modelId}</th>
                <td>{row.count.toLocaleString()}</td>
                <td>
                  <span className="model-usage__share">
                    <svg
                      className="model-usage__bar"
                      viewBox="0 0 100 8"
                      preserveAspectRatio="none"
                      aria-hidden="true"
                    >
                      <rect className="model-usage__track" x={0} y={0} width={100} height={8} rx={4} />
                      <rect
                        className="model-usage__fill"
                        x={0}
                        y={0}
                        width={Math.max(share, 2)}
                        height={8}
                        rx={4}
                      />
                    </svg>
                    {share}%
                  </span>
                </td>
                <td>{row.completionTokens.toLocaleString()}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
