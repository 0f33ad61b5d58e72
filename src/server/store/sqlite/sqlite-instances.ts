import type Database from 'better-sqlite3';
import type { InstanceRecord, InstanceRepository, RunFailure, RunOrphans } from '../instances.port.js';

interface InstanceRow {
  id: string;
  host: string;
  pid: number;
  started_at: number;
  heartbeat_at: number;
}

function toInstance(row: InstanceRow): InstanceRecord {
  return {
    id: row.id,
    host: row.host,
    pid: row.pid,
    startedAt: new Date(row.started_at),
    heartbeatAt: new Date(row.heartbeat_at),
  };
}

/** Instances (`instances`) and the owner and stop request of running prompts (`run_owners`), in SQLite. */
export class SqliteInstances implements InstanceRepository {
  private readonly upsert;
  private readonly all;
  private readonly deleteOne;
  private readonly claim;
  private readonly cancel;
  private readonly cancelled;
  private readonly failOrphans;

  constructor(db: Database.Database) {
    this.upsert = db.prepare(
      `INSERT INTO instances (id, host, pid, started_at, heartbeat_at) VALUES (@id, @host, @pid, @startedAt, @heartbeatAt)
       ON CONFLICT (id) DO UPDATE SET host = excluded.host, pid = excluded.pid,
         started_at = excluded.started_at, heartbeat_at = excluded.heartbeat_at`,
    );
    this.all = db.prepare<[], InstanceRow>('SELECT * FROM instances ORDER BY id');
    this.deleteOne = db.prepare('DELETE FROM instances WHERE id = ?');
    // run_owners rows exist for running runs only (see migration 9): each write checks the run runs.
    this.claim = db.prepare(
      `INSERT INTO run_owners (prompt_id, owner) SELECT id, @owner FROM prompts WHERE id = @id AND status = 'running'
       ON CONFLICT (prompt_id) DO UPDATE SET owner = excluded.owner`,
    );
    this.cancel = db.prepare(
      `INSERT INTO run_owners (prompt_id, cancel_requested_at)
         SELECT id, @at FROM prompts WHERE id = @id AND status = 'running'
       ON CONFLICT (prompt_id) DO UPDATE SET cancel_requested_at = coalesce(cancel_requested_at, excluded.cancel_requested_at)`,
    );
    // run_owners_owner: one index probe.
    this.cancelled = db
      .prepare<[string], string>(
        'SELECT prompt_id FROM run_owners WHERE owner = ? AND cancel_requested_at IS NOT NULL ORDER BY prompt_id',
      )
      .pluck();
    // prompts_running (a partial index on status) keeps this to the running rows.
    this.failOrphans = db.prepare(
      `UPDATE prompts SET status = 'failed', error = @error, finished_at = @at
       WHERE status = 'running'
         AND (id IN (SELECT prompt_id FROM run_owners WHERE owner IN (SELECT value FROM json_each(@gone)))
           OR (created_at < @before
             AND id NOT IN (SELECT prompt_id FROM run_owners WHERE owner IN (SELECT value FROM json_each(@live))))
           )`,
    );
  }

  async beat(instance: InstanceRecord): Promise<void> {
    this.upsert.run({
      id: instance.id,
      host: instance.host,
      pid: instance.pid,
      startedAt: instance.startedAt.getTime(),
      heartbeatAt: instance.heartbeatAt.getTime(),
    });
  }

  async list(): Promise<InstanceRecord[]> {
    return this.all.all().map(toInstance);
  }

  async remove(id: string): Promise<boolean> {
    return this.deleteOne.run(id).changes > 0;
  }

  async claimRun(promptId: string, instanceId: string): Promise<boolean> {
    return this.claim.run({ owner: instanceId, id: promptId }).changes > 0;
  }

  async requestCancel(promptId: string, at: Date): Promise<boolean> {
    return this.cancel.run({ at: at.getTime(), id: promptId }).changes > 0;
  }

  async cancelRequested(instanceId: string): Promise<string[]> {
    return this.cancelled.all(instanceId);
  }

  async failOrphanedRuns(orphans: RunOrphans, error: RunFailure, at: Date): Promise<number> {
    return this.failOrphans.run({
      gone: JSON.stringify(orphans.gone),
      live: JSON.stringify(orphans.live),
      before: orphans.createdBefore.getTime(),
      error: JSON.stringify({ code: error.code, message: error.message }),
      at: at.getTime(),
    }).changes;
  }
}
