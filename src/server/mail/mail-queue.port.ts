/**
 * Where the mail service keeps mail waiting to be sent. The store's
 * OutboxRepository (store.port.ts) is this port: the mail folder may not
 * import the store, so app.ts hands one in as the other and the compiler
 * checks that they agree.
 */

/** A queued mail, as the store keeps it (see OutboxRecord in store.port.ts). */
export interface QueuedMail {
  id: string;
  userId: string;
  purpose: string;
  /** The sealed message (mail-seal.ts). */
  payload: string;
  tokenId: string | null;
  attempts: number;
  nextAttemptAt: Date;
  createdAt: Date;
  lastError: string | null;
}

export interface MailQueue {
  add(mail: QueuedMail): Promise<void>;
  listDue(now: Date, limit: number): Promise<QueuedMail[]>;
  nextDueAt(): Promise<Date | null>;
  reschedule(id: string, attempts: number, nextAttemptAt: Date, lastError: string): Promise<boolean>;
  delete(id: string): Promise<boolean>;
}

/** The reset tokens a mail may carry: a withdrawn token's mail is not sent. */
export interface MailTokens {
  /** Whether the token is still usable (not used, replaced, expired or deleted with its account). */
  isLive(userId: string, tokenId: string): Promise<boolean>;
  /** Called once every try has failed: a link nobody received must not stay usable. */
  withdraw(userId: string, tokenId: string): Promise<void>;
}
