import { describe, expect, it } from 'vitest';
import { remoteModel } from '../helpers/catalogue.js';
import { apiClient, registerAndLogin, type Json } from '../helpers/http.js';
import { useOpenAiServer, useTestServer } from '../helpers/suite.js';

/** Issue 13, finding 14: security events stay in Recent activity however many generations follow. */
const upstream = useOpenAiServer();
const server = useTestServer(() => ({
  name: 'profile-activity',
  catalogue: {
    defaultModel: 'remote-chat',
    models: [remoteModel(upstream.baseUrl, 'remote-chat', 'Remote Chat', { model: 'm' })],
  },
}));
const api = apiClient(() => server.url);

describe('Recent activity on GET /api/profile', () => {
  it('still lists an email change after 40 generations', async () => {
    const { account, token } = await registerAndLogin(api);
    const newEmail = `moved.${account.username}@example.com`;
    const changed = await api.request(
      'PATCH',
      '/api/profile',
      { email: newEmail, currentPassword: account.password },
      { token },
    );
    expect(changed.status).toBe(200);
    for (let i = 0; i < 40; i++) {
      expect((await api.post('/api/generate', { prompt: `prompt ${i}` }, { token })).status).toBe(200);
    }
    const profile = await api.get('/api/profile', { token });
    expect(profile.status).toBe(200);
    expect(profile.body.stats.generations).toBe(40);
    const kinds = (profile.body.recentActivity as Json[]).map((a: Json) => a.kind as string);
    expect(kinds).toContain('email_changed');
    expect(kinds).toContain('sign_in');
    expect(kinds).not.toContain('generation');
  }, 60_000);
});
