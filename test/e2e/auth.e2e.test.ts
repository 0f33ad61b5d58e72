/// <reference lib="dom" />
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CHROMIUM } from '../helpers/browser.js';
import { newAccount } from '../helpers/http.js';
import { secret } from '../helpers/secrets.js';
import { SCREENSHOTS } from '../helpers/screenshots.js';
import { useBrowser, useWebServer } from './support/e2e-suite.js';
import {
  expectAccessible,
  expectNoHorizontalOverflow,
  openPage as openSignedOutPage,
  type PageOptions,
} from './support/generation-e2e.js';

describe.skipIf(!CHROMIUM)('accounts in the browser', () => {
  const server = useWebServer({ name: 'e2e-auth' });
  const browser = useBrowser();
  /** A signed-out page; 400, 401 and 409 are answers the pages expect and show to the user. */
  const openPage = (options: PageOptions = {}) =>
    openSignedOutPage(browser, { expectedStatuses: [400, 401, 409], ...options });
  /** Registers `account` over the API, as another client would. */
  const registerByApi = async (account: ReturnType<typeof newAccount>) => {
    const res = await fetch(`${server.url}/api/auth/register`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(account),
    });
    expect(res.status).toBe(201);
  };

  it('register → login → shell → logout, with every message users know', async () => {
    const { page, context, problems } = await openPage();
    const a = newAccount('e2e');

    // A signed-out visit to a signed-in page goes to Login, remembering where to return.
    await page.goto(`${server.url}/history`);
    await page.waitForURL(/\/login\?next=%2Fhistory/);
    await expect.poll(() => page.getByRole('heading', { name: 'Log in' }).isVisible()).toBe(true);
    await expectAccessible(page, 'login');
    await page.screenshot({ path: path.join(SCREENSHOTS, 'login.png') });

    await page.getByRole('link', { name: /create an account|register|sign up/i }).click();
    await page.waitForURL(/\/register/);
    await expectAccessible(page, 'register');

    // A common password is refused next to the field.
    await page.getByLabel('Username', { exact: false }).first().fill(a.username);
    await page.getByLabel('Email').fill(a.email);
    await page.getByLabel('Password', { exact: true }).fill(secret('password1'));
    await page.getByRole('button', { name: 'Create account' }).click();
    const passwordField = page.getByLabel('Password', { exact: true });
    await expect.poll(() => passwordField.getAttribute('aria-invalid')).toBe('true');
    const describedBy = (await passwordField.getAttribute('aria-describedby')) ?? '';
    const fieldError = await page.locator(`#${describedBy.split(' ').join(', #')}`).allInnerTexts();
    expect(fieldError.join(' ')).toMatch(/too common/i);

    await page.getByLabel('Password', { exact: true }).fill(a.password);
    await page.getByRole('button', { name: 'Create account' }).click();
    await page.waitForURL(/\/login/);
    await expect.poll(() => page.getByText('Registration successful. Please log in.').isVisible()).toBe(true);

    // Wrong password.
    await page.getByLabel(/^Username/).fill(a.username);
    await page.getByLabel('Password', { exact: true }).fill(secret('definitely wrong 1'));
    await page.getByRole('button', { name: 'Log in' }).click();
    await expect
      .poll(() =>
        page
          .getByRole('alert')
          .filter({ hasText: 'Invalid username or password. Please try again.' })
          .count(),
      )
      .toBe(1);

    // Right password, submitted with Enter from the keyboard.
    await page.getByLabel('Password', { exact: true }).fill(a.password);
    await page.getByLabel('Password', { exact: true }).press('Enter');
    await page.waitForURL(`${server.url}/history`);
    await expect.poll(() => page.getByRole('heading', { name: 'History', level: 1 }).isVisible()).toBe(true);
    for (const name of ['Generate', 'Explain', 'Compare', 'History', 'Profile']) {
      expect(await page.getByRole('navigation').getByRole('link', { name }).count(), name).toBe(1);
    }
    await page.getByRole('navigation').getByRole('link', { name: 'Generate' }).click();
    await expect.poll(() => page.getByRole('heading', { name: 'Generate', level: 1 }).isVisible()).toBe(true);
    await expectAccessible(page, 'shell');
    await page.screenshot({ path: path.join(SCREENSHOTS, 'shell.png') });

    // The cookie is HttpOnly: scripts cannot read it.
    expect(await page.evaluate(() => document.cookie)).not.toContain('codegenie_session');

    await page.getByRole('button', { name: 'Log out' }).click();
    await page.waitForURL(/\/login/);
    expect((await context.cookies()).filter((c) => c.name === 'codegenie_session')).toEqual([]);
    await page.goto(`${server.url}/profile`);
    await page.waitForURL(/\/login\?next=%2Fprofile/);

    expect(problems).toEqual([]);
    await context.close();
  });

  // Issue 13 finding 11: `/..//evil.example/x` resolved to the path `//evil.example/x`, another host.
  it('signs in at /login?next=/..//evil.example/x and lands on the home page of the app', async () => {
    const { page, context, problems } = await openPage();
    const a = newAccount('next');
    await registerByApi(a);
    await page.goto(`${server.url}/login?next=/..//evil.example/x`);
    await page.getByLabel(/^Username/).fill(a.username);
    await page.getByLabel('Password', { exact: true }).fill(a.password);
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.waitForURL(`${server.url}/`);
    await expect.poll(() => page.getByRole('heading', { name: 'Generate', level: 1 }).isVisible()).toBe(true);
    expect(problems).toEqual([]);
    await context.close();
  });

  it('shows "Username already exists" for a taken username', async () => {
    const { page, context } = await openPage();
    const a = newAccount('taken');
    await registerByApi(a);
    await page.goto(`${server.url}/register`);
    await page.getByLabel('Username').fill(a.username.toUpperCase());
    await page.getByLabel('Email').fill(`other.${a.email}`);
    await page.getByLabel('Password', { exact: true }).fill(a.password);
    await page.getByRole('button', { name: 'Create account' }).click();
    await expect
      .poll(() =>
        page.getByText('Username already exists. Please choose a different one.').first().isVisible(),
      )
      .toBe(true);
    expect(page.url()).toContain('/register');
    await context.close();
  });

  it('works on a phone in the dark theme', async () => {
    const { page, context, problems } = await openPage({ width: 375, height: 740, colorScheme: 'dark' });
    await page.goto(`${server.url}/login`);
    await expect.poll(() => page.getByRole('button', { name: 'Log in' }).isVisible()).toBe(true);
    // Nothing overflows sideways on a 375 px screen.
    await expectNoHorizontalOverflow(page);
    const bg = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
    const [r = 255, g = 255, b = 255] = (bg.match(/\d+/g) ?? []).map(Number);
    expect(r + g + b).toBeLessThan(3 * 100);
    await expectAccessible(page, 'login-dark-phone');
    await page.screenshot({ path: path.join(SCREENSHOTS, 'login-phone-dark.png') });
    expect(problems).toEqual([]);
    await context.close();
  });

  it('serves the app for client-side routes and an unknown path shows the not-found page', async () => {
    const { page, context } = await openPage();
    await page.goto(`${server.url}/register`);
    await expect
      .poll(() => page.getByRole('heading', { name: 'Create your account' }).isVisible())
      .toBe(true);
    await page.goto(`${server.url}/no/such/page`);
    await expect
      .poll(
        async () =>
          (await page.getByRole('heading', { name: 'Page not found' }).isVisible()) ||
          page.url().includes('/login'),
      )
      .toBe(true);
    await context.close();
  });

  it('renders the interactive API docs under the strict CSP', async () => {
    const { page, context, problems } = await openPage();
    await page.goto(`${server.url}/api/docs/`);
    await expect
      .poll(() => page.getByText('CodeGenie API').first().isVisible(), { timeout: 15_000 })
      .toBe(true);
    await expect.poll(() => page.getByText('/api/auth/login').first().isVisible()).toBe(true);
    expect(problems).toEqual([]);
    await context.close();
  });
});
