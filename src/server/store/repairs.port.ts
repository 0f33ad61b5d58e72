import type { RepairRunResult } from '../../shared/repair/repair.schemas.js';

/**
 * Test and fix (issue 17): the run of a turn's code with its tests, kept
 * on the answer turn (a prompt record) it ran: SQLite's `prompts.test_run`
 * column, MongoDB's `testRun` field of the prompt document. It goes with
 * its turn: deleting the turn or its thread deletes it.
 */
export interface RepairRepository {
  /** Saves the test run of turn `promptId` (replacing one saved before); false when there is no such turn. */
  saveRun(promptId: string, run: RepairRunResult): Promise<boolean>;
  /** The saved test runs of the turns of `userId`'s thread `threadId`, by turn id (turns without one are absent). */
  runsOfThread(userId: string, threadId: string): Promise<Map<string, RepairRunResult>>;
}
