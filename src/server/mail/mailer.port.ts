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

/** Whom a message is about, for the adapter's own bookkeeping (never shown in the mail). */
export interface MailAbout {
  userId: string;
}

/**
 * The mail port. Adapters: SMTP (nodemailer) when SMTP_URL is set, else
 * the outbox folder. `send` rejects on failure; retries are the caller's
 * (MailService) business.
 */
export interface Mailer {
  /** Shown in the start-up log. */
  readonly description: string;
  send(message: MailMessage, about?: MailAbout): Promise<SentMail>;
  /** Deletes what the adapter kept of the user's mail (the outbox folder's files); returns how many. */
  deleteForUser?(userId: string): Promise<number>;
  close(): Promise<void>;
}
