import { createHash } from 'node:crypto';
import { ConflictError, NotFoundError } from '../errors.js';
import type { PromptRecord, Store, ThreadRecord } from '../store/store.port.js';
import type { HistoryQuery } from '../../shared/history.schemas.js';
import type { Thread, ThreadPage, ThreadTurn } from '../../shared/threads.schemas.js';
import { threadTitle } from '../../shared/thread-title.js';
import type { PriorTurn } from './generation-plan.js';
import { toHistoryItem, toPromptQuery } from './history.service.js';

const NO_THREAD = 'There is no such thread of yours.';
const NO_TURN = 'There is no such turn in this thread.';

/** Where a new turn goes: which thread (null: a new one), after which turn, and the turns before it. */
export interface TurnPlacement {
  /** The thread continued; null when the request starts a new one. */
  thread: ThreadRecord | null;
  parentId: string | null;
  /** The chain of turns the new one follows, oldest first: the model's context. */
  earlier: PromptRecord[];
  /** A Compare's thread, saved with the group's first run (the others find it). */
  group?: ThreadRecord;
  /** The run's column in its Compare, kept in the turn's params (a reopened Compare keeps the user's order). */
  column?: number;
}

/**
 * Finds where a request's turn goes. Without `threadId` a new thread starts.
 * With it: after `parentId` (null: the first position; left out: after the
 * thread's latest turn). Another user's thread, or a parent not in the
 * thread, is not found.
 */
export async function placeTurn(
  store: Store,
  userId: string,
  request: { threadId?: string; parentId?: string | null },
): Promise<TurnPlacement> {
  if (request.threadId === undefined) {
    if (request.parentId) {
      throw new NotFoundError(NO_TURN);
    }
    return { thread: null, parentId: null, earlier: [] };
  }
  return placeInThread(store, userId, request.threadId, request.parentId);
}

/**
 * Where a Compare's run goes: the first position of the group's thread (one
 * a user and group, its id derived from both, so runs started at once agree
 * on it without asking each other). A request naming a thread goes there.
 */
export async function placeGenerateTurn(
  store: Store,
  userId: string,
  request: { threadId?: string; parentId?: string | null; groupId?: string; column?: number; prompt: string },
  now: Date,
): Promise<TurnPlacement> {
  if (request.groupId === undefined || request.threadId !== undefined) {
    return placeTurn(store, userId, request);
  }
  if (request.parentId) {
    throw new NotFoundError(NO_TURN);
  }
  const group: ThreadRecord = {
    id: compareThreadId(userId, request.groupId),
    userId,
    title: threadTitle('generate', request.prompt),
    kind: 'compare',
    createdAt: now,
    updatedAt: now,
  };
  const column = request.column === undefined ? {} : { column: request.column };
  return { thread: group, parentId: null, earlier: [], group, ...column };
}

/** The id of the thread of a user's Compare `groupId`: a UUID derived from both. */
export function compareThreadId(userId: string, groupId: string): string {
  const hex = createHash('sha256').update(`compare:${userId}:${groupId}`).digest('hex');
  // Shaped as a version-4-style UUID so GET /api/threads/:id accepts it.
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

async function placeInThread(
  store: Store,
  userId: string,
  threadId: string,
  requestedParent: string | null | undefined,
): Promise<TurnPlacement> {
  const request = { threadId, parentId: requestedParent };
  const thread = await store.threads.findForUser(userId, request.threadId);
  if (!thread) {
    throw new NotFoundError(NO_THREAD);
  }
  const turns = await store.prompts.listThread(userId, thread.id);
  const parentId = request.parentId === undefined ? (turns.at(-1)?.id ?? null) : request.parentId;
  return { thread, parentId, earlier: ancestry(turns, parentId) };
}

/**
 * The turn `parentId` and the turns it follows, up to the first position,
 * oldest first: the versions actually chosen on the way, not their siblings.
 * NotFoundError when `parentId` is not one of `turns`.
 */
export function ancestry(turns: readonly PromptRecord[], parentId: string | null): PromptRecord[] {
  const byId = new Map(turns.map((t) => [t.id, t]));
  const chain: PromptRecord[] = [];
  // Bounded by the number of turns: a damaged link can never loop forever.
  for (let id = parentId; id !== null && chain.length <= turns.length;) {
    const turn = byId.get(id);
    if (!turn) {
      if (chain.length === 0) {
        throw new NotFoundError(NO_TURN);
      }
      // An earlier turn deleted from the history: the context starts after it.
      break;
    }
    chain.push(turn);
    id = turn.parentId;
  }
  return chain.reverse();
}

/** What the planner takes of earlier turns. */
export function priorTurns(earlier: readonly PromptRecord[]): PriorTurn[] {
  return earlier.map((t) => ({ kind: t.kind, input: t.input, output: t.output, language: t.language }));
}

/** The thread a record starts: its id is the record's, its title from the record's input. */
export function threadStartedBy(record: PromptRecord): ThreadRecord {
  return {
    id: record.threadId,
    userId: record.userId,
    title: threadTitle(record.kind, record.input, record.params),
    kind: record.kind,
    createdAt: record.createdAt,
    updatedAt: record.createdAt,
  };
}

/** The API view of one turn. */
export function toThreadTurn(p: PromptRecord): ThreadTurn {
  const item = toHistoryItem(p);
  const base = {
    id: p.id,
    parentId: p.parentId,
    modelId: p.modelId,
    output: p.output,
    language: p.language,
    status: p.status,
    params: p.params,
    sections: p.sections,
    error: p.error,
    usage: { promptTokens: p.promptTokens, completionTokens: p.completionTokens },
    timings: { firstTokenMs: p.firstTokenMs, totalMs: p.totalMs, tokensPerSecond: item.tokensPerSecond },
    createdAt: item.createdAt,
    finishedAt: item.finishedAt,
  };
  return p.kind === 'generate'
    ? { kind: 'generate', ...base, prompt: p.input, code: p.code }
    : { kind: 'explain', ...base, code: p.input };
}

/** Reading and deleting whole threads. */
export class ThreadService {
  constructor(private readonly store: Store) {}

  /** The History page's list: threads with a turn matching the filters, most recently updated first. */
  async list(userId: string, query: HistoryQuery): Promise<ThreadPage> {
    const page = await this.store.threads.listForUser(
      userId,
      toPromptQuery(query),
      query.limit,
      query.cursor,
    );
    return {
      items: page.items.map((t) => ({
        id: t.id,
        title: t.title,
        kind: t.kind,
        createdAt: t.createdAt.toISOString(),
        updatedAt: t.updatedAt.toISOString(),
        turnCount: t.turnCount,
        latest: t.latest,
      })),
      nextCursor: page.nextCursor,
      ...(page.searchLimited ? { searchLimited: true as const } : {}),
    };
  }

  /** The thread with every turn; another user's thread is "not found", never "forbidden". */
  async get(userId: string, id: string): Promise<Thread> {
    const thread = await this.store.threads.findForUser(userId, id);
    if (!thread) {
      throw new NotFoundError(NO_THREAD);
    }
    const [turns, runs] = await Promise.all([
      this.store.prompts.listThread(userId, id),
      this.store.repairs.runsOfThread(userId, id),
    ]);
    return {
      id: thread.id,
      title: thread.title,
      kind: thread.kind,
      createdAt: thread.createdAt.toISOString(),
      updatedAt: thread.updatedAt.toISOString(),
      turns: turns.map((t) => {
        const testRun = runs.get(t.id);
        return testRun ? { ...toThreadTurn(t), testRun } : toThreadTurn(t);
      }),
    };
  }

  /** Deletes the thread and all its turns. */
  async delete(userId: string, id: string): Promise<void> {
    if (!(await this.store.threads.deleteForUser(userId, id))) {
      throw new NotFoundError(NO_THREAD);
    }
  }
}

/**
 * Saves a new turn's thread: creates it for a thread's first turn (or a
 * Compare's `group` thread not yet saved), else moves its updatedAt.
 */
export async function saveThreadOf(store: Store, record: PromptRecord, group?: ThreadRecord): Promise<void> {
  if (group) {
    if (!(await store.threads.touch(group.id, record.createdAt))) {
      await store.threads.create(group).catch(async (error: unknown) => {
        // Another server instance on the same store created it since the touch.
        if (!(error instanceof ConflictError && (await store.threads.touch(group.id, record.createdAt)))) {
          throw error;
        }
      });
    }
  } else if (record.threadId === record.id) {
    await store.threads.create(threadStartedBy(record));
  } else {
    await store.threads.touch(record.threadId, record.createdAt);
  }
}

/**
 * Saves turns' threads. A Compare's runs start at once: their saves of the
 * group's thread go one after another, so the first creates it and the
 * others find it.
 */
export class ThreadSaver {
  private readonly pending = new Map<string, Promise<void>>();

  constructor(private readonly store: Store) {}

  async save(record: PromptRecord, group?: ThreadRecord): Promise<void> {
    if (!group) {
      await saveThreadOf(this.store, record);
      return;
    }
    const before = this.pending.get(group.id) ?? Promise.resolve();
    const mine = before.catch(() => undefined).then(() => saveThreadOf(this.store, record, group));
    this.pending.set(group.id, mine);
    try {
      await mine;
    } finally {
      if (this.pending.get(group.id) === mine) {
        this.pending.delete(group.id);
      }
    }
  }
}
