import Database from 'better-sqlite3';

/**
 * The first row `sql` selects from the SQLite file as it is now, read on a
 * read-only connection of its own (as another process reads it, beside the
 * server that writes it); undefined when there is none.
 */
export function readSqliteRow(
  file: string,
  sql: string,
  ...params: unknown[]
): Record<string, unknown> | undefined {
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    return db.prepare<unknown[], Record<string, unknown>>(sql).get(...params);
  } finally {
    db.close();
  }
}
