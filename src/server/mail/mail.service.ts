import type { Logger } from '../logger.js';
import type { Mailer, MailMessage } from './mailer.port.js';

export interface MailRetryOptions {
  /** Tries in all, first included. Default 4. */
  attempts: number;
  /** Wait before the second try; each later wait is 4 times longer. Default 2 s. */
  baseDelayMs: number;
}

export interface MailJob {
  message: MailMessage;
  /** What the mail is, for logs ("password-reset"); never the content. */
  purpose: string;
  /** Called once every try has failed, e.g. to withdraw the token the mail carried. */
  onGaveUp?: () => Promise<void>;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms).unref());

/**
 * Sends mail off the request path with bounded retries and backoff. A
 * failure is logged with its reason and never reaches the request that
 * caused the mail, so a down mail server never changes an answer.
 */
export class MailService {
  private readonly pending = new Set<Promise<void>>();
  private readonly retry: MailRetryOptions;

  constructor(
    private readonly mailer: Mailer,
    private readonly log: Logger,
    retry: Partial<MailRetryOptions> = {},
  ) {
    this.retry = { attempts: retry.attempts ?? 4, baseDelayMs: retry.baseDelayMs ?? 2000 };
  }

  get description(): string {
    return this.mailer.description;
  }

  /** Queues a message and returns at once. */
  enqueue(job: MailJob): void {
    const run = this.deliver(job).finally(() => this.pending.delete(run));
    this.pending.add(run);
  }

  /** Resolves when every queued message is sent or given up (tests, shutdown). */
  async idle(): Promise<void> {
    while (this.pending.size > 0) {
      await Promise.all([...this.pending]);
    }
  }

  async close(): Promise<void> {
    await this.idle();
    await this.mailer.close();
  }

  private async deliver(job: MailJob): Promise<void> {
    for (let attempt = 1; attempt <= this.retry.attempts; attempt++) {
      try {
        const sent = await this.mailer.send(job.message);
        this.log.info(
          { mail: job.purpose, messageId: sent.messageId, file: sent.file, attempt },
          sent.file ? `mail written to ${sent.file}` : 'mail sent',
        );
        return;
      } catch (error) {
        const reason = error instanceof Error ? error.message : String(error);
        const last = attempt === this.retry.attempts;
        this.log.warn(
          { mail: job.purpose, attempt, reason },
          last ? 'mail failed; giving up' : 'mail failed; will retry',
        );
        if (!last) {
          await sleep(this.retry.baseDelayMs * 4 ** (attempt - 1));
        }
      }
    }
    try {
      await job.onGaveUp?.();
    } catch (error) {
      this.log.error({ err: error, mail: job.purpose }, 'clean-up after failed mail failed');
    }
  }
}
