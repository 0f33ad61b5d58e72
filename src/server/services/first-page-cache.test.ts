import { describe, expect, it } from 'vitest';
import { FirstPageCache } from './first-page-cache.js';

describe('FirstPageCache', () => {
  it('answers only at the revision and page size it was kept at', () => {
    const cache = new FirstPageCache<string>();
    cache.set('u1', 7, 20, 'page');
    expect(cache.get('u1', 7, 20)).toBe('page');
    expect(cache.get('u1', 8, 20)).toBeUndefined();
    expect(cache.get('u1', 7, 50)).toBeUndefined();
    expect(cache.get('u2', 7, 20)).toBeUndefined();
  });

  it('keeps at most `max` users, dropping the least recently used', () => {
    const cache = new FirstPageCache<string>(2);
    cache.set('a', 1, 20, 'A');
    cache.set('b', 1, 20, 'B');
    expect(cache.get('a', 1, 20)).toBe('A');
    cache.set('c', 1, 20, 'C');
    expect(cache.size).toBe(2);
    expect(cache.get('b', 1, 20)).toBeUndefined();
    expect(cache.get('a', 1, 20)).toBe('A');
    expect(cache.get('c', 1, 20)).toBe('C');
  });
});
