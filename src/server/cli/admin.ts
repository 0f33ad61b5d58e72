import fs from 'node:fs';
import { systemClock } from '../clock.js';
import { ConfigError, loadConfig } from '../config.js';
import { ActivityLog } from '../services/activity.service.js';
import { issueResetLink } from '../services/password-reset.service.js';
import { createStore } from '../store/index.js';

const USAGE = `Usage: npm run admin -- <command>

Commands:
  reset-link <username|email>   Print a one-time password-reset link for that account
                                (for instances without a mail server). The link follows
                                the usual rules: single use, expires after
                                RESET_TOKEN_TTL_MINUTES, replaces older links.
`;

/** Operator commands; run with `npm run admin -- <command>`. Exit codes: 0 ok, 1 failed, 2 usage. */
async function main(argv: string[]): Promise<number> {
  const [command, target, ...rest] = argv;
  if (command !== 'reset-link' || target === undefined || rest.length > 0) {
    process.stderr.write(USAGE);
    return command === undefined || command === 'help' || command === '--help' ? 0 : 2;
  }
  if (fs.existsSync('.env')) {
    process.loadEnvFile('.env');
  }
  const config = loadConfig();
  const store = await createStore(config.database);
  try {
    const identifier = target.trim().toLowerCase();
    const user = identifier.includes('@')
      ? await store.users.findByEmail(identifier)
      : await store.users.findByUsername(identifier);
    if (!user) {
      process.stderr.write(`No account with the username or email "${target}".\n`);
      return 1;
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
