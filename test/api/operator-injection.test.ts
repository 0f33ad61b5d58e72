import { describe, expect, it } from 'vitest';
import { remoteModel } from '../helpers/catalogue.js';
import { apiClient } from '../helpers/http.js';
import { useOpenAiServer, useSignedInUser, useTestServer } from '../helpers/suite.js';

/**
 * No request value ever becomes a query operator: `{"$gt": ""}` (and
 * friends) sent through every route that reaches the store is refused with
 * 400 by the schemas, before any adapter sees it, and nothing changes.
 */
const OPERATOR = { $gt: '' };

const upstream = useOpenAiServer();
const server = useTestServer(() => ({
  name: 'operators',
  catalogue: { defaultModel: 'm', models: [remoteModel(upstream.baseUrl, 'm', 'M')] },
}));
const api = apiClient(() => server.url);
const session = useSignedInUser(api);

const BODIES: [string, string, Record<string, unknown>][] = [
  [
    'POST',
    '/api/auth/register',
    { username: 'someone', email: 'someone@example.com', password: 'long enough pass 1', displayName: 'x' },
  ],
  ['POST', '/api/auth/login', { username: 'someone', password: 'long enough pass 1' }],
  ['POST', '/api/auth/forgot-password', { email: 'someone@example.com' }],
  ['POST', '/api/auth/reset-password', { token: 'abc', newPassword: 'long enough pass 1' }],
  ['POST', '/api/generate', { prompt: 'x', modelId: 'm', language: 'python' }],
  ['POST', '/api/explain', { code: 'x', modelId: 'm', generationId: crypto.randomUUID() }],
  ['PATCH', '/api/profile', { displayName: 'x', email: 'a@example.com', currentPassword: 'x' }],
  ['POST', '/api/profile/password', { currentPassword: 'x', newPassword: 'long enough pass 1' }],
  ['DELETE', '/api/profile', { password: 'x' }],
  ['DELETE', '/api/history', { confirm: true }],
];

describe('operator objects in request bodies', () => {
  for (const [method, path, valid] of BODIES) {
    for (const field of Object.keys(valid)) {
      it(`${method} ${path} refuses {"$gt": ""} as ${field}`, async () => {
        const res = await api.request(
          method,
          path,
          { ...valid, [field]: OPERATOR },
          { token: session.token },
        );
        expect(res.status).toBe(400);
        expect(res.body.error.code).toBe('invalid_input');
      });
    }
  }
});

describe('operators in query strings and paths', () => {
  it.each([
    '/api/history?q[$gt]=',
    '/api/history?modelId[$ne]=x',
    '/api/history?status[$in]=completed',
    '/api/auth/reset-password/verify?token[$gt]=',
    '/api/history/$gt',
    '/api/history/%7B%22%24gt%22%3A%22%22%7D',
  ])('GET %s is refused with 400', async (path) => {
    const res = await api.get(path, { token: session.token });
    expect(res.status).toBe(400);
  });

  it.each(['/api/history/$where', '/api/profile/sessions/$gt', '/api/generations/$gt/cancel'])(
    'DELETE or POST %s is refused with 400',
    async (path) => {
      const method = path.endsWith('cancel') ? 'POST' : 'DELETE';
      const res = await api.request(method, path, undefined, { token: session.token });
      expect(res.status).toBe(400);
    },
  );

  it('left the data as it was', async () => {
    expect((await api.get('/api/auth/me', { token: session.token })).status).toBe(200);
    expect(await server.store.users.findByUsername('someone')).toBeNull();
  });
});
