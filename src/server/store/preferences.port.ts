/**
 * A user's remembered choices of the web app (issue 17: Generate's "Test and
 * fix" and its rounds), on the user's record: SQLite's `users.repair_enabled`
 * and `users.repair_rounds` columns (migration 15), MongoDB's `preferences`
 * field of the user document (absent: the defaults). They go with the user.
 */
export interface UserPreferences {
  /** Test and fix on (false until the user turns it on). */
  repairEnabled: boolean;
  /** Its fix rounds, 1 to 5 (default 2). */
  repairRounds: number;
}

export interface PreferenceRepository {
  /** The user's preferences (the defaults for those never set); null when the user does not exist. */
  get(userId: string): Promise<UserPreferences | null>;
  /** Changes those given; the preferences after, or null when the user does not exist. */
  update(userId: string, changes: Partial<UserPreferences>): Promise<UserPreferences | null>;
}
