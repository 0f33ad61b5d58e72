/// <reference lib="dom" />
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { CHROMIUM } from '../helpers/browser.js';
import { apiClient, newAccount } from '../helpers/http.js';
import { secret } from '../helpers/secrets.js';
import { useSuiteFixture } from '../helpers/suite.js';
import { MESSAGES } from '../../src/shared/messages.js';
import { expectAccessible, expectNoHorizontalOverflow, openPage } from './support/generation-e2e.js';
import { useBrowser, useWebServer } from './support/e2e-suite.js';

/**
 * The Register page says which registration mode is in force (issue 14):
 * open as before; approval says an administrator approves new accounts and,
 * after registering, shows the pending message instead of the sign-in;
 * invite needs the invitation link (`?invitation=`); closed says so and
 * hides the form. The very first account registers whatever the mode.
 */
describe.skipIf(!CHROMIUM)('registration modes on the Register page', () => {
  const server = useWebServer({ name: 'e2e-registration', env: { REGISTRATION: 'closed' } });
  const browser = useBrowser();
  const api = apiClient(() => server.url);

  const notice = (page: Page) => page.getByTestId('registration-mode');
  const form = (page: Page) => page.getByRole('button', { name: 'Create account' });
  async function openRegister(path = '/register') {
    const opened = await openPage(browser, { expectedStatuses: [400, 401, 403] });
    await opened.page.goto(`${server.url}${path}`);
    await opened.page.getByRole('heading', { name: 'Create your account' }).waitFor();
    return opened;
  }
  async function fill(page: Page, account: ReturnType<typeof newAccount>) {
    await page.getByLabel('Username', { exact: false }).first().fill(account.username);
    await page.getByLabel('Email').fill(account.email);
    await page.getByLabel('Password', { exact: true }).fill(account.password);
    await page.getByRole('button', { name: 'Create account' }).click();
  }

  // The first account, registered in the browser while registration is closed: it becomes the admin.
  const admin = useSuiteFixture(
    async () => {
      const { page, context, problems } = await openRegister();
      await notice(page).getByText('the first one you create here becomes the administrator').waitFor();
      const account = newAccount('first');
      await fill(page, account);
      await page.waitForURL(/\/login/);
      expect(problems).toEqual([]);
      await context.close();
      const login = await api.post('/api/auth/login', account);
      expect(login.status).toBe(200);
      const session = { token: secret(String(login.body.accessToken)), user: login.body.user };
      return session;
    },
    () => undefined,
  );
  const setMode = async (registration: string) => {
    const res = await api.request('PATCH', '/api/admin/settings', { registration }, { token: admin.token });
    expect(res.status).toBe(200);
  };

  it('closed: says registration is closed and offers no form', async () => {
    await setMode('closed');
    const { page, context, problems } = await openRegister();
    await notice(page).getByText(MESSAGES.registrationClosed).waitFor();
    expect(await form(page).count()).toBe(0);
    expect(await page.getByRole('link', { name: 'Log in' }).count()).toBeGreaterThan(0);
    await expectAccessible(page, 'register closed');
    expect(problems).toEqual([]);
    await context.close();
  });

  it('open: the form as before, without a notice', async () => {
    await setMode('open');
    const { page, context, problems } = await openRegister();
    await form(page).waitFor();
    expect(await notice(page).count()).toBe(0);
    await fill(page, newAccount('open'));
    await page.getByText(MESSAGES.registered).waitFor();
    expect(problems).toEqual([]);
    await context.close();
  });

  it('approval: says an administrator approves accounts, then shows the pending message', async () => {
    await setMode('approval');
    const { page, context, problems } = await openRegister();
    await notice(page).getByText('an administrator approves new accounts').waitFor();
    const account = newAccount('wait');
    await fill(page, account);
    await page.getByRole('heading', { name: 'Account created' }).waitFor();
    expect(await page.getByRole('status').filter({ hasText: MESSAGES.registeredPending }).count()).toBe(1);
    expect(page.url()).toBe(`${server.url}/register`);
    const login = await api.post('/api/auth/login', account);
    expect(login.status).toBe(403);
    expect(login.body.error.code).toBe('account_pending');
    await expectAccessible(page, 'register pending');
    expect(problems).toEqual([]);
    await context.close();
  });

  it('invite: no form without an invitation link; the link opens the form and registers', async () => {
    await setMode('invite');
    const without = await openRegister();
    await notice(without.page).getByText(MESSAGES.invitationRequired).waitFor();
    expect(await form(without.page).count()).toBe(0);
    await without.context.close();

    const invitation = await api.post('/api/admin/invitations', {}, { token: admin.token });
    expect(invitation.status).toBe(201);
    const link = new URL(String(invitation.body.url));
    const { page, context, problems } = await openRegister(`${link.pathname}${link.search}`);
    await notice(page).getByText('You are registering with an invitation link').waitFor();
    const account = newAccount('invited');
    await fill(page, account);
    await page.getByText(MESSAGES.registered).waitFor();
    expect((await api.post('/api/auth/login', account)).status).toBe(200);
    expect(problems).toEqual([]);
    await context.close();

    // Single use: the same link no longer registers anyone.
    const again = await openRegister(`${link.pathname}${link.search}`);
    await fill(again.page, newAccount('second'));
    await again.page.getByRole('alert').filter({ hasText: MESSAGES.invalidInvitation }).waitFor();
    await again.context.close();
  });

  it('fits a phone width in every mode', async () => {
    for (const mode of ['closed', 'approval', 'invite', 'open']) {
      await setMode(mode);
      const { page, context } = await openPage(browser, { width: 390, height: 844 });
      await page.goto(`${server.url}/register`);
      await page.getByRole('heading', { name: 'Create your account' }).waitFor();
      await expectNoHorizontalOverflow(page);
      await context.close();
    }
  });
});
