import { describe, expect, it } from 'vitest';
import { FirstPageCache } from './first-page-cache.js';
import { isKeptAnswer } from '../kept-answer.js';

interface Page {
  name: string;
  items: { id: string }[];
}
const page = (name: string): Page => ({ name, items: [{ id: name }] });

describe('FirstPageCache', () => {
  it('answers only at the revision and page size it was kept at', () => {
    const cache = new FirstPageCache<Page>();
    const kept = page('page');
    cache.set('u1', 7, 20, kept);
    expect(cache.get('u1', 7, 20)).toBe(kept);
    expect(cache.get('u1', 8, 20)).toBeUndefined();
    expect(cache.get('u1', 7, 50)).toBeUndefined();
    expect(cache.get('u2', 7, 20)).toBeUndefined();
  });

  it('keeps at most `max` users, dropping the least recently used', () => {
    const cache = new FirstPageCache<Page>(2);
    const aPage = page('A');
    cache.set('a', 1, 20, aPage);
    const bPage = page('B');
    cache.set('b', 1, 20, bPage);
    expect(cache.get('a', 1, 20)).toBe(aPage);
    const cPage = page('C');
    cache.set('c', 1, 20, cPage);
    expect(cache.size).toBe(2);
    expect(cache.get('b', 1, 20)).toBeUndefined();
    expect(cache.get('a', 1, 20)).toBe(aPage);
    expect(cache.get('c', 1, 20)).toBe(cPage);
  });

  it('keeps each page frozen through and through, for the serializer to write once', () => {
    const cache = new FirstPageCache<Page>();
    const kept = page('page');
    cache.set('u1', 1, 20, kept);
    expect(isKeptAnswer(kept)).toBe(true);
    expect(Object.isFrozen(kept.items[0])).toBe(true);
    expect(() => {
      (kept.items[0] as { id: string }).id = 'changed';
    }).toThrow(TypeError);
    expect(isKeptAnswer(page('other'))).toBe(false);
  });
});
