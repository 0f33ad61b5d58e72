import { describe, expect, it } from 'vitest';
import { fixturePrompt } from '../../src/server/store/store-prompts.contract.js';
import { apiClient } from '../helpers/http.js';
import { useSignedInUser, useTestServer } from '../helpers/suite.js';

/** GET /api/admin/usage: every user's runs over the last 30 UTC days, by day, model and user. */
const server = useTestServer({ name: 'admin-usage' });
const api = apiClient(() => server.url);
const admin = useSignedInUser(api, 'admin');
const ann = useSignedInUser(api, 'ann');
const bob = useSignedInUser(api, 'bob');

const DAY = 86_400_000;

describe('GET /api/admin/usage', () => {
  it('counts the runs of every user per UTC day over 30 days, by model and by user', async () => {
    const empty = await api.get('/api/admin/usage', { token: admin.token });
    expect(empty.status).toBe(200);
    expect(empty.body).toMatchObject({ total: 0, byModel: [], topUsers: [] });
    expect(empty.body.last30Days).toHaveLength(30);

    const now = Date.now();
    const runs = [
      fixturePrompt(ann.user.id, { createdAt: new Date(now), modelId: 'm-a' }),
      fixturePrompt(ann.user.id, { createdAt: new Date(now), modelId: 'm-b', kind: 'explain' }),
      fixturePrompt(ann.user.id, { createdAt: new Date(now - 3 * DAY), modelId: 'm-a' }),
      fixturePrompt(bob.user.id, { createdAt: new Date(now), modelId: 'm-a' }),
      // Older than 30 days: not counted.
      fixturePrompt(bob.user.id, { createdAt: new Date(now - 40 * DAY), modelId: 'm-a' }),
    ];
    for (const run of runs) {
      await server.store.prompts.create(run);
    }

    const res = await api.get('/api/admin/usage', { token: admin.token });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      total: 4,
      generations: 3,
      explanations: 1,
      byModel: [
        { modelId: 'm-a', count: 3 },
        { modelId: 'm-b', count: 1 },
      ],
      topUsers: [
        { userId: ann.user.id, username: ann.user.username, count: 3 },
        { userId: bob.user.id, username: bob.user.username, count: 1 },
      ],
    });
    const days = res.body.last30Days as { date: string; count: number }[];
    expect(days).toHaveLength(30);
    expect(days.at(-1)).toEqual({ date: new Date(now).toISOString().slice(0, 10), count: 3 });
    expect(days.at(-4)).toEqual({ date: new Date(now - 3 * DAY).toISOString().slice(0, 10), count: 1 });
    expect(days.reduce((sum, d) => sum + d.count, 0)).toBe(4);
  });

  it('is for administrators only', async () => {
    expect((await api.get('/api/admin/usage', { token: ann.token })).status).toBe(403);
    expect((await api.get('/api/admin/usage')).status).toBe(401);
  });
});
