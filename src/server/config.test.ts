import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { readmeConfigTable, README_PATH } from '../../scripts/config-table.js';
import { CONFIG_VARIABLES, ConfigError, configTable, loadConfig } from './config.js';

describe('loadConfig', () => {
  it('applies the documented defaults', () => {
    const c = loadConfig({}, '/srv/app');
    expect(c.server).toEqual({ port: 3000, host: '127.0.0.1', trustProxy: false, corsOrigins: [] });
    expect(c.appUrl).toBe('http://localhost:3000');
    expect(c.secure).toBe(false);
    expect(c.dataDir).toBe('/srv/app/data');
    expect(c.database).toEqual({ kind: 'sqlite', file: '/srv/app/data/codegenie.db' });
    expect(c.sessionSecret).toBeUndefined();
    expect(c.sessions).toEqual({ ttlMs: 7 * 86_400_000, idleMs: 86_400_000 });
    expect(c.loginThrottle).toEqual({ maxPerAccount: 5, maxPerIp: 20, windowMs: 15 * 60_000 });
    expect(c.logLevel).toBe('info');
  });

  it('derives APP_URL from PORT and DATABASE_URL from DATA_DIR', () => {
    const c = loadConfig({ PORT: '8080', DATA_DIR: '/var/lib/cg' }, '/srv');
    expect(c.appUrl).toBe('http://localhost:8080');
    expect(c.database).toEqual({ kind: 'sqlite', file: '/var/lib/cg/codegenie.db' });
  });

  it('reads every variable', () => {
    const c = loadConfig(
      {
        PORT: '4000',
        HOST: '0.0.0.0',
        APP_URL: 'https://code.example.com/',
        DATA_DIR: 'state',
        DATABASE_URL: 'sqlite:db/main.sqlite',
        SESSION_SECRET: 'x'.repeat(40),
        SESSION_TTL_HOURS: '48',
        SESSION_IDLE_HOURS: '2',
        LOGIN_MAX_FAILURES_PER_ACCOUNT: '7',
        LOGIN_MAX_FAILURES_PER_IP: '50',
        LOGIN_FAILURE_WINDOW_MINUTES: '30',
        CORS_ORIGINS: 'https://a.example, https://b.example:8443',
        TRUST_PROXY: 'true',
        LOG_LEVEL: 'warn',
      },
      '/srv',
    );
    expect(c.appUrl).toBe('https://code.example.com');
    expect(c.secure).toBe(true);
    expect(c.server).toEqual({
      port: 4000,
      host: '0.0.0.0',
      trustProxy: true,
      corsOrigins: ['https://a.example', 'https://b.example:8443'],
    });
    expect(c.database).toEqual({ kind: 'sqlite', file: '/srv/db/main.sqlite' });
    expect(c.sessionSecret).toBe('x'.repeat(40));
    expect(c.sessions).toEqual({ ttlMs: 48 * 3_600_000, idleMs: 2 * 3_600_000 });
    expect(c.loginThrottle).toEqual({ maxPerAccount: 7, maxPerIp: 50, windowMs: 30 * 60_000 });
    expect(c.logLevel).toBe('warn');
  });

  it('reads the mail and reset settings, with a sender derived from APP_URL by default', () => {
    const defaults = loadConfig({ APP_URL: 'https://code.example.com' });
    expect(defaults.mail).toEqual({ smtpUrl: undefined, from: 'CodeGenie <no-reply@code.example.com>' });
    expect(defaults.passwordReset).toEqual({
      ttlMs: 60 * 60_000,
      maxPerEmailPerHour: 3,
      maxPerIpPerHour: 10,
    });
    const set = loadConfig({
      SMTP_URL: 'smtps://apikey:secret@smtp.sendgrid.net:465',
      MAIL_FROM: 'Team <team@example.com>',
      RESET_TOKEN_TTL_MINUTES: '30',
      RESET_MAX_PER_EMAIL_PER_HOUR: '5',
      RESET_MAX_PER_IP_PER_HOUR: '20',
    });
    expect(set.mail).toEqual({
      smtpUrl: 'smtps://apikey:secret@smtp.sendgrid.net:465',
      from: 'Team <team@example.com>',
    });
    expect(set.passwordReset).toEqual({ ttlMs: 30 * 60_000, maxPerEmailPerHour: 5, maxPerIpPerHour: 20 });
  });

  it('takes a MongoDB connection string as DATABASE_URL', () => {
    for (const url of [
      'mongodb://app:pw@db1:27017,db2:27017/codegenie?replicaSet=rs0',
      'mongodb+srv://app:pw@cluster0.x.mongodb.net/prod',
    ]) {
      expect(loadConfig({ DATABASE_URL: url }).database).toEqual({ kind: 'mongodb', url });
    }
    expect(() => loadConfig({ DATABASE_URL: 'postgres://x' })).toThrow(/DATABASE_URL/);
  });

  it('treats empty values as unset', () => {
    expect(loadConfig({ PORT: '', LOG_LEVEL: '' }).server.port).toBe(3000);
  });

  it('reports every bad value at once, naming each variable', () => {
    let error: unknown;
    try {
      loadConfig({
        PORT: 'eighty',
        APP_URL: 'ftp://x',
        DATABASE_URL: 'postgres://db',
        SESSION_SECRET: 'short',
        LOG_LEVEL: 'loud',
        TRUST_PROXY: 'maybe',
        SESSION_IDLE_HOURS: '0',
        SMTP_URL: 'http://mail.example.com',
        RESET_TOKEN_TTL_MINUTES: '-5',
      });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const problems = (error as ConfigError).problems.join('\n');
    for (const key of [
      'PORT',
      'APP_URL',
      'DATABASE_URL',
      'SESSION_SECRET',
      'LOG_LEVEL',
      'TRUST_PROXY',
      'SESSION_IDLE_HOURS',
      'SMTP_URL',
      'RESET_TOKEN_TTL_MINUTES',
    ]) {
      expect(problems).toContain(key);
    }
    expect((error as ConfigError).problems).toHaveLength(9);
    expect(problems).toContain('PORT="eighty"');
    // Values that may hold credentials are not echoed.
    expect(problems).not.toContain('short');
    expect(problems).not.toContain('mail.example.com');
  });

  it('refuses a CORS entry that is not an origin', () => {
    expect(() => loadConfig({ CORS_ORIGINS: 'https://ok.example,https://bad.example/path' })).toThrow(
      /CORS_ORIGINS/,
    );
  });

  it('reports a bad CORS entry together with the other problems, in one pass', () => {
    let error: unknown;
    try {
      loadConfig({ CORS_ORIGINS: 'https://ok.example,https://bad.example/path,ftp://x', PORT: 'eighty' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const problems = (error as ConfigError).problems;
    expect(problems).toHaveLength(3);
    expect(problems.find((p) => p.startsWith('PORT='))).toContain('port number');
    const cors = problems.filter((p) => p.startsWith('CORS_ORIGINS='));
    expect(cors).toEqual([
      expect.stringContaining('"https://bad.example/path" must be an origin'),
      expect.stringContaining('"ftp://x" must be an origin'),
    ]);
  });

  it('reads ALLOWED_EMAIL_DOMAINS as a comma list like CORS_ORIGINS: blanks dropped, each bad entry reported', () => {
    expect(
      loadConfig({ ALLOWED_EMAIL_DOMAINS: ' example.org, ,example.net,' }).registration.allowedEmailDomains,
    ).toEqual(['example.org', 'example.net']);
    let error: unknown;
    try {
      loadConfig({ ALLOWED_EMAIL_DOMAINS: 'example.org,not a domain' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect(
      (error as ConfigError).problems.filter((p) => p.startsWith('ALLOWED_EMAIL_DOMAINS=')),
    ).toHaveLength(1);
  });

  it('says what a whole number needs, for every such variable alike', () => {
    let error: unknown;
    try {
      loadConfig({ MODELS_QUEUE_LENGTH: '-1', MODELS_PARALLEL: '1.5' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const problems = (error as ConfigError).problems;
    expect(problems.find((p) => p.startsWith('MODELS_QUEUE_LENGTH='))).toContain('must be at least 0');
    expect(problems.find((p) => p.startsWith('MODELS_PARALLEL='))).toContain('must be a whole number');
  });

  it('opens no public link without NGROK_AUTHTOKEN, and reads its settings with one', () => {
    expect(loadConfig({}).publicLink).toBeUndefined();
    expect(loadConfig({ NGROK_AUTHTOKEN: 'tok' }).publicLink).toEqual({
      authtoken: 'tok',
      domain: undefined,
      timeoutMs: 15_000,
    });
    expect(
      loadConfig({ NGROK_AUTHTOKEN: 'tok', NGROK_DOMAIN: 'team.ngrok.app', NGROK_TIMEOUT_SECONDS: '3' })
        .publicLink,
    ).toEqual({ authtoken: 'tok', domain: 'team.ngrok.app', timeoutMs: 3000 });
    expect(() => loadConfig({ NGROK_DOMAIN: 'https://team.ngrok.app/' })).toThrow(
      /NGROK_DOMAIN=.*domain name/,
    );
  });

  it('is documented in the README, variable by variable', () => {
    const readme = fs.readFileSync(README_PATH, 'utf8');
    expect(CONFIG_VARIABLES.length).toBeGreaterThan(30);
    for (const key of CONFIG_VARIABLES) {
      expect(readme, key).toMatch(new RegExp(`\\| \`${key}\` +\\|`));
    }
  });

  it('has the README table that the schema renders (npm run docs:config rewrites it)', () => {
    const readme = fs.readFileSync(README_PATH, 'utf8');
    expect(readmeConfigTable(readme), 'README.md is out of date: run npm run docs:config').toBe(
      configTable(),
    );
  });

  it('shows each default from the schema, or the text written for a derived one', () => {
    const table = configTable();
    const row = (key: string) => table.split('\n').find((line) => line.startsWith(`| \`${key}\` `));
    expect(row('PORT')).toContain('TCP port the server listens on. Default: 3000.');
    expect(row('LOG_LEVEL')).toContain('Default: `info`.');
    expect(row('TRUST_PROXY')).toContain('Default: `false`.');
    expect(row('APP_URL')).toContain('Default: `http://localhost:PORT`.');
    // No default and nothing written for one: the row says nothing about it.
    expect(row('SMTP_URL')).not.toContain('Default');
  });
});
