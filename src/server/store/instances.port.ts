/**
 * Server processes sharing one store, and the runs (prompt records with
 * status `running`) each one owns (issue 14, "Runs have an owner"). Every
 * process writes a heartbeat; a run records the instance that drives it, so
 * a restarting instance fails only the runs of instances that are gone, and
 * a cancel or a reader arriving at another instance goes through the store.
 */

/** One server process as the store knows it. */
export interface InstanceRecord {
  /** Random, new at every start of a process. */
  id: string;
  /** Where `pid` means something: the host name and, on Linux, the process-id namespace. */
  host: string;
  pid: number;
  startedAt: Date;
  /** Its last heartbeat. */
  heartbeatAt: Date;
}

/** Why runs failed when their instance was found gone. */
export interface RunFailure {
  code: string;
  message: string;
}

/** Which running runs have lost their instance (see failOrphanedRuns). */
export interface RunOrphans {
  /** Instances found gone (a stale heartbeat, or a previous life of a process on this host). */
  gone: readonly string[];
  /** Instances alive when the list was read. */
  live: readonly string[];
  /** Only runs created before this may be failed for an owner missing from `live`. */
  createdBefore: Date;
}

export interface InstanceRepository {
  /** Inserts the instance's record or, when it exists, replaces it (a heartbeat). */
  beat(instance: InstanceRecord): Promise<void>;
  /** Every instance's record, in id order. */
  list(): Promise<InstanceRecord[]>;
  /** Deletes an instance's record; false when absent. */
  remove(id: string): Promise<boolean>;
  /** Makes `instanceId` the owner of run `promptId`; false when the record is absent or not running. */
  claimRun(promptId: string, instanceId: string): Promise<boolean>;
  /** Records a request to stop run `promptId` at `at`; false when the record is absent or not running. */
  requestCancel(promptId: string, at: Date): Promise<boolean>;
  /** The ids of the running runs of `instanceId` that someone asked to stop (one indexed query). */
  cancelRequested(instanceId: string): Promise<string[]>;
  /**
   * Fails, with `error` at `at`, the running runs owned by an instance in
   * `orphans.gone`, and the running runs created before
   * `orphans.createdBefore` whose owner is not in `orphans.live` (none, or an
   * instance whose record is gone: a crash between a run's record and its
   * claim, a record older than owners); returns how many. An instance
   * writes its record before its first run, so a run younger than the
   * cut-off of an instance missing from `live` (it started after the list
   * was read) is left alone.
   */
  failOrphanedRuns(orphans: RunOrphans, error: RunFailure, at: Date): Promise<number>;
}
