import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { KINDS, ProgressBar } from './db-copy.js';

describe('db:copy progress bar', () => {
  function capture(isTTY: boolean) {
    const chunks: string[] = [];
    const out = Object.assign(new PassThrough(), { isTTY });
    out.on('data', (c: Buffer) => chunks.push(c.toString()));
    return { out, text: () => chunks.join('') };
  }

  it('prints a line per tenth and a final line when not on a terminal', () => {
    const { out, text } = capture(false);
    const bar = new ProgressBar(out, 'copy', 200);
    for (let i = 1; i <= 200; i++) {
      bar.update(i, ` · ${i} written`);
    }
    bar.finish(' · 200 written');
    const lines = text().trimEnd().split('\n');
    expect(lines).toHaveLength(11);
    expect(lines[0]).toBe('copy [------------------------------]   0% 1/200 users · 1 written');
    expect(lines[1]).toBe(`copy [${'#'.repeat(3)}${'-'.repeat(27)}]  10% 20/200 users · 20 written`);
    expect(lines.at(-1)).toBe('copy [##############################] 100% 200/200 users · 200 written');
  });

  it('redraws one line on a terminal and shows an empty store as done', () => {
    const { out, text } = capture(true);
    const bar = new ProgressBar(out, 'copy', 0);
    bar.finish();
    expect(text()).toBe('\r\u001b[2Kcopy [##############################] 100% 0/0 users\n');
  });

  it('counts kinds in a fixed order', () => {
    // One line, in copy order: users before what refers to them, threads before their turns.
    expect(KINDS.join(' ')).toBe('users sessions passwordResets activity threads prompts outbox');
  });
});
