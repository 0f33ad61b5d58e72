/// <reference lib="dom" />
import path from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { CHROMIUM } from '../helpers/browser.js';
import { newAccount } from '../helpers/http.js';
import { secret } from '../helpers/secrets.js';
import { SCREENSHOTS } from '../helpers/screenshots.js';
import { useSmtpServer } from '../helpers/suite.js';
import { useBrowser, useWebServer } from './support/e2e-suite.js';
import {
  expectAccessible,
  openPage as openSignedOutPage,
  type PageOptions,
} from './support/generation-e2e.js';

const NEUTRAL = 'If an account exists for that email, a reset link has been sent.';
const INVALID_LINK = 'This reset link is invalid or has expired. Please request a new one.';
const RESET_DONE = 'Your password has been reset. Please log in.';
const BAD_LOGIN = 'Invalid username or password. Please try again.';

describe.skipIf(!CHROMIUM)('password reset in the browser', () => {
  const smtp = useSmtpServer();
  const server = useWebServer(() => ({ name: 'e2e-reset', env: { SMTP_URL: smtp.url } }));
  const browser = useBrowser();
  /** A signed-out page; 400 and 401 are answers the pages expect (used link, wrong password) and show. */
  const openPage = (options: PageOptions = {}) =>
    openSignedOutPage(browser, { expectedStatuses: [400, 401], ...options });

  async function register(account: ReturnType<typeof newAccount>) {
    const res = await fetch(`${server.url}/api/auth/register`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(account),
    });
    expect(res.status).toBe(201);
  }

  /** Waits for the next reset mail to `email` and returns its link (recorded as a secret). */
  async function resetLinkFor(email: string, sentBefore: number): Promise<string> {
    const mail = await smtp.waitFor(
      (m) => smtp.messages.indexOf(m) >= sentBefore && m.envelopeTo.includes(email),
    );
    expect(mail.parsed.subject).toBe('Reset your CodeGenie password');
    expect(mail.resetLink).toBeDefined();
    const link = mail.resetLink ?? '';
    secret(new URL(link).searchParams.get('token') ?? '');
    return secret(link);
  }

  async function logIn(page: Page, username: string, password: string) {
    await page.getByLabel(/^Username/).fill(username);
    await page.getByLabel('Password', { exact: true }).fill(password);
    await page.getByRole('button', { name: 'Log in' }).click();
  }

  it('forgot password → mail → new password → log in with it; the old password and the used link stop working', async () => {
    const { page, context, problems } = await openPage();
    const a = newAccount('reset');
    await register(a);
    const newPassword = secret(`new-${a.username}-Qv4!amber kettle`);

    // From the login page, by keyboard: the link sits in the tab order after the password field.
    await page.goto(`${server.url}/login`);
    await page.getByLabel(/^Username/).fill(a.email);
    await page.getByLabel('Password', { exact: true }).focus();
    await page.keyboard.press('Tab');
    const focused = page.locator(':focus');
    expect(await focused.innerText()).toBe('Forgot password?');
    await page.keyboard.press('Enter');
    await page.waitForURL(`${server.url}/forgot-password`);
    await expect
      .poll(() => page.getByRole('heading', { name: 'Forgot your password?', level: 1 }).isVisible())
      .toBe(true);
    // The email typed on the login page comes along.
    expect(await page.getByLabel('Email').inputValue()).toBe(a.email);
    await expectAccessible(page, 'forgot-password');

    // A malformed address is refused next to the field (the browser's own check is bypassed).
    await page.getByLabel('Email').fill('not-an-email');
    await page.locator('form').evaluate((form) => {
      form.setAttribute('novalidate', '');
    });
    await page.getByRole('button', { name: 'Send reset link' }).click();
    await expect.poll(() => page.getByLabel('Email').getAttribute('aria-invalid')).toBe('true');

    const sentBefore = smtp.messages.length;
    await page.getByLabel('Email').fill(a.email);
    await page.getByRole('button', { name: 'Send reset link' }).click();
    await expect.poll(() => page.getByRole('status').filter({ hasText: NEUTRAL }).isVisible()).toBe(true);
    expect(page.url()).toBe(`${server.url}/forgot-password`);
    expect(await page.getByLabel('Email').getAttribute('aria-invalid')).toBeNull();
    await page.screenshot({ path: path.join(SCREENSHOTS, 'forgot-password.png') });

    // The link from the mail: the token leaves the address bar, and the page is never sent on as a Referer.
    const link = await resetLinkFor(a.email, sentBefore);
    const response = await page.goto(link);
    expect(response?.headers()['referrer-policy']).toBe('no-referrer');
    await expect
      .poll(() => page.getByRole('heading', { name: 'Choose a new password', level: 1 }).isVisible())
      .toBe(true);
    await expect.poll(() => page.getByLabel('New password', { exact: true }).isVisible()).toBe(true);
    expect(page.url()).toBe(`${server.url}/reset-password`);
    expect(page.url()).not.toContain('token=');
    expect(await page.evaluate(() => window.location.search)).toBe('');

    // Mismatched fields are caught before anything is sent.
    await page.getByLabel('New password', { exact: true }).fill(newPassword);
    await page.getByLabel('Confirm new password').fill(secret(`${newPassword}x`));
    await page.getByRole('button', { name: 'Set new password' }).click();
    const confirm = page.getByLabel('Confirm new password');
    await expect.poll(() => confirm.getAttribute('aria-invalid')).toBe('true');
    await expect.poll(() => page.getByText('The passwords do not match.').isVisible()).toBe(true);

    // The server's password policy answers next to New password, once, and takes the focus there.
    const common = secret('password1');
    const newField = page.getByLabel('New password', { exact: true });
    await newField.fill(common);
    await confirm.fill(common);
    await page.getByRole('button', { name: 'Set new password' }).click();
    await expect.poll(() => newField.getAttribute('aria-invalid')).toBe('true');
    expect(await page.getByText(/too common/).count()).toBe(1);
    expect(await newField.evaluate((el) => el === document.activeElement)).toBe(true);
    expect(page.url()).toBe(`${server.url}/reset-password`);

    // The strength hint, as on the register page.
    await newField.fill(newPassword);
    await expect.poll(() => page.getByText('Strength: Strong').isVisible(), { timeout: 15_000 }).toBe(true);
    expect(await newField.getAttribute('aria-invalid')).toBeNull();
    await expectAccessible(page, 'reset-password');
    await page.screenshot({ path: path.join(SCREENSHOTS, 'reset-password.png') });

    await confirm.fill(newPassword);
    await page.getByRole('button', { name: 'Set new password' }).click();
    await page.waitForURL(`${server.url}/login`);
    await expect.poll(() => page.getByRole('status').filter({ hasText: RESET_DONE }).isVisible()).toBe(true);

    // The new password works.
    await logIn(page, a.username, newPassword);
    await page.waitForURL(`${server.url}/`);
    await expect.poll(() => page.getByRole('heading', { name: 'Generate', level: 1 }).isVisible()).toBe(true);
    await page.getByRole('button', { name: 'Log out' }).click();
    await page.waitForURL(/\/login/);

    // The old one does not.
    await logIn(page, a.username, a.password);
    await expect.poll(() => page.getByRole('alert').filter({ hasText: BAD_LOGIN }).count()).toBe(1);
    expect(page.url()).toContain('/login');

    // The link worked once.
    await page.goto(link);
    await expect.poll(() => page.getByRole('alert').filter({ hasText: INVALID_LINK }).isVisible()).toBe(true);
    expect(await page.getByLabel('New password', { exact: true }).count()).toBe(0);
    expect(page.url()).not.toContain('token=');
    await page.getByRole('link', { name: 'Request a new link' }).click();
    await page.waitForURL(`${server.url}/forgot-password`);

    expect(problems).toEqual([]);
    await context.close();
  });

  it('a link with no token, or an unknown one, shows the invalid-link view without a form', async () => {
    const { page, context, problems } = await openPage({ width: 375, height: 740, colorScheme: 'dark' });

    await page.goto(`${server.url}/reset-password`);
    await expect.poll(() => page.getByRole('alert').filter({ hasText: INVALID_LINK }).isVisible()).toBe(true);

    const unknown = secret('A'.repeat(43));
    await page.goto(`${server.url}/reset-password?token=${unknown}`);
    await expect.poll(() => page.getByRole('alert').filter({ hasText: INVALID_LINK }).isVisible()).toBe(true);
    expect(page.url()).toBe(`${server.url}/reset-password`);
    expect(await page.getByRole('button', { name: 'Set new password' }).count()).toBe(0);
    expect(await page.getByRole('link', { name: 'Request a new link' }).getAttribute('href')).toBe(
      '/forgot-password',
    );

    // Nothing overflows sideways on a 375 px screen.
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    await expectAccessible(page, 'reset-invalid-dark-phone');
    await page.screenshot({ path: path.join(SCREENSHOTS, 'reset-password-invalid-phone-dark.png') });

    expect(problems).toEqual([]);
    await context.close();
  });

  it('a signed-in user can use a reset link and is then asked to log in again', async () => {
    const { page, context, problems } = await openPage();
    const a = newAccount('resetin');
    await register(a);
    const newPassword = secret(`new-${a.username}-Hk7%cedar lantern`);

    await page.goto(`${server.url}/login`);
    await logIn(page, a.username, a.password);
    await page.waitForURL(`${server.url}/`);

    const sentBefore = smtp.messages.length;
    const res = await fetch(`${server.url}/api/auth/forgot-password`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: a.email }),
    });
    expect(res.status).toBe(202);
    const link = await resetLinkFor(a.email, sentBefore);

    await page.goto(link);
    await expect.poll(() => page.getByLabel('New password', { exact: true }).isVisible()).toBe(true);
    await page.getByLabel('New password', { exact: true }).fill(newPassword);
    await page.getByLabel('Confirm new password').fill(newPassword);
    await page.getByRole('button', { name: 'Set new password' }).click();
    await page.waitForURL(`${server.url}/login`);
    await expect.poll(() => page.getByRole('status').filter({ hasText: RESET_DONE }).isVisible()).toBe(true);
    expect((await context.cookies()).filter((c) => c.name === 'codegenie_session')).toEqual([]);

    expect(problems).toEqual([]);
    await context.close();
  });
});
