import { afterEach, describe, expect, it, vi } from 'vitest';
import { StoreTimeoutError } from '../../src/server/errors.js';
import { MESSAGES } from '../../src/shared/messages.js';
import { apiClient, registerAndLogin } from '../helpers/http.js';
import { useTestServer } from '../helpers/suite.js';

/*
 * Issue 16 item 6: a read the store stopped at its time limit (MongoDB
 * maxTimeMS, translated to StoreTimeoutError by the adapter: see
 * src/server/store/mongo/mongo-time-limits.test.ts) answers 503
 * store_timeout with a message saying what to do, not a 500.
 */
const server = useTestServer(() => ({ name: 'store-timeout' }));
const api = apiClient(() => server.url);

afterEach(() => {
  vi.restoreAllMocks();
});

describe('a store read stopped at its time limit', () => {
  it.each([
    ['a history search', '/api/history?q=rare', 'listSummariesForUser'],
    ['the profile (its stats)', '/api/profile', 'statsForUser'],
  ] as const)('answers %s 503 store_timeout, and the next request answers', async (_, url, method) => {
    const me = await registerAndLogin(api);
    vi.spyOn(server.store.prompts, method).mockRejectedValueOnce(new StoreTimeoutError());

    const stopped = await api.get(url, { token: me.token });
    expect(stopped.status).toBe(503);
    expect(stopped.body.error).toMatchObject({ code: 'store_timeout', message: MESSAGES.storeTimeout });

    expect((await api.get(url, { token: me.token })).status).toBe(200);
  });
});
