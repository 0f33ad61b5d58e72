import type { Logger } from './logger.js';

type Level = 'error' | 'warn' | 'info' | 'debug';
type Line = { level: Level; fields: object | string; message: string | undefined };

/**
 * A logger for what starts before the app's own logger exists (the store:
 * its connection-loss watch is wired when it connects). Lines are kept until
 * `attach` and then written, in order, to the real logger; after that every
 * line goes straight through.
 */
export class LateLogger implements Logger {
  private target: Logger | undefined;
  private readonly pending: Line[] = [];
  private readonly children: LateLogger[] = [];

  constructor(private readonly bindings: Record<string, unknown> = {}) {}

  /** Writes the kept lines to `target` and sends every later one there. */
  attach(target: Logger): void {
    this.target = Object.keys(this.bindings).length > 0 ? target.child(this.bindings) : target;
    for (const line of this.pending.splice(0)) {
      this.write(line);
    }
    for (const child of this.children.splice(0)) {
      child.attach(target);
    }
  }

  error = (fields: object | string, message?: string): void => {
    this.write({ level: 'error', fields, message });
  };
  warn = (fields: object | string, message?: string): void => {
    this.write({ level: 'warn', fields, message });
  };
  info = (fields: object | string, message?: string): void => {
    this.write({ level: 'info', fields, message });
  };
  debug = (fields: object | string, message?: string): void => {
    this.write({ level: 'debug', fields, message });
  };

  child(bindings: Record<string, unknown>): Logger {
    if (this.target) {
      return this.target.child(bindings);
    }
    const child = new LateLogger({ ...this.bindings, ...bindings });
    this.children.push(child);
    return child;
  }

  private write(line: Line): void {
    if (!this.target) {
      this.pending.push(line);
    } else if (typeof line.fields === 'string') {
      this.target[line.level](line.fields);
    } else {
      this.target[line.level](line.fields, line.message);
    }
  }
}
