/** A message ready to send: both parts come from templates/. */
export interface MailMessage {
  to: string;
  subject: string;
  text: string;
  html: string;
}

/** What a sent message left behind, for the log (never its content). */
export interface SentMail {
  messageId: string;
  /** For the outbox adapter: the .eml file written. */
  file?: string;
}

/**
 * The mail port. Adapters: SMTP (nodemailer) when SMTP_URL is set, else
 * the outbox folder. `send` rejects on failure; retries are the caller's
 * (MailService) business.
 */
export interface Mailer {
  /** Shown in the start-up log. */
  readonly description: string;
  send(message: MailMessage): Promise<SentMail>;
  close(): Promise<void>;
}
