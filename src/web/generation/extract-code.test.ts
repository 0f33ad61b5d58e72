import { describe, expect, it } from 'vitest';
import { extractFirstCodeBlock } from './extract-code';

describe('extractFirstCodeBlock', () => {
  it('takes the first fenced block and its language', () => {
    const answer = 'Here:\n\n```py\ndef add(a, b):\n    return a + b\n```\n\nand\n\n```js\nx()\n```\n';
    expect(extractFirstCodeBlock(answer)).toEqual({
      code: 'def add(a, b):\n    return a + b',
      language: 'python',
    });
  });

  it('keeps what arrived of a block cut short by Stop', () => {
    expect(extractFirstCodeBlock('Sure.\n```rust\nfn main() {\n    println!')).toEqual({
      code: 'fn main() {\n    println!',
      language: 'rust',
    });
  });

  it('accepts tilde fences and longer fences holding shorter ones', () => {
    expect(extractFirstCodeBlock('~~~\nplain\n~~~')).toEqual({ code: 'plain', language: null });
    expect(extractFirstCodeBlock('````md\n```\ninner\n```\n````')).toEqual({
      code: '```\ninner\n```',
      language: null,
    });
  });

  it('finds nothing in prose or an empty block', () => {
    expect(extractFirstCodeBlock('No code here, only `inline`.')).toBeNull();
    expect(extractFirstCodeBlock('```python\n\n```')).toBeNull();
  });
});
