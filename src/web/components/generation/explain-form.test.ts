import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { afterEach, describe, expect, it, vi } from 'vitest';

const MAC =
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 Version/17.4 Safari/605.1.15';
const WINDOWS = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 Chrome/124.0 Safari/537.36';

/** Explain's code field as a browser with `userAgent` renders it (the key is read when the module loads). */
async function codeFieldText(userAgent: string): Promise<string> {
  vi.resetModules();
  vi.stubGlobal('navigator', { userAgent });
  const { ExplainCodeField } = await import('./ExplainForm');
  const html = renderToStaticMarkup(
    createElement(ExplainCodeField, {
      code: '',
      onChange: () => undefined,
      language: null,
      onSubmit: () => undefined,
      error: null,
    }),
  );
  return html.replace(/<[^>]+>/g, '').replace(/\s+/g, ' ');
}

describe("Explain's code field", () => {
  afterEach(() => {
    vi.unstubAllGlobals();
  });

  it('shows ⌘ on a Mac, like Generate', async () => {
    expect(await codeFieldText(MAC)).toContain('⌘+Enter explains. Tab leaves the editor; ⌘+] indents.');
  });

  it('shows Ctrl elsewhere', async () => {
    expect(await codeFieldText(WINDOWS)).toContain(
      'Ctrl+Enter explains. Tab leaves the editor; Ctrl+] indents.',
    );
  });
});
