import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { RecordParams } from './RecordDetails';

/** The settings list as the record page shows it, tags stripped: "Label: value" per setting. */
function settings(params: Record<string, unknown>): string[] {
  const html = renderToStaticMarkup(createElement(RecordParams, { params }));
  return [...html.matchAll(/<dt>(.*?)<\/dt><dd>(.*?)<\/dd>/g)].map(
    ([, label, value]) => `${label}: ${value}`,
  );
}

describe('a record’s settings', () => {
  it('names Test and fix in words on the first turn of a run and on its later rounds, never by its stored name', () => {
    expect(settings({ temperature: 0.2, repairRounds: 2 })).toEqual([
      'Temperature: 0.2',
      'Test and fix: Up to 2 fix rounds',
    ]);
    expect(settings({ repairRounds: 1 })).toEqual(['Test and fix: Up to 1 fix round']);
    expect(settings({ maxTokens: 256, repairRound: true })).toEqual([
      'Max tokens: 256',
      'Test and fix: A later round: the loop’s request after the answer before',
    ]);
    expect(settings({ repairRound: 'fix' })).toEqual([
      'Test and fix: A later round: the loop’s request after the answer before',
    ]);
    expect(settings({ repairRound: 'format' })).toEqual([
      'Test and fix: A later round: a reminder of the answer format, after an answer that could not be read',
    ]);
    const html = renderToStaticMarkup(createElement(RecordParams, { params: { repairRounds: 3 } }));
    expect(html).not.toMatch(/repairRound/);
  });
});
