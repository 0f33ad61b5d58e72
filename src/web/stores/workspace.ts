import { isRunActive, type GenerationRun } from './generation-run';
import { resetModels } from './models.store';
import {
  readPageMemory,
  writePageMemory,
  type PageMemory,
  type PageName,
  type RememberedRun,
} from './page-memory';

/**
 * What a page keeps while the user visits other pages (in memory only): the
 * prompt, the settings and the last run, which goes on streaming meanwhile.
 * "Explain this code" and back shows the answer still there.
 */
export interface Workspace<T extends object> {
  /** The saved values for `userId`; another user starts from the initial values. */
  read(userId: string): T;
  /** Saves some values. */
  write(change: Partial<T>): void;
}

interface Entry {
  reset(): void;
}

/**
 * What of a page's workspace the browser keeps for its user, so that a
 * refresh (or another tab) shows the unsent draft and the runs on screen.
 */
export interface BrowserKept<T> {
  page: PageName;
  /** The prompt or code in the form. */
  draftOf(values: T): string;
  /** The runs on screen, newest first, with Compare's column facts. */
  runsOf(values: T): { run: GenerationRun; column?: RememberedRun['column'] }[];
  /** Values restored from what the browser kept, on the first read for a user. */
  restore(memory: PageMemory, values: T): Partial<T>;
}

const all: Entry[] = [];

/**
 * A page's workspace. `onReset` runs on sign-out with the values being
 * forgotten (to stop the runs they hold). With `browser`, the draft and the
 * runs on screen are also kept in the browser for the user.
 */
export function createWorkspace<T extends object>(
  initial: () => T,
  onReset?: (values: T) => void,
  browser?: BrowserKept<T>,
): Workspace<T> {
  let values = initial();
  let owner: string | null = null;
  const watched = new WeakSet<GenerationRun>();
  const keep = () => {
    if (!browser || owner === null || owner === '') {
      return;
    }
    const user = owner;
    const runs: RememberedRun[] = [];
    for (const { run, column } of browser.runsOf(values)) {
      const snapshot = run.getSnapshot();
      if (snapshot.id !== null) {
        runs.push({ id: snapshot.id, request: run.request, ...(column ? { column } : {}) });
      } else if (isRunActive(snapshot) && !watched.has(run)) {
        // Its id comes with the `start` event: keep the page again then.
        watched.add(run);
        const unsubscribe = run.subscribe(() => {
          const now = run.getSnapshot();
          if (now.id !== null || !isRunActive(now)) {
            unsubscribe();
            if (owner === user) {
              keep();
            }
          }
        });
      }
    }
    writePageMemory(user, browser.page, { draft: browser.draftOf(values), runs });
  };
  const reset = () => {
    onReset?.(values);
    values = initial();
    owner = null;
  };
  all.push({ reset });
  return {
    read(userId) {
      if (owner !== userId) {
        reset();
        owner = userId;
        if (browser && userId !== '') {
          values = { ...values, ...browser.restore(readPageMemory(userId, browser.page), values) };
        }
      }
      return values;
    },
    write(change) {
      values = { ...values, ...change };
      keep();
    },
  };
}

/** Forgets every page's workspace and stops their runs: called when the signed-in shell goes away. */
export function resetWorkspaces(): void {
  for (const entry of all) {
    entry.reset();
  }
  resetModels();
}

const PREFERENCES_KEY = 'codegenie.generation';

/** Choices worth keeping across visits (not the prompt: it may be private). */
export interface Preferences {
  modelId?: string;
  language?: string;
}

/** The remembered model and language; storage may be disabled, then nothing is remembered. */
export function readPreferences(): Preferences {
  try {
    const raw = localStorage.getItem(PREFERENCES_KEY);
    const parsed: unknown = raw ? JSON.parse(raw) : null;
    if (typeof parsed !== 'object' || parsed === null) {
      return {};
    }
    const { modelId, language } = parsed as Record<string, unknown>;
    return {
      ...(typeof modelId === 'string' ? { modelId } : {}),
      ...(typeof language === 'string' ? { language } : {}),
    };
  } catch {
    return {};
  }
}

/** Remembers the model and language for the next visit. */
export function savePreferences(change: Preferences): void {
  try {
    localStorage.setItem(PREFERENCES_KEY, JSON.stringify({ ...readPreferences(), ...change }));
  } catch {
    // Storage disabled or full: the choice only lasts until reload.
  }
}
