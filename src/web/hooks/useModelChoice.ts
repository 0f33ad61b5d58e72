import { useEffect, useState } from 'react';
import type { ModelTaskName } from '../../shared/models.schemas';
import type { ModelListing } from '../api/generation.api';
import type { RunError } from '../generation/describe-error';
import { cannotDoReason, listedFor, refreshModels, resolveModel, useModels } from '../stores/models.store';
import { readPreferences } from '../stores/workspace';

/** The user's choice as a page keeps it in its workspace. */
export interface ModelChoice {
  id: string | null;
  /** Whether the user chose `id` on this page (a handed-over one must be able to do the task). */
  picked: boolean;
}

/** Failures that say the list the user picked from is out of date. */
const STALE_LIST = new Set(['model_not_found', 'model_unavailable', 'model_cannot_explain']);

/**
 * The model list and the model a page for `task` uses: the user's pick,
 * else a handed-over or remembered one that can do the task, else the
 * default. `watch` polls the list while a run waits for its model;
 * `failure` refreshes it when a run was refused for a model no longer there.
 */
export function useModelChoice({
  task,
  initial,
  watch,
  failure,
}: {
  task: ModelTaskName;
  initial: ModelChoice;
  watch: boolean;
  failure: RunError | null;
}) {
  const [remembered] = useState(() => readPreferences().modelId ?? null);
  const [choice, setChoice] = useState<ModelChoice>(initial);
  const { models, error } = useModels(watch);

  useEffect(() => {
    if (failure && STALE_LIST.has(failure.code)) {
      void refreshModels();
    }
  }, [failure]);

  const modelId = resolveModel(models, choice, remembered, task);
  const listing = models?.find((m) => m.id === modelId);
  return {
    models,
    loadError: error,
    /** What to keep in the workspace. */
    choice,
    /** The model the page uses; null while none is listed. */
    modelId,
    /** That model as the page lists it (unavailable, with the reason, when it cannot do the task). */
    model: listing ? listedFor(listing, task) : null,
    /** Whether that model cannot do the task. */
    cannotDo: listing !== undefined && cannotDoReason(listing, task) !== null,
    /** The user picked a model in the picker. */
    choose: (id: string) => {
      setChoice({ id, picked: true });
    },
    /** A listed model by id (the one a run used). */
    find: (id: string | null | undefined): ModelListing | null => models?.find((m) => m.id === id) ?? null,
  };
}

/** What a page knows of its model choice. */
export type ModelChoiceState = ReturnType<typeof useModelChoice>;
