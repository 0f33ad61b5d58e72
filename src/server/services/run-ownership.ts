import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import type { Clock } from '../clock.js';
import type { Logger } from '../logger.js';
import type { InstanceRecord, InstanceRepository, RunFailure } from '../store/instances.port.js';

/** How a run ends when its instance is found gone (the same words as a run a shutdown stopped). */
export const INSTANCE_GONE: RunFailure = {
  code: 'interrupted',
  message: 'The server stopped during this generation.',
};

/** What this process can tell about processes on its own host. */
export interface ProcessProbe {
  /** Where a pid means something: the host name and, on Linux, the process-id namespace. */
  host: string;
  pid: number;
  /** When this process started. */
  startedAt: Date;
  /** Whether a process with this pid exists on this host. */
  alive(pid: number): boolean;
}

/** When this process started: one value for every app it builds (tests build several on one store). */
const PROCESS_STARTED_AT = new Date(Math.round(Date.now() - process.uptime() * 1000));

/** The running process as a ProcessProbe. */
export function thisProcess(): ProcessProbe {
  let namespace = '';
  try {
    // Containers on one host may share a host name but not a pid namespace: a pid is only compared within one.
    namespace = ` ${fs.readlinkSync('/proc/self/ns/pid')}`;
  } catch {
    // Not Linux: the host name alone.
  }
  return {
    host: `${os.hostname()}${namespace}`,
    pid: process.pid,
    startedAt: PROCESS_STARTED_AT,
    alive: (pid) => {
      try {
        process.kill(pid, 0);
        return true;
      } catch (error) {
        // EPERM: it exists but belongs to someone else.
        return (error as NodeJS.ErrnoException).code === 'EPERM';
      }
    },
  };
}

/**
 * Whether `other` is gone, as seen by instance `selfId` at `now`: its
 * heartbeat is older than `staleMs`, or it ran on this host and its process
 * is no more (its pid is dead, or is this very process's pid from before
 * this process started: a previous life, as in a restarted container).
 */
export function isGone(
  other: InstanceRecord,
  selfId: string,
  now: Date,
  staleMs: number,
  probe: ProcessProbe,
): boolean {
  if (other.id === selfId) {
    return false;
  }
  if (now.getTime() - other.heartbeatAt.getTime() > staleMs) {
    return true;
  }
  if (other.host !== probe.host) {
    return false;
  }
  return other.pid === probe.pid ? other.startedAt < probe.startedAt : !probe.alive(other.pid);
}

export interface RunOwnershipDeps {
  instances: InstanceRepository;
  clock: Clock;
  log: Logger;
  /** A heartbeat older than this marks its instance gone (INSTANCE_STALE_SECONDS). */
  staleMs: number;
  probe?: ProcessProbe;
  /** This instance's id (default: a new random one). */
  id?: string;
}

/**
 * This process as one instance among those sharing the store: it writes its
 * heartbeat, and fails the runs of instances found gone (crashed, killed,
 * or a previous life of this process), never those of a live instance.
 */
export class RunOwnership {
  /** This instance's id: the owner recorded on every run it starts. */
  readonly id: string;
  private readonly probe: ProcessProbe;

  constructor(private readonly deps: RunOwnershipDeps) {
    this.id = deps.id ?? randomUUID();
    this.probe = deps.probe ?? thisProcess();
  }

  /** Writes this instance's heartbeat. */
  async beat(): Promise<void> {
    await this.deps.instances.beat({
      id: this.id,
      host: this.probe.host,
      pid: this.probe.pid,
      startedAt: this.probe.startedAt,
      heartbeatAt: this.deps.clock.now(),
    });
  }

  /**
   * Fails the runs of every instance found gone and forgets those
   * instances; returns how many runs failed. Start-up calls it after the
   * first heartbeat, the heartbeat job after every one.
   */
  async sweep(): Promise<number> {
    const now = this.deps.clock.now();
    const all = await this.deps.instances.list();
    const gone = all.filter((i) => isGone(i, this.id, now, this.deps.staleMs, this.probe)).map((i) => i.id);
    // Itself included even if another instance removed its record (a pause longer than the stale time).
    const live = [this.id, ...all.map((i) => i.id).filter((id) => id !== this.id && !gone.includes(id))];
    const failed = await this.deps.instances.failOrphanedRuns(
      { gone, live, createdBefore: new Date(now.getTime() - this.deps.staleMs) },
      INSTANCE_GONE,
      now,
    );
    if (failed > 0) {
      this.deps.log.warn({ failed, instances: gone }, 'generations of stopped instances marked failed');
    }
    // Only once their runs are failed: a run whose owner has no record is failed by a later sweep anyway.
    for (const id of gone) {
      await this.deps.instances.remove(id);
    }
    return failed;
  }

  /** Removes this instance's record (a clean stop, after its runs have ended). */
  async leave(): Promise<void> {
    await this.deps.instances.remove(this.id);
  }
}
