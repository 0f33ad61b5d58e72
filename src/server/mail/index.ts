import path from 'node:path';
import type { Config } from '../config.js';
import type { Mailer } from './mailer.port.js';
import { OutboxMailer } from './outbox.adapter.js';
import { SmtpMailer } from './smtp.adapter.js';

/** SMTP when SMTP_URL is set, else the outbox folder in DATA_DIR. */
export function createMailer(config: Pick<Config, 'mail' | 'dataDir'>): Mailer {
  return config.mail.smtpUrl
    ? new SmtpMailer({ url: config.mail.smtpUrl, from: config.mail.from })
    : new OutboxMailer(path.join(config.dataDir, 'outbox'), config.mail.from);
}
