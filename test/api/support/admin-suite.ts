import { expect } from 'vitest';
import type { TestServerOptions } from '../../helpers/app.js';
import { apiClient, newAccount, type ApiClient, type Json } from '../../helpers/http.js';
import { useSignedInUser, useTestServer } from '../../helpers/suite.js';
import type { Lazy } from '../../helpers/suite.js';

/**
 * A test server whose first account (registered before anything else of the
 * suite) is its admin, as on a fresh instance.
 */
export function useAdminSuite(options: Lazy<TestServerOptions> = {}) {
  const server = useTestServer(options);
  const api = apiClient(() => server.url);
  const admin = useSignedInUser(api, 'admin');
  return { server, api, admin };
}

/** PATCH /api/admin/settings as `token`; expects 200 and returns the settings. */
export async function setRegistration(api: ApiClient, token: string, body: Json): Promise<Json> {
  const res = await api.request('PATCH', '/api/admin/settings', body, { token });
  expect(res.status).toBe(200);
  return res.body;
}

/** Registers a new account (optionally with an invitation token); the response, whatever it is. */
export async function register(
  api: ApiClient,
  extra: Json = {},
  account: { username: string; email: string; password: string } = newAccount(),
) {
  const res = await api.post('/api/auth/register', { ...account, ...extra });
  return { res, account };
}

/** Signs in with the account's username and password; the response, whatever it is. */
export function signIn(api: ApiClient, account: { username: string; password: string }) {
  return api.post('/api/auth/login', { username: account.username, password: account.password });
}

/** The kinds and details of the account's Recent activity on its Profile page. */
export async function recentActivity(
  api: ApiClient,
  token: string,
): Promise<{ kind: string; details: Json }[]> {
  const res = await api.get('/api/profile', { token });
  expect(res.status).toBe(200);
  return (res.body.recentActivity as Json[]).map((a) => ({ kind: a.kind as string, details: a.details }));
}
