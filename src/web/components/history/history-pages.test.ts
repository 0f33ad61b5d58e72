import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { MESSAGES } from '../../../shared/messages';
import type { ThreadListItem } from '../../api/threads.api';
import { appendPage, firstPage } from './history-pages';
import { SearchLimitedNotice } from './SearchLimitedNotice';

const thread = (id: string): ThreadListItem => ({
  id,
  title: `Thread ${id}`,
  kind: 'generate',
  createdAt: '2026-01-01T00:00:00.000Z',
  updatedAt: '2026-01-01T00:00:00.000Z',
  turnCount: 1,
  latest: { id: `${id}-turn`, status: 'completed', modelId: 'm', language: 'python' },
});

describe('History pages', () => {
  it('remembers that the search was limited as the page loaded last says', () => {
    const first = firstPage({ items: [thread('a')], nextCursor: 'c1', searchLimited: true });
    expect(first).toEqual({ items: [thread('a')], nextCursor: 'c1', searchLimited: true });
    // "Load more" searched on below the newest records and finished: no longer limited.
    const more = appendPage(first, { items: [thread('b')], nextCursor: null });
    expect(more).toEqual({ items: [thread('a'), thread('b')], nextCursor: null, searchLimited: false });
    expect(firstPage({ items: [], nextCursor: null }).searchLimited).toBe(false);
  });

  it('does not list a thread twice when a later page has it again', () => {
    const first = firstPage({ items: [thread('a'), thread('b')], nextCursor: 'c1' });
    const more = appendPage(first, {
      items: [thread('b'), thread('c')],
      nextCursor: 'c2',
      searchLimited: true,
    });
    expect(more.items?.map((t) => t.id)).toEqual(['a', 'b', 'c']);
    expect(more).toMatchObject({ nextCursor: 'c2', searchLimited: true });
  });
});

describe('the notice of a limited search', () => {
  it('says the search looked at the newest items only, and how to go on', () => {
    const html = renderToStaticMarkup(createElement(SearchLimitedNotice, { limited: true }));
    expect(html).toContain(MESSAGES.searchLimited);
    expect(MESSAGES.searchLimited).toMatch(/most recent items.*Load more/);
  });

  it('shows nothing when the search was complete', () => {
    expect(renderToStaticMarkup(createElement(SearchLimitedNotice, { limited: false }))).toBe('');
  });
});
