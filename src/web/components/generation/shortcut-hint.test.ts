import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { EditorShortcutHint, editorKeysDescription, modifierKey } from './ShortcutHint';

describe('modifierKey', () => {
  it('is ⌘ (Command) on a Mac, an iPhone and an iPad', () => {
    for (const userAgent of [
      'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Safari/605.1.15',
      'Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 Mobile/15E148',
      'Mozilla/5.0 (iPad; CPU OS 17_4 like Mac OS X) AppleWebKit/605.1.15 Mobile/15E148',
    ]) {
      expect(modifierKey(userAgent)).toEqual({ symbol: '⌘', name: 'Command' });
    }
  });

  it('is Ctrl (Control) on Windows and Linux', () => {
    for (const userAgent of [
      'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0 Safari/537.36',
      'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/124.0 Safari/537.36',
    ]) {
      expect(modifierKey(userAgent)).toEqual({ symbol: 'Ctrl', name: 'Control' });
    }
  });
});

const MAC = modifierKey(
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 Safari/605.1.15',
);
const LINUX = modifierKey('Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 Chrome/124.0 Safari/537.36');

describe("Explain's editor hint", () => {
  it('shows ⌘ on a Mac and Ctrl elsewhere, for running and for indenting', () => {
    const mac = renderToStaticMarkup(createElement(EditorShortcutHint, { does: 'explains', keys: MAC }));
    expect(textOf(mac)).toBe('⌘+Enter explains. Tab leaves the editor; ⌘+] indents.');
    const linux = renderToStaticMarkup(createElement(EditorShortcutHint, { does: 'explains', keys: LINUX }));
    expect(textOf(linux)).toBe('Ctrl+Enter explains. Tab leaves the editor; Ctrl+] indents.');
  });

  it('reads the key out by name', () => {
    expect(editorKeysDescription('explain', MAC)).toBe(
      'Press Command+Enter to explain. Tab moves to the next control; Command+] indents.',
    );
  });
});

function textOf(html: string): string {
  return html.replace(/<[^>]+>/g, '').replace(/\s+/g, ' ');
}
