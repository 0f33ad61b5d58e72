import { resetModels } from './models.store';

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

const all: Entry[] = [];

/**
 * A page's workspace. `onReset` runs on sign-out with the values being
 * forgotten (to stop the runs they hold).
 */
export function createWorkspace<T extends object>(
  initial: () => T,
  onReset?: (values: T) => void,
): Workspace<T> {
  let values = initial();
  let owner: string | null = null;
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
      }
      return values;
    },
    write(change) {
      values = { ...values, ...change };
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
