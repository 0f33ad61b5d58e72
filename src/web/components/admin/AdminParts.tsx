import type { ReactNode } from 'react';
import './admin.css';

/** A failure of the panel's last request, announced as it appears; nothing when there is none. */
export function ErrorAlert({ message, children }: { message: string | null; children?: ReactNode }) {
  return message === null ? null : (
    <div role="alert" className="alert alert--error">
      <p>{message}</p>
      {children}
    </div>
  );
}

/** "Loading …" while the panel's data is on its way. */
export function Loading({ what }: { what: string }) {
  return (
    <p role="status" className="admin-muted">
      Loading {what}…
    </p>
  );
}

/**
 * A table in a scrollable region (phones scroll it sideways, not the page),
 * named by `label` and reachable with the keyboard.
 */
export function AdminTable({
  label,
  columns,
  children,
}: {
  label: string;
  columns: readonly string[];
  /** The body rows. */
  children: ReactNode;
}) {
  return (
    <div className="admin-table" tabIndex={0} role="region" aria-label={label}>
      <table>
        <thead>
          <tr>
            {columns.map((column) => (
              <th key={column} scope="col">
                {column}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>{children}</tbody>
      </table>
    </div>
  );
}
