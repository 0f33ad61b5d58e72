import { describe, expect, it } from 'vitest';
import { LateLogger } from './late-logger.js';
import type { Logger } from './logger.js';

function recording(lines: unknown[][], bindings: Record<string, unknown> = {}): Logger {
  const at =
    (level: string) =>
    (...args: unknown[]): void => {
      lines.push([level, bindings, ...args]);
    };
  return {
    error: at('error'),
    warn: at('warn'),
    info: at('info'),
    debug: at('debug'),
    child: (more) => recording(lines, { ...bindings, ...more }),
  };
}

describe('LateLogger', () => {
  it('keeps lines until a logger is attached, then writes them in order and passes later ones through', () => {
    const lines: unknown[][] = [];
    const late = new LateLogger();
    late.info({ mongo: 'h:1/cg' }, 'MongoDB store connected');
    late.warn('lost');
    expect(lines).toEqual([]);

    late.attach(recording(lines));
    late.error({ err: 'x' }, 'after');
    expect(lines).toEqual([
      ['info', {}, { mongo: 'h:1/cg' }, 'MongoDB store connected'],
      ['warn', {}, 'lost'],
      ['error', {}, { err: 'x' }, 'after'],
    ]);
  });

  it('gives a child made before attach its bindings once attached', () => {
    const lines: unknown[][] = [];
    const late = new LateLogger();
    const child = late.child({ component: 'store' });
    child.debug('early');
    late.attach(recording(lines));
    child.info('late');
    late.child({ component: 'after' }).info('direct');
    expect(lines).toEqual([
      ['debug', { component: 'store' }, 'early'],
      ['info', { component: 'store' }, 'late'],
      ['info', { component: 'after' }, 'direct'],
    ]);
  });
});
