import { describe, expect, it } from 'vitest';
import { ProgressBar, renderBar } from './progress-bar.js';

/** The progress bar of `npm run eval` (and, later, `npm run models -- pull`). */

function output(isTTY: boolean): { write: (text: string) => void; isTTY: boolean; text: () => string } {
  let written = '';
  return {
    isTTY,
    write: (text) => {
      written += text;
    },
    text: () => written,
  };
}

describe('renderBar', () => {
  it('fills the bar and floors the percentage', () => {
    expect(renderBar(0, 3)).toBe(`[${'-'.repeat(30)}]   0%`);
    expect(renderBar(1, 3)).toBe(`[${'#'.repeat(10)}${'-'.repeat(20)}]  33%`);
    expect(renderBar(2, 3)).toBe(`[${'#'.repeat(20)}${'-'.repeat(10)}]  66%`);
    expect(renderBar(5, 3)).toBe(`[${'#'.repeat(30)}] 100%`);
    expect(renderBar(1, 0)).toBe(`[${'-'.repeat(30)}]   0%`);
  });
});

describe('ProgressBar', () => {
  it('prints one line per 10 % when not on a terminal', () => {
    const out = output(false);
    const bar = new ProgressBar(out);
    for (let done = 0; done <= 164; done++) {
      bar.update(done, 164, `${done}/164`);
    }
    bar.finish();
    const lines = out.text().trimEnd().split('\n');
    expect(lines).toHaveLength(11);
    expect(lines[0]).toBe(`${renderBar(0, 164)}  0/164`);
    expect(lines[1]).toBe(`${renderBar(17, 164)}  17/164`);
    expect(lines[10]).toBe(`${renderBar(164, 164)}  164/164`);
    expect(out.text()).not.toContain('\r');
  });

  it('prints the last state on finish when it was not the 100 % line', () => {
    const out = output(false);
    const bar = new ProgressBar(out);
    bar.update(1, 3, 'one');
    bar.finish();
    expect(out.text()).toBe(`${renderBar(1, 3)}  one\n${renderBar(1, 3)}  one\n`);
  });

  it('redraws in place on a terminal at most every 100 ms, and always on finish', () => {
    const out = output(true);
    let now = 1_000;
    const bar = new ProgressBar(out, () => now);
    bar.update(1, 4, 'a');
    now += 50;
    bar.update(2, 4, 'b');
    now += 60;
    bar.update(3, 4, 'c');
    bar.update(4, 4, 'd');
    bar.finish();
    expect(out.text()).toBe(
      `\r${renderBar(1, 4)}  a\x1b[K\r${renderBar(3, 4)}  c\x1b[K\r${renderBar(4, 4)}  d\x1b[K\n`,
    );
  });

  it('ends an abandoned terminal line so the next message starts clean', () => {
    const out = output(true);
    const bar = new ProgressBar(out, () => 1_000);
    bar.abandon();
    expect(out.text()).toBe('');
    bar.update(1, 4, 'a');
    bar.abandon();
    expect(out.text()).toBe(`\r${renderBar(1, 4)}  a\x1b[K\n`);
  });

  it('shows only the detail while the total is unknown', () => {
    const out = output(true);
    const bar = new ProgressBar(out, () => 1_000);
    bar.update(5, null, '5 MB');
    expect(out.text()).toBe('\r5 MB\x1b[K');
  });
});
