/// <reference lib="dom" />
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, describe, expect, it } from 'vitest';
import { CHROMIUM } from '../helpers/browser.js';
import { pinnedLocalModel, remoteModel } from '../helpers/catalogue.js';
import { startDownloadServer } from '../helpers/download-server.js';
import { apiClient, newAccount, registerAndLogin } from '../helpers/http.js';
import { useOpenAiServer, useSuiteFixture } from '../helpers/suite.js';
import { writeTinyGguf } from '../helpers/tiny-gguf.js';
import {
  SCREENSHOTS,
  expectAccessible,
  expectNoHorizontalOverflow,
  openPage,
  openSignedInPage,
  type PageOptions,
} from './support/generation-e2e.js';
import { useBrowser, useWebServer } from './support/e2e-suite.js';

/**
 * The Admin page (/admin): only administrators reach it (the nav link too);
 * its tabs manage users, registration, models (status with addresses,
 * reload, pull with a progress bar) and show usage across users.
 */
describe.skipIf(!CHROMIUM)('Admin page in the browser', () => {
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'codegenie-admin-e2e-'));
  afterAll(() => {
    fs.rmSync(scratch, { recursive: true, force: true });
  });
  const ggufFile = path.join(scratch, 'tiny.gguf');
  writeTinyGguf(ggufFile, { seed: 41 });
  const bytes = fs.readFileSync(ggufFile);

  const upstream = useOpenAiServer();
  const downloads = useSuiteFixture(
    () => startDownloadServer(bytes, { throttle: { chunkBytes: 2048, delayMs: 5 } }),
    (server) => server.close(),
  );
  const server = useWebServer(() => ({
    name: 'e2e-admin',
    env: { MODELS_AUTO_DOWNLOAD: 'false' },
    catalogue: {
      defaultModel: 'remote-chat',
      models: [
        remoteModel(upstream.baseUrl, 'remote-chat', 'Remote Chat'),
        pinnedLocalModel('tiny-local', 'Tiny Local', downloads.url, bytes, { contextLength: 256 }),
      ],
    },
  }));
  const browser = useBrowser();
  const api = apiClient(() => server.url);
  // The first account registered is the administrator.
  const admin = useSuiteFixture(
    () => registerAndLogin(api, newAccount('boss')),
    () => undefined,
  );

  /** A page signed in as the administrator. */
  async function adminPage(options: PageOptions = {}) {
    const opened = await openPage(browser, options);
    const [name = '', value = ''] = admin.cookie.split(/=(.*)/s);
    await opened.context.addCookies([{ name, value, url: server.url, httpOnly: true, sameSite: 'Lax' }]);
    await opened.page.goto(`${server.url}/admin`);
    await opened.page.getByRole('heading', { name: 'Administration', level: 1 }).waitFor();
    return opened;
  }

  const tab = (page: Page, name: string) => page.getByRole('tab', { name });
  const panel = (page: Page) => page.getByRole('tabpanel');
  const userRow = (page: Page, username: string) =>
    page.getByTestId('admin-user-row').and(page.locator(`[data-username="${username}"]`));

  it('is for administrators only: the nav link and the page', async () => {
    expect(admin.user.role).toBe('admin');
    const user = await openSignedInPage(browser, server, { accountPrefix: 'plain' });
    await user.page.goto(`${server.url}/`);
    await user.page.getByRole('navigation', { name: 'Main' }).waitFor();
    expect(await user.page.getByRole('link', { name: 'Admin' }).count()).toBe(0);
    await user.page.goto(`${server.url}/admin`);
    await user.page.getByRole('heading', { name: 'Page not found' }).waitFor();
    expect(await user.page.getByRole('tab').count()).toBe(0);
    expect(user.problems).toEqual([]);
    await user.context.close();

    const { page, context, problems } = await adminPage();
    await page.getByRole('link', { name: 'Admin' }).click();
    await page.waitForURL(`${server.url}/admin`);
    expect(await tab(page, 'Users').getAttribute('aria-selected')).toBe('true');
    expect(problems).toEqual([]);
    await context.close();
  });

  it('users: search, status filter, paging, approve, disable, enable, sign out, reset link, delete', async () => {
    // Accounts waiting for approval.
    expect(
      (
        await api.request(
          'PATCH',
          '/api/admin/settings',
          { registration: 'approval' },
          { token: admin.token },
        )
      ).status,
    ).toBe(200);
    const pending = newAccount('pend');
    expect((await api.post('/api/auth/register', pending)).status).toBe(201);
    expect(
      (await api.request('PATCH', '/api/admin/settings', { registration: 'open' }, { token: admin.token }))
        .status,
    ).toBe(200);
    const many = await Promise.all(
      Array.from({ length: 21 }, () => registerAndLogin(api, newAccount('pagey'))),
    );
    const { page, context, problems } = await adminPage({ clipboard: { origin: server.url } });

    // Search and paging: 21 accounts match, 20 per page.
    await page.getByLabel('Search users').fill('pagey');
    await page.getByRole('button', { name: 'Search', exact: true }).click();
    await expect.poll(() => page.getByTestId('admin-user-row').count()).toBe(20);
    await page.getByRole('button', { name: 'Show more accounts' }).click();
    await expect.poll(() => page.getByTestId('admin-user-row').count()).toBe(21);

    // Status filter: only the pending account.
    await page.getByLabel('Search users').fill('');
    await page.getByRole('button', { name: 'Search', exact: true }).click();
    await page.getByLabel('Status').selectOption('pending');
    await expect.poll(() => page.getByTestId('admin-user-row').count()).toBe(1);
    const row = userRow(page, pending.username);
    await row.getByRole('button', { name: `Approve: ${pending.username}` }).click();
    await page.getByText(`${pending.username} is approved.`).waitFor();
    expect(await row.innerText()).toContain('active');
    expect((await api.post('/api/auth/login', pending)).status).toBe(200);

    // Disable (ends every session), enable, sign out everywhere.
    const target = many[0];
    if (!target) {
      throw new Error('no account');
    }
    await page.getByLabel('Status').selectOption('');
    await page.getByLabel('Search users').fill(target.account.username);
    await page.getByRole('button', { name: 'Search', exact: true }).click();
    const targetRow = userRow(page, target.account.username);
    await targetRow.getByRole('button', { name: `Disable: ${target.account.username}` }).click();
    await page.getByText(`${target.account.username} is disabled.`).waitFor();
    expect((await api.get('/api/auth/me', { token: target.token })).status).toBe(401);
    await targetRow.getByRole('button', { name: `Enable: ${target.account.username}` }).click();
    await page.getByText(`${target.account.username} is enabled.`).waitFor();
    const login = await api.post('/api/auth/login', target.account);
    expect(login.status).toBe(200);
    await targetRow.getByRole('button', { name: `Sign out everywhere: ${target.account.username}` }).click();
    await page.getByText(`${target.account.username} was signed out of 1 session.`).waitFor();

    // A one-time reset link to hand over, with a Copy button.
    await targetRow.getByRole('button', { name: `Reset link: ${target.account.username}` }).click();
    const link = page.getByLabel(`One-time password-reset link for ${target.account.username}`);
    expect(await link.inputValue()).toContain(`${server.url}/reset-password`);
    await page.getByRole('button', { name: 'Copy link' }).click();
    await page.getByText('Copied.').waitFor();
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(await link.inputValue());

    // Delete, after a confirmation.
    await targetRow.getByRole('button', { name: `Delete: ${target.account.username}` }).click();
    const dialog = page.getByRole('dialog', { name: `Delete ${target.account.username}?` });
    await dialog.getByRole('button', { name: 'Delete account' }).click();
    await page.getByText(`${target.account.username} and all their data were deleted.`).waitFor();
    expect(await targetRow.count()).toBe(0);
    expect((await api.post('/api/auth/login', target.account)).status).toBe(401);

    await expectAccessible(page, 'admin users');
    expect(problems).toEqual([]);
    await context.close();
  });

  it('registration: mode and allowed domains are saved; an invitation link is shown for copying', async () => {
    const { page, context, problems } = await adminPage();
    await tab(page, 'Registration').click();
    await page.getByLabel('Registration mode').selectOption('invite');
    await page.getByLabel(/^Allowed email domains/).fill('example.com\nexample.org');
    await page.getByRole('button', { name: 'Save registration settings' }).click();
    await page.getByText('Registration settings saved.').waitFor();
    const info = (await api.get('/api/auth/registration')).body;
    expect(info).toMatchObject({ mode: 'invite', allowedEmailDomains: ['example.com', 'example.org'] });

    await page.getByRole('button', { name: 'Create invitation link' }).click();
    const link = page.getByLabel('Invitation link');
    expect(await link.inputValue()).toMatch(new RegExp(`^${server.url}/register\\?invitation=`));

    await page.getByLabel('Registration mode').selectOption('open');
    await page.getByLabel(/^Allowed email domains/).fill('');
    await page.getByRole('button', { name: 'Save registration settings' }).click();
    await expect.poll(async () => (await api.get('/api/auth/registration')).body.mode).toBe('open');
    expect(problems).toEqual([]);
    await context.close();
  });

  it('models: status with URLs, reload (a bad file shows its problems), pull with a progress bar', async () => {
    const { page, context, problems } = await adminPage({ expectedStatuses: [400] });
    await tab(page, 'Models').click();
    const remote = page.getByTestId('admin-model-row').and(page.locator('[data-model-id="remote-chat"]'));
    await remote.waitFor();
    expect(await remote.innerText()).toContain(upstream.baseUrl);
    const local = page.getByTestId('admin-model-row').and(page.locator('[data-model-id="tiny-local"]'));
    expect(await local.innerText()).toContain(downloads.url);

    // A bad catalogue file: its problems, and the models stay.
    const file = path.join(server.dataDir, 'models.json');
    const good = fs.readFileSync(file, 'utf8');
    fs.writeFileSync(file, '{"defaultModel": "x", "models": []}');
    await page.getByRole('button', { name: 'Reload catalogue' }).click();
    const alert = page.getByRole('alert').filter({ hasText: 'catalogue' });
    await alert.waitFor();
    expect(await alert.innerText()).toContain('must list at least one model');
    fs.writeFileSync(file, good);
    await page.getByRole('button', { name: 'Reload catalogue' }).click();
    await page.getByText('Catalogue reloaded: no change.').waitFor();

    // Pull: a progress bar, then the model is ready.
    await local.getByRole('button', { name: 'Pull Tiny Local' }).click();
    await local.getByRole('progressbar', { name: 'Download of Tiny Local' }).waitFor();
    await local.getByText('Tiny Local is downloaded and verified.').waitFor();
    await expect.poll(async () => local.innerText()).toContain('ready');

    await expectAccessible(page, 'admin models');
    expect(problems).toEqual([]);
    await context.close();
  });

  it('usage: the 30-day chart across users, keyboard tabs, dark theme and a phone width', async () => {
    const plain = await registerAndLogin(api, newAccount('runner'));
    for (const token of [admin.token, plain.token, plain.token]) {
      expect((await api.post('/api/generate', { prompt: 'Add two numbers' }, { token })).status).toBe(200);
    }
    const { page, context, problems } = await adminPage({ colorScheme: 'dark' });
    // Keyboard: arrow keys move between tabs and select them.
    await tab(page, 'Users').focus();
    await page.keyboard.press('End');
    expect(await tab(page, 'Usage').getAttribute('aria-selected')).toBe('true');
    await page.keyboard.press('ArrowLeft');
    expect(await tab(page, 'Models').getAttribute('aria-selected')).toBe('true');
    await page.keyboard.press('ArrowRight');
    await panel(page).getByRole('img', { name: 'Requests per day, last 30 days' }).waitFor();
    expect(await page.getByTestId('usage-bar').count()).toBe(30);
    expect(await page.getByTestId('admin-usage-total').innerText()).toBe('3');
    const top = page.getByRole('region', { name: 'Most active users' });
    expect(await top.locator('tbody tr').first().innerText()).toMatch(
      new RegExp(`${plain.account.username}\\s+2`),
    );
    await expectAccessible(page, 'admin usage (dark)');
    await page.screenshot({ path: path.join(SCREENSHOTS, 'admin-usage-dark.png'), fullPage: true });
    await context.close();

    const phone = await adminPage({ width: 390, height: 844 });
    for (const name of ['Users', 'Registration', 'Models', 'Usage']) {
      await tab(phone.page, name).click();
      await expectNoHorizontalOverflow(phone.page);
    }
    await phone.page.screenshot({ path: path.join(SCREENSHOTS, 'admin-phone.png'), fullPage: true });
    expect([...problems, ...phone.problems]).toEqual([]);
    await phone.context.close();
  });
});
