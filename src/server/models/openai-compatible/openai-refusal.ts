import type { AppError } from '../../errors.js';
import type { OpenAiModelEntry } from '../catalogue.js';
import {
  PromptTooLongError,
  ProviderAuthError,
  ProviderError,
  ProviderRateLimitedError,
} from '../model-errors.js';
import { RetryableFailure } from './openai-attempt.js';
import { isContextLengthRefusal, parseRetryAfter, userMessage } from './openai-upstream.js';

/**
 * Longest Retry-After we sit out for the user. Beyond it we give up at once
 * and pass the delay on (429 with Retry-After), rather than waiting a short
 * while and being refused again.
 */
export const MAX_RETRY_AFTER_MS = 10_000;

/**
 * The error for a model server's non-2xx answer: final, or a
 * RetryableFailure for 429 and 5xx. Messages name the model, never the
 * server's URL (users see them); `baseDelayMs` is the retry delay a 429
 * without Retry-After is reported with.
 */
export function refusalError(
  model: OpenAiModelEntry,
  response: Response,
  text: string,
  apiKey: string | undefined,
  baseDelayMs: number,
): Error {
  const status = response.status;
  // Users see this: no URL or address of the server (the log and the Admin page have them).
  const message = userMessage(text, apiKey);
  const detail = message === '' ? '' : `: ${message}`;
  if (status === 401 || status === 403) {
    return new ProviderAuthError(model.name);
  }
  if (status === 404) {
    return new ProviderError(
      `The model server for ${model.name} does not know the model ${model.model} (HTTP 404).`,
    );
  }
  if (status === 429) {
    const retryAfterMs = parseRetryAfter(response.headers.get('retry-after'));
    const final: AppError = new ProviderRateLimitedError(
      model.name,
      Math.max(1, Math.ceil((retryAfterMs ?? baseDelayMs) / 1000)),
    );
    if (retryAfterMs !== undefined && retryAfterMs > MAX_RETRY_AFTER_MS) {
      return final;
    }
    return new RetryableFailure('HTTP 429', final, retryAfterMs);
  }
  if (status >= 500) {
    return new RetryableFailure(
      `HTTP ${status}`,
      new ProviderError(`The model server for ${model.name} failed (HTTP ${status})${detail}`),
    );
  }
  if ((status === 400 || status === 413 || status === 422) && isContextLengthRefusal(text)) {
    return new PromptTooLongError(
      `The prompt and the answer do not fit the context of ${model.name}. Shorten the input or lower maxTokens.`,
      { upstream: message },
    );
  }
  return new ProviderError(
    `The model server for ${model.name} refused the request (HTTP ${status})${detail}`,
  );
}
