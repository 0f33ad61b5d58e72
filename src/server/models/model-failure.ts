import type { ModelFailure } from './provider.port.js';

/**
 * The most recent of a model's failures as each part of a provider recorded
 * it (a status check, a download, a load, a generation): what the Admin
 * page shows as its last error. Null when there is none.
 */
export function latestFailure(...failures: (ModelFailure | null | undefined)[]): ModelFailure | null {
  let latest: ModelFailure | null = null;
  for (const failure of failures) {
    if (failure && (latest === null || failure.at > latest.at)) {
      latest = failure;
    }
  }
  return latest;
}
