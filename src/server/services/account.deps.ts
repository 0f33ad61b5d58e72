import type { Clock } from '../clock.js';
import type { MailService } from '../mail/mail.service.js';
import type { Store } from '../store/store.port.js';
import type { ActivityLog } from './activity.service.js';
import type { PasswordHasher } from './password-hasher.js';

/**
 * What the account services (sign-in, password reset, profile) are built
 * from; app.ts builds it once and each service adds its own settings.
 */
export interface AccountDeps {
  store: Store;
  hasher: PasswordHasher;
  activity: ActivityLog;
  clock: Clock;
  mail: MailService;
  /** The app's public URL, for links in mails. */
  appUrl: string;
}
