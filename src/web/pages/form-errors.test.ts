import { describe, expect, it } from 'vitest';
import { MESSAGES } from '../../shared/messages';
import { ApiError } from '../api/api-client';
import { toFormErrors } from './form-errors';

describe('toFormErrors', () => {
  it('puts field messages next to the form’s fields and the overall message on top', () => {
    const error = new ApiError({
      status: 400,
      code: 'invalid_input',
      message: MESSAGES.validation,
      fields: { email: 'Enter a valid email address.' },
    });
    expect(toFormErrors(error, ['email'])).toEqual({
      general: [MESSAGES.validation],
      fields: { email: 'Enter a valid email address.' },
    });
  });

  it('says a message once when the overall message repeats a field’s', () => {
    const problem = 'This password is too common. Choose a less common one.';
    const error = new ApiError({
      status: 400,
      code: 'invalid_input',
      message: problem,
      fields: { newPassword: problem },
    });
    expect(toFormErrors(error, ['newPassword'])).toEqual({ general: [], fields: { newPassword: problem } });
    // A field the form does not show: the message goes on top, still once.
    expect(toFormErrors(error, ['email'])).toEqual({ general: [problem], fields: {} });
  });

  it('falls back to the generic message for anything but an API error', () => {
    expect(toFormErrors(new TypeError('boom'), ['email'])).toEqual({
      general: [MESSAGES.internal],
      fields: {},
    });
  });
});
