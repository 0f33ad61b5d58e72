import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import './zod-messages.js';

describe('zod type messages', () => {
  const messageOf = (schema: z.ZodType, input: unknown): string | undefined =>
    schema.safeParse(input).error?.issues[0]?.message;

  it('says a missing field is required', () => {
    expect(messageOf(z.object({ a: z.string() }), {})).toBe('This field is required.');
  });

  it('names the expected type with the right article', () => {
    expect(messageOf(z.string(), 5)).toBe('Must be a string.');
    expect(messageOf(z.number(), 'x')).toBe('Must be a number.');
    expect(messageOf(z.object({}), [])).toBe('Must be an object.');
    expect(messageOf(z.array(z.string()), 'x')).toBe('Must be an array.');
  });
});
