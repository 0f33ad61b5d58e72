import { describe, expect, it } from 'vitest';
import { formatRetryAfter } from './format-wait';

describe('formatRetryAfter', () => {
  it('says nothing when the server gave no wait', () => {
    expect(formatRetryAfter(undefined)).toBe('');
  });

  it('rounds up to whole seconds, minutes or hours', () => {
    expect(formatRetryAfter(1)).toBe('You can try again in 1 second.');
    expect(formatRetryAfter(42.2)).toBe('You can try again in 43 seconds.');
    expect(formatRetryAfter(60)).toBe('You can try again in 1 minute.');
    expect(formatRetryAfter(61)).toBe('You can try again in 2 minutes.');
    expect(formatRetryAfter(900)).toBe('You can try again in 15 minutes.');
    expect(formatRetryAfter(3601)).toBe('You can try again in 2 hours.');
  });
});
