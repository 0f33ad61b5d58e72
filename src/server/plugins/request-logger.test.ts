import pino from 'pino';
import { describe, expect, it, vi } from 'vitest';
import { REDACT_PATHS } from '../logger.js';
import { LazyChildLogger, lazyChildLoggerFactory } from './request-logger.js';

/** A pino logger at `level` writing JSON lines into `lines`, with the app's redaction. */
function memoryLogger(level: string) {
  const lines: Record<string, unknown>[] = [];
  const logger = pino(
    { level, redact: { paths: REDACT_PATHS, censor: '[redacted]' } },
    { write: (line: string) => lines.push(JSON.parse(line) as Record<string, unknown>) },
  );
  return { logger, lines };
}

describe('LazyChildLogger', () => {
  it('makes no pino child for a request that logs nothing', () => {
    const { logger } = memoryLogger('info');
    const child = vi.spyOn(logger, 'child');
    const log = new LazyChildLogger(logger, { reqId: 'req-1' }, {});
    expect(log.level).toBe('info');
    expect(child).not.toHaveBeenCalled();
  });

  it('writes the same line as the child Fastify would make, request id and redaction included, and makes it once', () => {
    const { logger, lines } = memoryLogger('debug');
    const child = vi.spyOn(logger, 'child');
    const log = lazyChildLoggerFactory.call(
      undefined as never,
      logger,
      { reqId: 'req-2' },
      {},
      undefined as never,
    );
    log.warn({ origin: 'https://evil.example', token: 'secret-token' }, 'cross-origin request refused');
    log.info('plain message');
    log.debug({ n: 1 }, 'count %d', 2);
    log.trace('not written at debug');
    expect(child).toHaveBeenCalledTimes(1);
    expect(
      lines.map(({ level, reqId, msg, origin, token, n }) => ({ level, reqId, msg, origin, token, n })),
    ).toEqual([
      {
        level: 40,
        reqId: 'req-2',
        msg: 'cross-origin request refused',
        origin: 'https://evil.example',
        token: '[redacted]',
        n: undefined,
      },
      { level: 30, reqId: 'req-2', msg: 'plain message', origin: undefined, token: undefined, n: undefined },
      { level: 20, reqId: 'req-2', msg: 'count 2', origin: undefined, token: undefined, n: 1 },
    ]);
  });

  it('passes errors, children and level changes through to the real child', () => {
    const { logger, lines } = memoryLogger('info');
    const log = new LazyChildLogger(logger, { reqId: 'req-3' }, {});
    log.error({ err: new Error('boom') }, 'unhandled error');
    log.child({ generationId: 'g1' }).fatal('stopped');
    log.level = 'silent';
    log.error('not written');
    expect(log.level).toBe('silent');
    expect(logger.level).toBe('info');
    expect(lines).toMatchObject([
      { level: 50, reqId: 'req-3', msg: 'unhandled error', err: { message: 'boom', type: 'Error' } },
      { level: 60, reqId: 'req-3', generationId: 'g1', msg: 'stopped' },
    ]);
  });
});
