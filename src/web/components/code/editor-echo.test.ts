import { describe, expect, it } from 'vitest';
import { createEditorEcho } from './editor-echo';

describe('createEditorEcho', () => {
  it('takes a late echo of older typing for an echo, not an outside change', () => {
    const echo = createEditorEcho();
    echo.sent('r');
    echo.sent('re');
    echo.sent('ret');
    // The page re-renders with 'r' while the editor already holds 'ret'.
    expect(echo.isOutside('r')).toBe(false);
    expect(echo.isOutside('ret')).toBe(false);
  });

  it('takes batched echoes that skip texts in between for echoes', () => {
    const echo = createEditorEcho();
    echo.sent('a');
    echo.sent('ab');
    echo.sent('abc');
    expect(echo.isOutside('abc')).toBe(false);
    // Older texts are done with: seeing one again means it was set from outside.
    expect(echo.isOutside('ab')).toBe(true);
  });

  it('takes text the editor never reported for an outside change', () => {
    const echo = createEditorEcho();
    echo.sent('x = 1');
    expect(echo.isOutside('')).toBe(true);
    expect(echo.isOutside('def add(a, b):')).toBe(true);
  });

  it('forgets pending echoes after an outside change', () => {
    const echo = createEditorEcho();
    echo.sent('old');
    expect(echo.isOutside('handed over')).toBe(true);
    expect(echo.isOutside('old')).toBe(true);
  });
});
