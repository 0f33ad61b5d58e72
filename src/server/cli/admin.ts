import fs from 'node:fs';
import { systemClock } from '../clock.js';
import { ConfigError, loadConfig } from '../config.js';
import { LastAdminError } from '../errors.js';
import { ActivityLog } from '../services/activity.service.js';
import { issueResetLink } from '../services/password-reset.service.js';
import { createStore } from '../store/index.js';
import type { Store, UserRecord } from '../store/store.port.js';

const USAGE = `Usage: npm run admin -- <command>

Commands:
  reset-link <username|email>   Print a one-time password-reset link for that account
                                (for instances without a mail server). The link follows
                                the usual rules: single use, expires after
                                RESET_TOKEN_TTL_MINUTES, replaces older links.
  grant-admin <username|email>  Make that account an administrator (and active, if it
                                was pending or disabled).
  revoke-admin <username|email> Make that administrator an ordinary user. The last
                                active administrator cannot be removed.
`;

const COMMANDS = new Set(['reset-link', 'grant-admin', 'revoke-admin']);

/** The account named by username or email (case-insensitive), or null. */
function findUser(store: Store, target: string): Promise<UserRecord | null> {
  const identifier = target.trim().toLowerCase();
  return identifier.includes('@')
    ? store.users.findByEmail(identifier)
    : store.users.findByUsername(identifier);
}

/** grant-admin / revoke-admin: changes the role, records it in the account's activity log. */
async function changeRole(store: Store, user: UserRecord, role: 'admin' | 'user'): Promise<number> {
  if (user.role === role && (role === 'user' || user.status === 'active')) {
    process.stderr.write(
      `${user.username} is already ${role === 'admin' ? 'an administrator' : 'not an administrator'}.\n`,
    );
    return 0;
  }
  try {
    await store.users.updateAccess(
      user.id,
      role === 'admin' ? { role, status: 'active' } : { role },
      systemClock.now(),
    );
  } catch (error) {
    if (error instanceof LastAdminError) {
      process.stderr.write(
        `${user.username} is the last active administrator and cannot be removed: grant-admin another account first.\n`,
      );
      return 1;
    }
    throw error;
  }
  await new ActivityLog(store, systemClock).record(user.id, 'role_changed', null, { via: 'admin-cli', role });
  process.stderr.write(
    role === 'admin'
      ? `${user.username} <${user.email}> is now an administrator.\n`
      : `${user.username} <${user.email}> is no longer an administrator.\n`,
  );
  return 0;
}

/** Operator commands; run with `npm run admin -- <command>`. Exit codes: 0 ok, 1 failed, 2 usage. */
async function main(argv: string[]): Promise<number> {
  const [command, target, ...rest] = argv;
  if (command === undefined || !COMMANDS.has(command) || target === undefined || rest.length > 0) {
    process.stderr.write(USAGE);
    return command === undefined || command === 'help' || command === '--help' ? 0 : 2;
  }
  if (fs.existsSync('.env')) {
    process.loadEnvFile('.env');
  }
  const config = loadConfig();
  const store = await createStore(config.database);
  try {
    const user = await findUser(store, target);
    if (!user) {
      process.stderr.write(`No account with the username or email "${target}".\n`);
      return 1;
    }
    if (command === 'grant-admin' || command === 'revoke-admin') {
      return await changeRole(store, user, command === 'grant-admin' ? 'admin' : 'user');
    }
    const { link } = await issueResetLink(
      { store, clock: systemClock, appUrl: config.appUrl, ttlMs: config.passwordReset.ttlMs },
      user,
    );
    await new ActivityLog(store, systemClock).record(user.id, 'password_reset_link_issued', null, {
      via: 'admin-cli',
    });
    const minutes = Math.round(config.passwordReset.ttlMs / 60_000);
    process.stderr.write(
      `One-time reset link for ${user.username} <${user.email}>, valid for ${minutes} minutes. Give it to them over a trusted channel:\n`,
    );
    process.stdout.write(`${link}\n`);
    return 0;
  } finally {
    await store.close();
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(
      error instanceof ConfigError
        ? `${error.message}\n`
        : `admin failed: ${error instanceof Error ? error.message : String(error)}\n`,
    );
    process.exitCode = 1;
  },
);
