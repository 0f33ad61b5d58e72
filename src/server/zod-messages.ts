import { z } from 'zod';

/**
 * Plain-language messages for the type errors zod reports in request
 * bodies ("This field is required." rather than "expected string, received
 * undefined"). Schema-specific messages still win.
 */
z.config({
  customError: (issue) => {
    if (issue.code === 'invalid_type') {
      return issue.input === undefined ? 'This field is required.' : `Must be a ${issue.expected}.`;
    }
    return undefined;
  },
});
