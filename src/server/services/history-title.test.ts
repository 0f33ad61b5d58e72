import { describe, expect, it } from 'vitest';
import { title } from './history.service.js';

describe('history item title', () => {
  it('is the first non-blank line, trimmed', () => {
    expect(title('\n  \r\n   Write a parser  \r\nmore')).toBe('Write a parser');
    expect(title('one line')).toBe('one line');
  });

  it('is empty for blank input', () => {
    expect(title('')).toBe('');
    expect(title(' \n\t\r\n ')).toBe('');
  });

  it('keeps at most 200 characters of a long first line', () => {
    expect(title(`${'x'.repeat(500)}\nnext`)).toBe('x'.repeat(200));
  });

  it('titles a large pasted text by its first line', () => {
    const code = `def main():\n${'    print("hello")\n'.repeat(50_000)}`;
    expect(title(code)).toBe('def main():');
  });
});
