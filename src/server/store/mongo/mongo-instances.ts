import type { Collection } from 'mongodb';
import type { InstanceRecord, InstanceRepository, RunFailure, RunOrphans } from '../instances.port.js';
import type { MongoCollections } from './mongo-collections.js';
import { atBoundary } from './mongo-errors.js';
import { date, text } from './mongo-filters.js';
import { fromDoc, toDoc, type DocOf, type FieldsOf } from './mongo.mapping.js';

/** `instances`: one document per server process, its heartbeat included. */
export type InstanceDoc = DocOf<InstanceRecord>;

/** The fields a running prompt carries besides its record: its owner and when it was asked to stop. */
interface RunOwnershipFields {
  _id: string;
  status: string;
  createdAt: Date;
  owner?: string;
  cancelRequestedAt?: Date;
  error?: RunFailure | null;
  finishedAt?: Date | null;
}

const RUNNING = 'running' as const;

const INSTANCE_FIELDS: FieldsOf<InstanceRecord> = {
  host: true,
  pid: true,
  startedAt: true,
  heartbeatAt: true,
};

export function toInstanceDoc(instance: InstanceRecord): InstanceDoc {
  return toDoc(instance, INSTANCE_FIELDS);
}

export function fromInstanceDoc(doc: InstanceDoc): InstanceRecord {
  return fromDoc(doc, INSTANCE_FIELDS, {});
}

const ids = (values: readonly string[], field: string): string[] => values.map((v) => text(v, field));

/** Instances and the owner and stop request of running prompts, in MongoDB. */
export class MongoInstances implements InstanceRepository {
  /** `prompts`, seen through the ownership fields only. */
  private readonly runs: Collection<RunOwnershipFields>;

  constructor(private readonly c: MongoCollections) {
    this.runs = c.prompts as unknown as Collection<RunOwnershipFields>;
  }

  async beat(instance: InstanceRecord): Promise<void> {
    const { _id, ...fields } = toInstanceDoc(instance);
    await atBoundary(() =>
      this.c.instances.updateOne({ _id: text(_id, 'id') }, { $set: fields }, { upsert: true }),
    );
  }

  async list(): Promise<InstanceRecord[]> {
    const docs = await atBoundary(() => this.c.instances.find({}).sort({ _id: 1 }).toArray());
    return docs.map(fromInstanceDoc);
  }

  async remove(id: string): Promise<boolean> {
    const result = await atBoundary(() => this.c.instances.deleteOne({ _id: text(id, 'id') }));
    return result.deletedCount > 0;
  }

  async claimRun(promptId: string, instanceId: string): Promise<boolean> {
    const result = await atBoundary(() =>
      this.runs.updateOne(
        { _id: text(promptId, 'id'), status: RUNNING },
        { $set: { owner: text(instanceId, 'instanceId') } },
      ),
    );
    return result.matchedCount > 0;
  }

  async requestCancel(promptId: string, at: Date): Promise<boolean> {
    const filter = { _id: text(promptId, 'id'), status: RUNNING };
    // The first request's time is kept: a second one changes nothing.
    const result = await atBoundary(() =>
      this.runs.updateOne(filter, [
        { $set: { cancelRequestedAt: { $ifNull: ['$cancelRequestedAt', date(at, 'at')] } } },
      ]),
    );
    return result.matchedCount > 0;
  }

  async cancelRequested(instanceId: string): Promise<string[]> {
    // prompts_cancel_requested: a partial index holding only running runs someone asked to stop.
    const docs = await atBoundary(() =>
      this.runs
        .find(
          { owner: text(instanceId, 'instanceId'), status: RUNNING, cancelRequestedAt: { $exists: true } },
          { projection: { _id: 1 } },
        )
        .toArray(),
    );
    return docs.map((d) => d._id);
  }

  async failOrphanedRuns(orphans: RunOrphans, error: RunFailure, at: Date): Promise<number> {
    const result = await atBoundary(() =>
      this.runs.updateMany(
        {
          status: RUNNING,
          $or: [
            { owner: { $in: ids(orphans.gone, 'gone') } },
            // $nin also matches a document without an owner.
            {
              createdAt: { $lt: date(orphans.createdBefore, 'createdBefore') },
              owner: { $nin: ids(orphans.live, 'live') },
            },
          ],
        },
        {
          $set: {
            status: 'failed',
            error: { code: error.code, message: error.message },
            finishedAt: date(at, 'at'),
          },
        },
      ),
    );
    return result.modifiedCount;
  }
}
