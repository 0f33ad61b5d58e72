import type { Clock } from '../clock.js';
import type { Logger } from '../logger.js';

/** The longest the job sleeps between passes (mail another process queued is found within this). */
export const MAIL_OUTBOX_MAX_WAIT_MS = 60_000;

/** What the job drives: the mail service (mail/mail.service.ts). */
export interface OutboxSender {
  /** Tries the mail due now; resolves to when the next is due, null when none is queued. */
  sendDue(): Promise<Date | null>;
  /** Calls `listener` whenever a mail is queued. */
  onQueued(listener: () => void): void;
}

export interface MailOutboxDeps {
  sender: OutboxSender;
  clock: Clock;
  log: Logger;
  maxWaitMs?: number;
}

/** A started background job. */
export interface MailOutboxJob {
  /** Stops the timer and waits for a pass under way, so the store can be closed after. */
  stop(): Promise<void>;
}

/**
 * Sends the outbox: one pass at start (mail left by the last run, e.g. a
 * stop during a mail-server outage), one whenever a mail is queued, and one
 * when the next retry is due on the injected clock. The timer does not keep
 * the process alive; a failed pass (store down) is logged and tried again later.
 * Every instance sharing the store runs this job: the mail service claims each
 * mail in the store before its try, so one of them sends it.
 */
export function startMailOutbox(deps: MailOutboxDeps): MailOutboxJob {
  const maxWaitMs = deps.maxWaitMs ?? MAIL_OUTBOX_MAX_WAIT_MS;
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  const running = new Set<Promise<void>>();

  const schedule = (next: Date | null) => {
    clearTimeout(timer);
    if (stopped) {
      return;
    }
    const wait = next === null ? maxWaitMs : next.getTime() - deps.clock.now().getTime();
    timer = setTimeout(run, Math.min(maxWaitMs, Math.max(0, wait)));
    timer.unref();
  };

  function run(): void {
    if (stopped) {
      return;
    }
    const pass = deps.sender
      .sendDue()
      .then(schedule, (error: unknown) => {
        deps.log.warn({ err: error }, 'mail outbox pass failed; will try again');
        schedule(null);
      })
      .finally(() => running.delete(pass));
    running.add(pass);
  }

  deps.sender.onQueued(run);
  run();
  return {
    stop: async () => {
      stopped = true;
      clearTimeout(timer);
      await Promise.all([...running]);
    },
  };
}
