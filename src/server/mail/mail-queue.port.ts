import type { OutboxRecord, OutboxRepository } from '../outbox.js';

/**
 * Where the mail service keeps mail waiting to be sent: the store's outbox
 * (the shapes live in the kernel, src/server/outbox.ts, as the mail folder
 * may not import the store).
 */

/** A queued mail; `payload` is the sealed message (mail-seal.ts). */
export type QueuedMail = OutboxRecord;

/** What the mail service uses of the store's outbox. */
export type MailQueue = Pick<OutboxRepository, 'add' | 'claimDue' | 'nextDueAt' | 'reschedule' | 'delete'>;

/** The reset tokens a mail may carry: a withdrawn token's mail is not sent. */
export interface MailTokens {
  /** Whether the token is still usable (not used, replaced, expired or deleted with its account). */
  isLive(userId: string, tokenId: string): Promise<boolean>;
  /** Called once every try has failed: a link nobody received must not stay usable. */
  withdraw(userId: string, tokenId: string): Promise<void>;
}
