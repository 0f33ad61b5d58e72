import { describe, expect, it } from 'vitest';
import { MESSAGES } from '../../shared/messages';
import { ApiError, NETWORK_ERROR_MESSAGE } from '../api/api-client';
import { describeRunError } from './describe-error';

describe('describeRunError', () => {
  it('adds the wait to busy and rate-limit answers', () => {
    const busy = new ApiError({
      status: 503,
      code: 'busy',
      message: 'The models are busy right now. Please try again in a moment.',
      retryAfterSeconds: 4,
    });
    expect(describeRunError(busy).message).toBe(
      'The models are busy right now. Please try again in a moment. You can try again in 4 seconds.',
    );
    expect(
      describeRunError({ code: 'provider_rate_limited', message: 'Slow down.', retryAfterSeconds: 90 })
        .message,
    ).toBe('Slow down. You can try again in 2 minutes.');
  });

  it('keeps the API’s own words for provider failures and says which field is wrong', () => {
    const auth = new ApiError({
      status: 502,
      code: 'provider_auth',
      message: 'The model provider rejected the API key for Remote Chat.',
    });
    expect(describeRunError(auth)).toEqual({
      code: 'provider_auth',
      message: 'The model provider rejected the API key for Remote Chat.',
      fields: {},
    });
    const invalid = new ApiError({
      status: 400,
      code: 'invalid_input',
      message: MESSAGES.validation,
      fields: { temperature: 'Temperature must be between 0 and 2.' },
    });
    expect(describeRunError(invalid)).toEqual({
      code: 'invalid_input',
      message: 'Some settings are missing or invalid.',
      fields: { temperature: 'Temperature must be between 0 and 2.' },
    });
  });

  it('rewords answers meant for API clients and never shows a raw error', () => {
    const missing = new ApiError({ status: 404, code: 'model_not_found', message: 'See GET /api/models' });
    expect(describeRunError(missing).message).toMatch(/Pick another model/);
    expect(describeRunError(new TypeError('network error')).message).toBe(NETWORK_ERROR_MESSAGE);
    expect(describeRunError(new Error('stack trace…')).message).toBe(MESSAGES.internal);
  });
});
