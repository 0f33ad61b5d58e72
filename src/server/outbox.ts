/**
 * The outbox's shapes, in the kernel because two layers share them: the
 * storage port (store.port.ts re-exports them; both adapters implement the
 * repository) and the mail service (mail/mail-queue.port.ts), which may not
 * import the store. One definition, so the two cannot drift.
 */

/**
 * A mail waiting to be sent: the `outbox` collection. Kept in the store so a
 * restart during a mail-server outage loses nothing; deleted once sent, given
 * up, withdrawn, or with the account.
 */
export interface OutboxRecord {
  id: string;
  /** The account the mail is about; its records go with the account. */
  userId: string;
  /** What the mail is, for logs ("password-reset"); never the content. */
  purpose: string;
  /** The message, sealed by the mail service: the store never holds a reset link in clear. */
  payload: string;
  /** The password-reset token the mail carries: once that token is withdrawn, the mail is not sent. */
  tokenId: string | null;
  /** Tries made so far. */
  attempts: number;
  /** When the next try is due. */
  nextAttemptAt: Date;
  createdAt: Date;
  /** Why the last try failed (never the content). */
  lastError: string | null;
}

/**
 * The outbox in the store. Several instances may share one store (issue 14),
 * so a sender takes mail with `claimDue` before trying it: the claim is a
 * lease that moves the mail's `nextAttemptAt` to the lease's end, so no other
 * sender sees it as due until then, and a mail whose sender died mid-try is
 * due again once its lease runs out. `reschedule` and `delete` given the
 * claimer's `owner` act only while that owner still holds the claim.
 */
export interface OutboxRepository {
  add(mail: OutboxRecord): Promise<void>;
  /** Mails due at `now` (nextAttemptAt at or before it), earliest first, at most `limit`. Reads only. */
  listDue(now: Date, limit: number): Promise<OutboxRecord[]>;
  /**
   * Atomically takes up to `limit` mails due at `now`, earliest first, for
   * `owner` until `now + leaseMs` (their nextAttemptAt becomes that time,
   * and `owner` holds the claim). Returns the mails this caller won, as
   * they were when due; two callers at once never get the same mail.
   */
  claimDue(now: Date, owner: string, leaseMs: number, limit: number): Promise<OutboxRecord[]>;
  /** The earliest nextAttemptAt of any mail (a claimed mail's lease end); null when the outbox is empty. */
  nextDueAt(): Promise<Date | null>;
  /**
   * Records a failed try and releases any claim; false when the mail is gone
   * (sent by another process, or its account deleted) or, given `owner`,
   * when that owner no longer holds the claim (its lease ran out and another
   * sender took the mail).
   */
  reschedule(
    id: string,
    attempts: number,
    nextAttemptAt: Date,
    lastError: string,
    owner?: string,
  ): Promise<boolean>;
  /** Deletes one mail; false when absent or, given `owner`, when that owner no longer holds the claim. */
  delete(id: string, owner?: string): Promise<boolean>;
  /** Every mail of the user, earliest due first. For db:copy and tests. */
  listForUser(userId: string): Promise<OutboxRecord[]>;
}
