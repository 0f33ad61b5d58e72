import Fastify from 'fastify';
import type { Logger } from '../../src/server/logger.js';
import { logSink } from './secrets.js';

/** A real logger and the lines it wrote. */
export interface CapturedLog {
  log: Logger;
  /** Every line written, as pino wrote it (JSON). */
  lines: string[];
}

/**
 * A real pino logger (Fastify's, as the app uses) at `level`, writing into
 * `lines` and, when `auditName` is given, into test-results/logs for the
 * log audit (which checks that no secret reached a log).
 */
export function captureLog(level: 'trace' | 'debug' | 'info' | 'warn', auditName?: string): CapturedLog {
  const lines: string[] = [];
  const sink = auditName === undefined ? undefined : logSink(auditName);
  const log = Fastify({
    logger: {
      level,
      stream: {
        write: (line: string) => {
          lines.push(line);
          sink?.write(line);
        },
      },
    },
  }).log;
  return { log, lines };
}
