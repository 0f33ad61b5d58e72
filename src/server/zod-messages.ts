import { z } from 'zod';

/**
 * Plain-language messages for the type errors zod reports in request
 * bodies ("This field is required." rather than "expected string, received
 * undefined"). Schema-specific messages still win.
 */
z.config({
  customError: (issue) => {
    if (issue.code === 'invalid_type') {
      if (issue.input === undefined) {
        return 'This field is required.';
      }
      // "Must be an object.", "Must be an array.", "Must be a string."
      return `Must be ${/^[aeiou]/.test(issue.expected) ? 'an' : 'a'} ${issue.expected}.`;
    }
    return undefined;
  },
});
