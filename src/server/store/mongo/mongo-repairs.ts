import type { RepairRepository } from '../repairs.port.js';
import type { RepairRunResult } from '../../../shared/repair/repair.schemas.js';
import type { MongoCollections } from './mongo-collections.js';
import { atBoundary } from './mongo-errors.js';
import { text } from './mongo-filters.js';

/**
 * A test run as the prompt document's `testRun` field holds it: without an
 * undefined `message` (the driver would store it as null). Also db:copy's
 * (mongo-bulk.ts).
 */
export function testRunDoc(run: RepairRunResult): RepairRunResult {
  return {
    status: run.status,
    output: run.output,
    ...(run.message === undefined ? {} : { message: run.message }),
    durationMs: run.durationMs,
  };
}

/**
 * Test runs of Test and fix turns in MongoDB: the `testRun` field of their
 * prompt document (deleted with it); a thread's are found through the
 * prompts_thread index (userId, threadId).
 */
export class MongoRepairs implements RepairRepository {
  constructor(private readonly c: MongoCollections) {}

  async saveRun(promptId: string, run: RepairRunResult): Promise<boolean> {
    const testRun = testRunDoc(run);
    const result = await atBoundary(() =>
      this.c.prompts.updateOne({ _id: text(promptId, 'promptId') }, { $set: { testRun } }),
    );
    return result.matchedCount > 0;
  }

  async runsOfThread(userId: string, threadId: string): Promise<Map<string, RepairRunResult>> {
    const filter = {
      userId: text(userId, 'userId'),
      threadId: text(threadId, 'threadId'),
      testRun: { $exists: true },
    };
    const docs = await atBoundary(() =>
      this.c.prompts
        .find<{ _id: string; testRun: RepairRunResult }>(filter, { projection: { _id: 1, testRun: 1 } })
        .toArray(),
    );
    // The filter's $exists holds testRun in every document found.
    return new Map(docs.map((d) => [d._id, d.testRun]));
  }
}
