import type { VersionChoices } from '../generation/thread-tree';
import type { RunRequest } from './generation-run';

/** The pages whose unsent text and live runs survive a refresh. */
export type PageName = 'generate' | 'explain' | 'compare';

/** A run a page was showing: enough to attach to it again and show it as before. */
export interface RememberedRun {
  id: string;
  request: RunRequest;
  /** Compare's column: the model it ran and how its answer is shown. */
  column?: { modelId: string; name: string; asCode: boolean };
}

/** What the browser keeps of a page for one user. */
export interface PageMemory {
  /** The prompt (or code) in the form, sent or not. */
  draft?: string;
  /** The runs on screen, newest first (Compare: one per column). */
  runs?: RememberedRun[];
}

const PREFIX = 'codegenie.page.';

const keyOf = (userId: string, page: PageName) => `${PREFIX}${userId}.${page}`;

function isRememberedRun(value: unknown): value is RememberedRun {
  if (typeof value !== 'object' || value === null) {
    return false;
  }
  const { id, request } = value as Record<string, unknown>;
  if (typeof id !== 'string' || typeof request !== 'object' || request === null) {
    return false;
  }
  const { kind, body } = request as Record<string, unknown>;
  return (kind === 'generate' || kind === 'explain') && typeof body === 'object' && body !== null;
}

/**
 * What the browser kept of `page` for `userId` (localStorage: another tab of
 * the same user sees it too); nothing when storage is disabled or the entry
 * is not ours.
 */
export function readPageMemory(userId: string, page: PageName): PageMemory {
  try {
    const raw = localStorage.getItem(keyOf(userId, page));
    const parsed: unknown = raw ? JSON.parse(raw) : null;
    if (typeof parsed !== 'object' || parsed === null) {
      return {};
    }
    const { draft, runs } = parsed as Record<string, unknown>;
    return {
      ...(typeof draft === 'string' ? { draft } : {}),
      ...(Array.isArray(runs) ? { runs: runs.filter(isRememberedRun) } : {}),
    };
  } catch {
    return {};
  }
}

/** Keeps `memory` as what the browser remembers of `page` for `userId`. */
export function writePageMemory(userId: string, page: PageName, memory: PageMemory): void {
  try {
    localStorage.setItem(keyOf(userId, page), JSON.stringify(memory));
  } catch {
    // Storage disabled or full: the page is kept in memory only, until a reload.
  }
}

/** The versions a user had on screen in one thread, kept so a refresh or a reopen shows them again. */
export interface ThreadVersions {
  /** The version chosen at each position (see thread-tree.ts). */
  choices: VersionChoices;
  /**
   * The page's run whose turn was already put on screen: a new run shows its
   * turn, but the same run attached again after a refresh must not undo a
   * version the user chose since.
   */
  live: string | null;
}

/** How many threads' versions are kept per user: the most recently changed. */
export const MAX_REMEMBERED_THREADS = 50;

const threadsKeyOf = (userId: string) => `${PREFIX}${userId}.threads`;

interface KeptThread extends ThreadVersions {
  threadId: string;
}

function isKeptThread(value: unknown): value is KeptThread {
  if (typeof value !== 'object' || value === null) {
    return false;
  }
  const { threadId, choices, live } = value as Record<string, unknown>;
  return (
    typeof threadId === 'string' &&
    (live === null || typeof live === 'string') &&
    typeof choices === 'object' &&
    choices !== null &&
    Object.values(choices).every((id) => typeof id === 'string')
  );
}

function readKeptThreads(userId: string): KeptThread[] {
  try {
    const raw = localStorage.getItem(threadsKeyOf(userId));
    const parsed: unknown = raw ? JSON.parse(raw) : null;
    return Array.isArray(parsed) ? parsed.filter(isKeptThread) : [];
  } catch {
    return [];
  }
}

/** The versions `userId` had on screen in `threadId`; null when none were kept. */
export function readThreadVersions(userId: string, threadId: string): ThreadVersions | null {
  const kept = readKeptThreads(userId).find((entry) => entry.threadId === threadId);
  return kept ? { choices: kept.choices, live: kept.live } : null;
}

/**
 * Keeps the versions on screen in `threadId` for `userId` (with the page
 * memory: forgotten on sign-out), the thread first and at most
 * MAX_REMEMBERED_THREADS threads in all.
 */
export function writeThreadVersions(userId: string, threadId: string, versions: ThreadVersions): void {
  const others = readKeptThreads(userId).filter((entry) => entry.threadId !== threadId);
  const kept = [{ threadId, ...versions }, ...others].slice(0, MAX_REMEMBERED_THREADS);
  try {
    localStorage.setItem(threadsKeyOf(userId), JSON.stringify(kept));
  } catch {
    // Storage disabled or full: the choice lasts until a reload.
  }
}

/** Forgets every page of every user (sign-out: drafts may be private). */
export function forgetPageMemory(): void {
  try {
    const keys: string[] = [];
    for (let i = 0; i < localStorage.length; i++) {
      const key = localStorage.key(i);
      if (key?.startsWith(PREFIX)) {
        keys.push(key);
      }
    }
    for (const key of keys) {
      localStorage.removeItem(key);
    }
  } catch {
    // Storage disabled: nothing was kept.
  }
}
