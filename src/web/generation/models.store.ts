import { useEffect, useSyncExternalStore } from 'react';
import { MESSAGES } from '../../shared/messages';
import { ApiError } from '../api/api-client';
import { fetchModels, type ModelListing } from '../api/generation.api';

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

function needsPolling(): boolean {
  return listeners.size > 0 && (watchers > 0 || (state.models ?? []).some((m) => m.status === 'downloading'));
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

/** The model to preselect: the remembered one if still listed and usable, else the default, else the first ready. */
export function pickInitialModel(models: readonly ModelListing[], remembered: string | null): string | null {
  const usable = (m: ModelListing) => m.status !== 'unavailable';
  const wanted = models.find((m) => m.id === remembered && usable(m));
  const fallback =
    models.find((m) => m.isDefault && usable(m)) ??
    models.find((m) => m.status === 'ready') ??
    models.find(usable) ??
    models[0];
  return (wanted ?? fallback)?.id ?? null;
}
