import { NotFoundError } from '../errors.js';
import type { Store } from '../store/store.port.js';
import type { UserPreferences } from '../store/preferences.port.js';
import type { Preferences, PreferencesUpdate } from '../../shared/preferences.schemas.js';

/** The API's shape of the stored preferences. */
function toApi(stored: UserPreferences): Preferences {
  return { repair: { enabled: stored.repairEnabled, rounds: stored.repairRounds } };
}

/**
 * A user's remembered choices of the web app (Generate's "Test and fix" and
 * its rounds), kept with the account so they follow the user to another
 * browser.
 */
export class PreferencesService {
  constructor(private readonly store: Store) {}

  /** The user's preferences (the defaults for those never set). */
  async get(userId: string): Promise<Preferences> {
    const stored = await this.store.preferences.get(userId);
    if (!stored) {
      throw new NotFoundError();
    }
    return toApi(stored);
  }

  /** Changes those given; the preferences after. */
  async update(userId: string, changes: PreferencesUpdate): Promise<Preferences> {
    const repair = changes.repair ?? {};
    const stored = await this.store.preferences.update(userId, {
      ...(repair.enabled === undefined ? {} : { repairEnabled: repair.enabled }),
      ...(repair.rounds === undefined ? {} : { repairRounds: repair.rounds }),
    });
    if (!stored) {
      throw new NotFoundError();
    }
    return toApi(stored);
  }
}
