import { AppError } from '../errors.js';
import { MESSAGES } from '../../shared/messages.js';

/**
 * Errors of the model layer. Providers throw these; the generation service
 * reports them as `event: error` in a stream, and the HTTP error handler
 * maps them (see STATUS_BY_CODE in errors.ts) for plain JSON requests.
 */

export class ModelNotFoundError extends AppError {
  readonly code = 'model_not_found';
  constructor(modelId: string) {
    super(`There is no model "${modelId}". See GET /api/models for the available ones.`);
  }
}

/** A code-completion (base) model was asked to explain code. */
export class ModelCannotExplainError extends AppError {
  readonly code = 'model_cannot_explain';
  constructor(modelName: string) {
    super(`${modelName} ${MESSAGES.cannotExplain}`, {
      fields: { modelId: `${modelName} ${MESSAGES.cannotExplain}` },
    });
  }
}

/**
 * A code-completion (base) model was given the earlier turns of a thread:
 * it continues text and follows no conversation (see prompts.ts).
 */
export class ModelCannotFollowUpError extends AppError {
  readonly code = 'model_cannot_follow_up';
  constructor(modelName: string) {
    super(`${modelName} ${MESSAGES.cannotFollowUp}`, {
      fields: { modelId: `${modelName} ${MESSAGES.cannotFollowUp}` },
    });
  }
}

/** The generation queue is full: try again after `retryAfterSeconds`. */
export class ModelBusyError extends AppError {
  readonly code = 'busy';
  constructor(override readonly retryAfterSeconds: number) {
    super('The models are busy right now. Please try again in a moment.', { retryAfterSeconds });
  }
}

/** The model cannot run (file missing and auto-download off, failed load, ...). */
export class ModelUnavailableError extends AppError {
  readonly code = 'model_unavailable';
}

/** The prompt does not fit the model's context. */
export class PromptTooLongError extends AppError {
  readonly code = 'prompt_too_long';
}

/** The upstream server refused the API key (401/403). */
export class ProviderAuthError extends AppError {
  readonly code = 'provider_auth';
  constructor(modelName: string) {
    super(`The model provider rejected the API key for ${modelName}.`);
  }
}

/** The upstream server failed, could not be reached, or sent something unusable. */
export class ProviderError extends AppError {
  readonly code = 'provider_error';
}

/** The upstream server was too slow: no connection, no first token, or silence between tokens. */
export class ProviderTimeoutError extends AppError {
  readonly code = 'provider_timeout';
}

/** The upstream server rate-limited us and retries did not help. */
export class ProviderRateLimitedError extends AppError {
  readonly code = 'provider_rate_limited';
  constructor(
    modelName: string,
    override readonly retryAfterSeconds: number,
  ) {
    super(`The model provider for ${modelName} is rate-limiting requests. Please try again later.`, {
      retryAfterSeconds,
    });
  }
}

/**
 * The generation was stopped by its user (cancel, or the connection closed).
 * Providers throw it when their signal aborts; the generation service keeps
 * the partial output as cancelled.
 */
export class GenerationCancelledError extends AppError {
  readonly code = 'cancelled';
  constructor() {
    super('The generation was stopped.');
  }
}
