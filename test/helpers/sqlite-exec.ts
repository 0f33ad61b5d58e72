import Database from 'better-sqlite3';

/**
 * Runs `sql` on the SQLite file from a connection of its own, as another
 * process would (e.g. a trigger that makes one statement of the server's
 * fail, a real fault half-way through a transaction).
 */
export function execSqlite(file: string, sql: string): void {
  const db = new Database(file, { fileMustExist: true });
  try {
    db.exec(sql);
  } finally {
    db.close();
  }
}
