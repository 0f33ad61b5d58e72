import { describe, expect, it } from 'vitest';
import { promptStats } from './prompt-stats.js';

/** The profile's figures every adapter builds from its counts (the contract suite checks the counts). */
describe('promptStats', () => {
  const since = new Date('2026-02-27T00:00:00.000Z');
  const until = new Date('2026-03-02T00:00:00.000Z');

  it('lists every UTC day of the range, oldest first, zero where nothing ran', () => {
    const stats = promptStats(
      { kinds: new Map(), byModel: [], days: new Map([['2026-03-01', 4]]) },
      since,
      until,
    );
    expect(stats.perDay).toEqual([
      { date: '2026-02-27', count: 0 },
      { date: '2026-02-28', count: 0 },
      { date: '2026-03-01', count: 4 },
    ]);
  });

  it('takes the generations and explanations from the kinds, zero when absent, and the models as counted', () => {
    const byModel = [{ modelId: 'm', count: 3, completionTokens: 9 }];
    const stats = promptStats({ kinds: new Map([['explain', 3]]), byModel, days: new Map() }, since, since);
    expect(stats).toEqual({ generations: 0, explanations: 3, byModel, perDay: [] });
  });
});
