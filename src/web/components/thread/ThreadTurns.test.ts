import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import type { ThreadTurn } from '../../api/threads.api';
import { ThreadTurns } from './ThreadTurns';

const turn = (id: string, parentId: string | null, params: Record<string, unknown>): ThreadTurn => ({
  kind: 'generate',
  id,
  parentId,
  modelId: 'remote-chat',
  output: 'answer',
  language: 'javascript',
  status: 'completed',
  params,
  sections: null,
  error: null,
  usage: { promptTokens: null, completionTokens: null },
  timings: { firstTokenMs: null, totalMs: null, tokensPerSecond: null },
  createdAt: '2026-01-01T00:00:00.000Z',
  finishedAt: '2026-01-01T00:00:01.000Z',
  prompt: id === 'first' ? 'Write add(a, b)' : 'Fix the code: the tests failed.',
  code: null,
});

/** The markup of each turn of a Test and fix thread: the user's request, then the loop's fix request. */
function turnsHtml(): string[] {
  const turns = [turn('first', null, { repairRounds: 2 }), turn('fix', 'first', { repairRound: true })];
  const html = renderToStaticMarkup(
    createElement(ThreadTurns, {
      chain: turns.map((t) => ({ turn: t, versions: [t], index: 0 })),
      liveId: null,
      renderLive: () => null,
      renderStored: (t: ThreadTurn) => createElement('p', null, t.output),
      omittedTurns: 0,
      models: null,
      busy: false,
      onSelect: () => undefined,
      onRegenerate: () => undefined,
      onEdit: () => true,
      repairSummary: null,
    }),
  );
  return html.split('<li ').slice(1);
}

describe('a Test and fix thread’s turns', () => {
  it('offers Retry and Edit on the user’s turn only, not on the fix request the loop sent', () => {
    const [mine, loop] = turnsHtml();
    expect(mine).toContain('>You<');
    expect(mine).toContain('>Retry<');
    expect(mine).toContain('aria-label="Edit request 1"');
    expect(loop).toContain('>Test and fix<');
    expect(loop).not.toContain('>Retry<');
    expect(loop).not.toContain('Retry with');
    expect(loop).not.toContain('Edit request');
  });
});
