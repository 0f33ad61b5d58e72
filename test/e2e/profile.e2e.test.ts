/// <reference lib="dom" />
import path from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { CHROMIUM } from '../helpers/browser.js';
import { apiClient, newAccount, registerAndLogin } from '../helpers/http.js';
import { RESULTS_DIR, secret } from '../helpers/secrets.js';
import {
  SCREENSHOTS,
  expectAccessible,
  expectNoHorizontalOverflow,
  openSignedInPage,
} from './support/generation-e2e.js';
import { useRemoteModelsSuite } from './support/e2e-suite.js';

const FIREFOX = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:128.0) Gecko/20100101 Firefox/128.0';

describe.skipIf(!CHROMIUM)('Profile in the browser', () => {
  const { server, browser } = useRemoteModelsSuite('e2e-profile', [
    ['remote-chat', 'Remote Chat'],
    ['remote-coder', 'Remote Coder'],
  ]);
  const api = apiClient(() => server.url);

  /** A fresh account signed in through the API, its session cookie in a new browser context. */
  const signIn = (options: Parameters<typeof openSignedInPage>[2] = {}) =>
    openSignedInPage(browser, server, { accountPrefix: 'prof', ...options });

  /** The devices listed under "Signed-in devices", one list item each. */
  const signedInDevices = (page: Page) =>
    page.getByRole('region', { name: 'Signed-in devices' }).getByRole('listitem');

  async function openProfile(page: Page) {
    await page.goto(`${server.url}/profile`);
    await page.getByRole('heading', { name: 'Profile', level: 1 }).waitFor();
    await page.getByRole('heading', { name: 'Usage', level: 2 }).waitFor();
  }

  /** A second session of the account, from "another device". */
  async function otherDevice(account: { username: string; password: string }) {
    const res = await api.post(
      '/api/auth/login',
      { username: account.username, password: account.password },
      { headers: { 'user-agent': FIREFOX } },
    );
    expect(res.status).toBe(200);
    return secret(String(res.body.accessToken));
  }

  /** Logs in through the login page of a fresh context; resolves to where the user ended up. */
  async function uiLogin(username: string, password: string) {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(`${server.url}/login`);
    await page.getByLabel(/^Username/).fill(username);
    await page.getByLabel('Password', { exact: true }).fill(password);
    await page.getByRole('button', { name: 'Log in' }).click();
    const outcome = await Promise.race([
      page.waitForURL(`${server.url}/`).then(() => 'signed in' as const),
      page
        .getByText('Invalid username or password. Please try again.')
        .waitFor()
        .then(() => 'refused' as const),
    ]);
    await context.close();
    return outcome;
  }

  it('shows the account, usage with a 30-day chart and per-model figures, and recent activity', async () => {
    const { page, context, problems, token, account } = await signIn({ height: 1100 });
    await otherDevice(account);
    for (const body of [{ prompt: 'one' }, { prompt: 'two', modelId: 'remote-coder' }]) {
      expect((await api.post('/api/generate', body, { token })).status).toBe(200);
    }
    expect((await api.post('/api/explain', { code: 'x = 1' }, { token })).status).toBe(200);

    await openProfile(page);
    const details = page.getByRole('region', { name: 'Account' });
    expect(await details.innerText()).toContain(account.username);
    expect(await details.innerText()).toContain(account.email);
    expect(await details.innerText()).toMatch(/Member since\s+\w+/);

    const totals = await page.getByRole('region', { name: 'Usage' }).innerText();
    expect(totals).toMatch(/Code generated\s+2/);
    expect(totals).toMatch(/Code explained\s+1/);
    expect(totals).toMatch(/Last 30 days\s+3/);
    // The chart is one image with a name and a summary; the exact numbers are a table.
    const chart = page.getByRole('img', { name: 'Requests per day, last 30 days' });
    expect(await chart.count()).toBe(1);
    expect(await page.getByTestId('usage-bar').and(page.locator(':not([data-zero])')).count()).toBe(1);
    expect(await page.getByTestId('usage-bar').count()).toBe(30);
    expect(await page.getByText('3 requests in the last 30 days', { exact: false }).isVisible()).toBe(true);
    await page.getByText('Show the numbers').click();
    const today = page.getByRole('region', { name: 'Requests per day' }).locator('tbody tr').first();
    expect(await today.locator('td').innerText()).toBe('3');
    expect(await page.getByRole('region', { name: 'Requests per day' }).locator('tbody tr').count()).toBe(30);
    const byModel = page.getByRole('region', { name: 'Use per model' });
    expect(await byModel.locator('tbody tr').first().innerText()).toMatch(/Remote Chat\s+2\s+67%/);
    expect(await byModel.locator('tbody tr').nth(1).innerText()).toMatch(/Remote Coder\s+1\s+33%/);

    // Sign-ins with time and browser, in plain words.
    const activity = page.getByRole('region', { name: 'Recent activity' });
    expect(await activity.innerText()).toContain('Signed in');
    expect(await activity.innerText()).toContain('Firefox 128 on Windows');

    // Both devices are listed, this one marked.
    const devices = signedInDevices(page);
    expect(await devices.count()).toBe(2);
    expect(await devices.first().innerText()).toContain('This device');
    expect(await devices.nth(1).innerText()).toContain('Firefox 128 on Windows');

    await expectAccessible(page, 'profile');
    await page.getByText('Show the numbers').click();
    await page.screenshot({ path: path.join(SCREENSHOTS, 'profile.png'), fullPage: true });
    expect(problems).toEqual([]);
    await context.close();
  });

  it('changes the display name (the header follows) and the email (with the current password)', async () => {
    const { page, context, problems, account } = await signIn({ expectedStatuses: [400, 409] });
    const taken = await registerAndLogin(api, newAccount('taken'));
    await openProfile(page);

    await page.getByRole('textbox', { name: 'Display name' }).fill('Ada Lovelace');
    await page.getByRole('button', { name: 'Save display name' }).click();
    await expect
      .poll(() => page.getByRole('status').filter({ hasText: 'Display name saved: Ada Lovelace.' }).count())
      .toBe(1);
    expect(await page.getByRole('banner').getByText('Ada Lovelace', { exact: true }).count()).toBe(1);
    expect(await page.getByRole('region', { name: 'Account' }).innerText()).toContain('Ada Lovelace');

    // The email needs the current password; mistakes are said next to the field.
    const email = page.getByLabel('New email address');
    const password = page.locator('#profile-email-password');
    await email.fill(taken.account.email);
    await password.fill(account.password);
    await page.getByRole('button', { name: 'Change email' }).click();
    await expect.poll(() => email.getAttribute('aria-invalid')).toBe('true');
    expect(await page.locator('#profile-email-error').innerText()).toBe(
      'Email already exists. Please choose a different one.',
    );
    await email.fill(`new.${account.email}`);
    await password.fill(secret('not my password 1'));
    await page.getByRole('button', { name: 'Change email' }).click();
    await expect.poll(() => password.getAttribute('aria-invalid')).toBe('true');
    expect(await page.locator('#profile-email-password-error').innerText()).toBe(
      'Your current password is not correct.',
    );
    await password.fill(account.password);
    await page.getByRole('button', { name: 'Change email' }).click();
    await expect
      .poll(() =>
        page.getByText(`Your email address is now new.${account.email}.`, { exact: false }).isVisible(),
      )
      .toBe(true);
    await expect
      .poll(() => page.getByRole('region', { name: 'Recent activity' }).innerText())
      .toContain('Email address changed');
    expect(problems).toEqual([]);
    await context.close();
  });

  it('changes the password: other devices are signed out, the old password no longer works, the new one does', async () => {
    const { page, context, problems, account } = await signIn({ expectedStatuses: [400] });
    const other = await otherDevice(account);
    await openProfile(page);
    const fresh = secret(`${account.password} and a new tail`);

    // Wrong current password: said next to that field.
    await page.locator('#profile-current-password').fill(secret('wrong password 12'));
    await page.locator('#profile-new-password').fill(fresh);
    await page.locator('#profile-confirm-password').fill(fresh);
    await page.getByRole('button', { name: 'Change password' }).click();
    await expect.poll(() => page.locator('#profile-current-password-error').isVisible()).toBe(true);
    expect(await page.locator('#profile-current-password-error').innerText()).toBe(
      'Your current password is not correct.',
    );

    // A confirmation that differs is caught before anything is sent.
    await page.locator('#profile-current-password').fill(account.password);
    await page.locator('#profile-confirm-password').fill(`${fresh}x`);
    await page.getByRole('button', { name: 'Change password' }).click();
    expect(await page.locator('#profile-confirm-password-error').innerText()).toBe(
      'The passwords do not match.',
    );
    // The strength hint is there while typing.
    await expect.poll(() => page.locator('#profile-new-password-strength').innerText()).toMatch(/Strength:/);

    await page.locator('#profile-confirm-password').fill(fresh);
    await page.getByRole('button', { name: 'Change password' }).click();
    await expect
      .poll(() =>
        page
          .getByRole('status')
          .filter({ hasText: 'Password changed. 1 other session was signed out.' })
          .count(),
      )
      .toBe(1);
    expect(await page.locator('#profile-current-password').inputValue()).toBe('');
    // The other device is gone from the list and from the server; this one stays signed in.
    await expect.poll(() => signedInDevices(page).count()).toBe(1);
    expect((await api.get('/api/auth/me', { token: other })).status).toBe(401);
    await expect
      .poll(() => page.getByRole('region', { name: 'Recent activity' }).innerText())
      .toContain('Password changed');

    expect(await uiLogin(account.username, account.password)).toBe('refused');
    expect(await uiLogin(account.username, fresh)).toBe('signed in');
    expect(problems).toEqual([]);
    await context.close();
  });

  it('signs another device out from the list', async () => {
    const { page, context, problems, account } = await signIn();
    const other = await otherDevice(account);
    await openProfile(page);
    await expect.poll(() => signedInDevices(page).count()).toBe(2);
    await page.getByRole('button', { name: /^Sign out Firefox 128 on Windows/ }).click();
    await expect
      .poll(() => page.getByRole('status').filter({ hasText: 'Signed out Firefox 128 on Windows.' }).count())
      .toBe(1);
    expect(await signedInDevices(page).count()).toBe(1);
    expect(await signedInDevices(page).innerText()).toContain('This device');
    expect((await api.get('/api/auth/me', { token: other })).status).toBe(401);
    await expect
      .poll(() => page.getByRole('region', { name: 'Recent activity' }).innerText())
      .toContain('Signed out another device');

    // "Sign out" on this device is a log out.
    await page.getByRole('button', { name: 'Sign out this device' }).click();
    await page.waitForURL(`${server.url}/login`);
    expect(problems).toEqual([]);
    await context.close();
  });

  it('deletes the account after the password is confirmed; then logging in fails', async () => {
    const { page, context, problems, account, token } = await signIn({ expectedStatuses: [400, 401] });
    await openProfile(page);
    const password = page.getByLabel('Your password');
    await password.fill(secret('not the password 9'));
    await page.getByRole('button', { name: 'Delete my account' }).click();
    await expect.poll(() => password.getAttribute('aria-invalid')).toBe('true');
    expect(await page.locator('#profile-delete-password-error').innerText()).toBe(
      'Your current password is not correct.',
    );
    expect((await api.get('/api/auth/me', { token })).status).toBe(200);

    await password.fill(account.password);
    await page.getByRole('button', { name: 'Delete my account' }).click();
    await page.waitForURL(`${server.url}/login`);
    await expect
      .poll(() => page.getByRole('status').filter({ hasText: 'Your account has been deleted.' }).count())
      .toBe(1);
    expect((await context.cookies()).filter((c) => c.name === 'codegenie_session')).toEqual([]);
    expect((await api.get('/api/auth/me', { token })).status).toBe(401);
    expect(await uiLogin(account.username, account.password)).toBe('refused');
    expect(problems).toEqual([]);
    await context.close();
  });

  it('works on a phone in the dark theme', async () => {
    const { page, context, problems, token } = await signIn({ width: 375, height: 800, colorScheme: 'dark' });
    expect((await api.post('/api/generate', { prompt: 'one' }, { token })).status).toBe(200);
    await openProfile(page);
    await expectNoHorizontalOverflow(page);
    await expectAccessible(page, 'profile-phone-dark');
    await page.screenshot({ path: path.join(RESULTS_DIR, 'profile-phone-dark.png'), fullPage: true });
    expect(problems).toEqual([]);
    await context.close();
  });
});
