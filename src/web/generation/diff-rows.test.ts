import { describe, expect, it } from 'vitest';
import { sideBySide } from './diff-rows';

describe('sideBySide', () => {
  it('aligns equal lines and marks a replaced line as changed on both sides', () => {
    const { rows, changedRows } = sideBySide(
      'def add(a, b):\n    return a + b\n',
      'def add(a, b):\n    return b + a',
    );
    expect(rows).toEqual([
      { kind: 'same', left: { line: 1, text: 'def add(a, b):' }, right: { line: 1, text: 'def add(a, b):' } },
      {
        kind: 'changed',
        left: { line: 2, text: '    return a + b' },
        right: { line: 2, text: '    return b + a' },
      },
    ]);
    expect(changedRows).toBe(1);
  });

  it('shows lines only one side has, keeping both sides’ numbering', () => {
    const { rows } = sideBySide(
      'start()\nlet total = 0\nend()',
      'start()\nlet total = 1\nlog(total)\nend()\nreturn total',
    );
    expect(rows.map((r) => [r.kind, r.left?.line ?? null, r.right?.line ?? null])).toEqual([
      ['same', 1, 1],
      ['changed', 2, 2],
      ['added', null, 3],
      ['same', 3, 4],
      ['added', null, 5],
    ]);
  });

  it('puts a changed line next to its new version, and an inserted line on its own', () => {
    const { rows } = sideBySide(
      'def add(a, b):\n    return a + b',
      'def add(a, b):\n    """Add."""\n    return b + a',
    );
    expect(rows.map((r) => [r.kind, r.left?.text.trim() ?? null, r.right?.text.trim() ?? null])).toEqual([
      ['same', 'def add(a, b):', 'def add(a, b):'],
      ['added', null, '"""Add."""'],
      ['changed', 'return a + b', 'return b + a'],
    ]);
  });

  it('ignores trailing spaces and Windows line ends', () => {
    expect(sideBySide('x = 1  \r\ny = 2', 'x = 1\ny = 2\n').changedRows).toBe(0);
    expect(sideBySide('', '').rows).toEqual([]);
  });
});
