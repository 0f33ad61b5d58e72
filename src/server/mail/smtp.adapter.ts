import nodemailer, { type Transporter } from 'nodemailer';
import type { Mailer, MailMessage, SentMail } from './mailer.port.js';

export interface SmtpOptions {
  /** smtp://user:pass@host:587 (STARTTLS when offered) or smtps://user:pass@host:465 (TLS). */
  url: string;
  from: string;
  connectionTimeoutMs?: number;
  socketTimeoutMs?: number;
}

/** Sends over SMTP with nodemailer: Gmail, SendGrid, Mailgun, Amazon SES, Mailpit... */
export class SmtpMailer implements Mailer {
  readonly description: string;
  private readonly transport: Transporter;

  constructor(private readonly options: SmtpOptions) {
    const url = new URL(options.url);
    // Never log the credentials in the URL.
    this.description = `SMTP ${url.protocol}//${url.hostname}:${url.port || (url.protocol === 'smtps:' ? '465' : '587')}`;
    // `url` carries host, port, TLS mode, credentials and any query options.
    this.transport = nodemailer.createTransport({
      url: options.url,
      connectionTimeout: options.connectionTimeoutMs ?? 10_000,
      greetingTimeout: options.connectionTimeoutMs ?? 10_000,
      socketTimeout: options.socketTimeoutMs ?? 30_000,
    });
  }

  async send(message: MailMessage): Promise<SentMail> {
    const info = (await this.transport.sendMail({ from: this.options.from, ...message })) as {
      messageId: string;
    };
    return { messageId: info.messageId };
  }

  async close(): Promise<void> {
    this.transport.close();
  }
}
