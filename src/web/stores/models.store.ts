import { useEffect, useSyncExternalStore } from 'react';
import { MESSAGES } from '../../shared/messages';
import { ApiError } from '../api/api-client';
import { fetchModels, type ModelListing } from '../api/generation.api';
import type { ModelTaskName } from '../../shared/models.schemas';

/** The model list as the pickers see it. */
export interface ModelsState {
  /** null until the first answer. */
  models: ModelListing[] | null;
  /** Why the last load failed; the previous list (if any) stays. */
  error: string | null;
}

/** While a model downloads, its progress bar is refreshed this often. */
const POLL_MS = 1500;

let state: ModelsState = { models: null, error: null };
const listeners = new Set<() => void>();
/** Components that need live progress even though nothing is downloading yet (a run waiting on a model). */
let watchers = 0;
let timer: ReturnType<typeof setTimeout> | undefined;
let inFlight: Promise<void> | undefined;

function set(next: ModelsState): void {
  state = next;
  for (const listener of listeners) {
    listener();
  }
}

/** Loads the list now (one request at a time) and schedules the next poll when needed. */
export function refreshModels(): Promise<void> {
  inFlight ??= fetchModels()
    .then(
      (models) => {
        set({ models, error: null });
      },
      (error: unknown) => {
        set({ ...state, error: error instanceof ApiError ? error.message : MESSAGES.internal });
      },
    )
    .finally(() => {
      inFlight = undefined;
      schedule();
    });
  return inFlight;
}

/**
 * Statuses the server moves on from by itself: a download, or the check of
 * a model file against its pinned SHA-256 (at start-up, or of a file copied
 * in), which ends ready or not downloaded. The list is polled while one shows.
 */
export function changesByItself(model: Pick<ModelListing, 'status'>): boolean {
  return model.status === 'downloading' || model.status === 'verifying';
}

function needsPolling(): boolean {
  return listeners.size > 0 && (watchers > 0 || (state.models ?? []).some(changesByItself));
}

function schedule(): void {
  clearTimeout(timer);
  timer = needsPolling() ? setTimeout(() => void refreshModels(), POLL_MS) : undefined;
}

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  if (listeners.size === 1) {
    // First picker on screen: fetch fresh statuses (a download may have finished meanwhile).
    void refreshModels();
  }
  return () => {
    listeners.delete(listener);
    if (listeners.size === 0) {
      clearTimeout(timer);
      timer = undefined;
    }
  };
}

const getSnapshot = (): ModelsState => state;

/**
 * The model catalogue with live statuses, shared by every page. Polls while
 * a model downloads, and while `watch` is true (a run is waiting for a model
 * that was not ready: the server starts its download only on that request).
 */
export function useModels(watch = false): ModelsState {
  useEffect(() => {
    if (!watch) {
      return;
    }
    watchers += 1;
    // Give the server a moment to start the download before the first look.
    const first = setTimeout(() => void refreshModels(), 500);
    return () => {
      clearTimeout(first);
      watchers -= 1;
    };
  }, [watch]);
  return useSyncExternalStore(subscribe, getSnapshot);
}

/** Forgets the list (on sign-out: the next user may see other statuses). */
export function resetModels(): void {
  clearTimeout(timer);
  timer = undefined;
  state = { models: null, error: null };
}

/**
 * Why `model` cannot take a turn after earlier ones (a follow-up, or another
 * version of a later turn), or null when it can: a base (code-completion)
 * model continues text, so the server refuses it with `model_cannot_follow_up`.
 */
export function followUpReason(model: Pick<ModelListing, 'name' | 'followUps'>): string | null {
  return model.followUps ? null : `${model.name} ${MESSAGES.cannotFollowUp}`;
}

/**
 * Why a page for `task` cannot use `model`, or null when it can: a base
 * (code-completion) model on Explain, or, for a turn after earlier ones
 * (`followUp`), on either page. Generate offers every model for a new
 * request, as the server runs every model for it.
 */
export function cannotDoReason(model: ModelListing, task: ModelTaskName, followUp = false): string | null {
  if (task !== 'generate' && !model.tasks.includes(task)) {
    return `${model.name} ${MESSAGES.cannotExplain}`;
  }
  return followUp ? followUpReason(model) : null;
}

/**
 * The model as a page for `task` lists it: unavailable, with the plain
 * reason, when it cannot do the task (or, with `followUp`, cannot take a
 * turn after earlier ones).
 */
export function listedFor(model: ModelListing, task: ModelTaskName, followUp = false): ModelListing {
  const reason = cannotDoReason(model, task, followUp);
  return reason === null ? model : { ...model, status: 'unavailable', reason };
}

/**
 * The model to preselect for `task`: the remembered one if still listed and
 * usable, else the default, else the first ready, else the first usable;
 * never one that cannot do the task (null when no model can).
 */
export function pickInitialModel(
  models: readonly ModelListing[],
  remembered: string | null,
  task: ModelTaskName = 'generate',
): string | null {
  const listed = models.map((m) => listedFor(m, task));
  const usable = (m: ModelListing) => m.status !== 'unavailable';
  const wanted = listed.find((m) => m.id === remembered && usable(m));
  const fallback =
    listed.find((m) => m.isDefault && usable(m)) ??
    listed.find((m) => m.status === 'ready') ??
    listed.find(usable) ??
    // Every model is unavailable right now: the first that could do the task once it is back.
    listed.find((m) => cannotDoReason(m, task) === null);
  return (wanted ?? fallback)?.id ?? null;
}

/**
 * The model a page shows: the user's own pick while it is listed; one that
 * was handed over or remembered (`picked` false) only if it can do the task;
 * otherwise the initial pick. Null models: the list is still loading.
 */
export function resolveModel(
  models: readonly ModelListing[] | null,
  choice: { id: string | null; picked: boolean },
  remembered: string | null,
  task: ModelTaskName = 'generate',
): string | null {
  if (models === null) {
    return choice.id;
  }
  const chosen = models.find((m) => m.id === choice.id);
  if (chosen && (choice.picked || cannotDoReason(chosen, task) === null)) {
    return chosen.id;
  }
  return pickInitialModel(models, remembered, task);
}
