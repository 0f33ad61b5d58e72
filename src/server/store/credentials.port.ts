/**
 * Password changes as one store operation (issue 16, item 2): the new hash
 * and the end of the old sessions happen together or not at all, so a
 * failure half-way (a MongoDB failover, a locked SQLite file) never leaves
 * an old session, perhaps an attacker's, alive after the new password, and
 * never spends a reset token on a reset that did not happen.
 *
 * SQLite runs each in one write transaction. MongoDB runs each in a
 * multi-document transaction (`withTransaction`: Atlas is always a replica
 * set); on a server without transactions (a standalone `mongod`, which has
 * no failover) it runs ordered steps instead, each retried on a transient
 * error: token first, then sessions, password, and sessions once more.
 */
/** What a password change did: how many sessions it ended. */
export interface PasswordReplaced {
  sessionsRevoked: number;
}

/** What a completed reset did, and whose password it set. */
export interface ResetCompleted extends PasswordReplaced {
  userId: string;
}

export interface CredentialRepository {
  /**
   * Uses a reset token: marks it used if it is unused and unexpired at `now`
   * (of simultaneous calls for one token exactly one gets a result), sets
   * its user's password hash and deletes every session of that user.
   * Returns the user's id and how many sessions were deleted; null when the
   * token cannot be used, and then nothing changed (or its user is gone:
   * then a standalone MongoDB, without transactions, has used the token up).
   */
  completeReset(tokenHash: string, passwordHash: string, now: Date): Promise<ResetCompleted | null>;
  /**
   * Sets the user's password hash and deletes every other session of theirs
   * (all but `keepSessionId`). Returns how many sessions were deleted; null
   * when the user does not exist, and then nothing changed.
   */
  replacePassword(
    userId: string,
    hash: string,
    now: Date,
    keepSessionId?: string,
  ): Promise<PasswordReplaced | null>;
}
