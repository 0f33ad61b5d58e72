import type { FastifyBaseLogger, FastifyServerOptions } from 'fastify';

type Bindings = Parameters<FastifyBaseLogger['child']>[0];
type ChildOptions = Parameters<FastifyBaseLogger['child']>[1];
/** One log call's arguments, as pino takes them: an object or a message, then the message and format values. */
type LogArgs = [obj: unknown, msg?: string, ...args: unknown[]];

/** pino's log methods, each made on LazyChildLogger's prototype below. */
const LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
type LevelMethods = Pick<FastifyBaseLogger, (typeof LEVELS)[number]>;

/**
 * A request's logger that makes its pino child (with the request id) only
 * when something is logged. Fastify makes that child for every request,
 * and with our redaction paths pino runs its redaction over the bindings
 * each time: about 2 % of a light request (issue 13), for a logger that
 * most requests never write to (request logs are at `debug`; see logger.ts).
 * The line written is the same: the child is pino's own, made on first use.
 */
class LazyChild {
  private made: FastifyBaseLogger | undefined;

  constructor(
    private readonly parent: FastifyBaseLogger,
    private readonly bindings: Bindings,
    private readonly options: ChildOptions,
  ) {}

  /** The pino child, made on the first call. */
  real(): FastifyBaseLogger {
    this.made ??= this.parent.child(this.bindings, this.options);
    return this.made;
  }

  get level(): string {
    return (this.made ?? this.parent).level;
  }

  set level(level: string) {
    this.real().level = level;
  }

  child(bindings: Bindings, options?: ChildOptions): FastifyBaseLogger {
    return this.real().child(bindings, options);
  }
}

// One function per level on the prototype, shared by every request's logger.
for (const level of LEVELS) {
  Object.defineProperty(LazyChild.prototype, level, {
    value(this: LazyChild, ...args: LogArgs): void {
      this.real()[level](...args);
    },
  });
}

/** The class with its level methods, as the loop above made them. */
export const LazyChildLogger = LazyChild as new (
  parent: FastifyBaseLogger,
  bindings: Bindings,
  options: ChildOptions,
) => LazyChild & LevelMethods;

/** Fastify's `childLoggerFactory`: request loggers made on first use (LazyChildLogger). */
export const lazyChildLoggerFactory: NonNullable<FastifyServerOptions['childLoggerFactory']> = (
  logger,
  bindings,
  options,
) => new LazyChildLogger(logger, bindings, options);
