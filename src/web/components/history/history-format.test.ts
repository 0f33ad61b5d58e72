import { describe, expect, it } from 'vitest';
import { countFilters, filtersKey, formatWhen, readFilters, toApiFilters } from './history-format';

describe('readFilters', () => {
  it('reads the filters in a /history URL and ignores values the API would refuse', () => {
    const params = new URLSearchParams(
      'q=%20sort%20&modelId=m&kind=explain&language=python&status=cancelled&from=2026-05-01&to=tomorrow',
    );
    expect(readFilters(params)).toEqual({
      q: 'sort',
      modelId: 'm',
      kind: 'explain',
      language: 'python',
      status: 'cancelled',
      from: '2026-05-01',
    });
    expect(readFilters(new URLSearchParams('kind=delete&status=done'))).toEqual({});
  });

  it('counts the filters apart from the search text, and keys them stably', () => {
    const filters = readFilters(new URLSearchParams('q=a&kind=generate&to=2026-05-02'));
    expect(countFilters(filters)).toBe(2);
    expect(filtersKey(filters)).toBe(filtersKey({ to: '2026-05-02', kind: 'generate', q: 'a' }));
    expect(filtersKey(filters)).not.toBe(filtersKey({ kind: 'generate', q: 'a' }));
  });
});

describe('toApiFilters', () => {
  it('turns local days into the instants they start and end (the end is exclusive)', () => {
    const api = toApiFilters({ q: 'x', from: '2026-05-01', to: '2026-05-03' });
    expect(api.q).toBe('x');
    expect(new Date(api.from ?? '').getTime()).toBe(new Date(2026, 4, 1).getTime());
    expect(new Date(api.to ?? '').getTime()).toBe(new Date(2026, 4, 4).getTime());
  });
});

describe('formatWhen', () => {
  it('says today and yesterday in words, and leaves out the year of this year', () => {
    const now = new Date(2026, 4, 10, 15, 0);
    expect(formatWhen(new Date(2026, 4, 10, 9, 5).toISOString(), now)).toMatch(/^Today, /);
    expect(formatWhen(new Date(2026, 4, 9, 23, 59).toISOString(), now)).toMatch(/^Yesterday, /);
    expect(formatWhen(new Date(2026, 2, 3, 8, 0).toISOString(), now)).not.toMatch(/2026/);
    expect(formatWhen(new Date(2025, 2, 3, 8, 0).toISOString(), now)).toMatch(/2025/);
    expect(formatWhen('not a date', now)).toBe('not a date');
  });
});
