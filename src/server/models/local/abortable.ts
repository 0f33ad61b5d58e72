import { untilAborted as settleUnlessAborted } from '../../../shared/until-aborted.js';
import { GenerationCancelledError } from '../model-errors.js';

/**
 * Resolves like `promise` unless `signal` aborts first (GenerationCancelledError).
 * A value that arrives after the abort goes to `onLate` (to release it).
 */
export function untilAborted<T>(
  promise: Promise<T>,
  signal: AbortSignal,
  onLate?: (value: T) => void,
): Promise<T> {
  return settleUnlessAborted(promise, signal, () => new GenerationCancelledError(), onLate);
}
