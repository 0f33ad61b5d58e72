import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/server/config.js';
import { PasswordHasher } from '../../src/server/services/password-hasher.js';
import { MESSAGES } from '../../src/shared/messages.js';
import { apiClient, newAccount } from '../helpers/http.js';
import { useTestServer } from '../helpers/suite.js';

/** Cheap argon2id parameters: the test is about admission, not cost. */
const FAST = { memoryCost: 4096, timeCost: 1, parallelism: 1 };

/**
 * A real hasher whose argon2 work waits while `hold()` is in force: the
 * test decides when a hash finishes, so no timing is involved.
 */
class HeldHasher extends PasswordHasher {
  private gate: Promise<void> = Promise.resolve();
  private open: () => void = () => undefined;

  hold(): void {
    this.gate = new Promise((resolve) => {
      this.open = resolve;
    });
  }

  release(): void {
    this.open();
  }

  protected override async argon2Hash(password: string): Promise<string> {
    await this.gate;
    return super.argon2Hash(password);
  }

  protected override async argon2Verify(hash: string, password: string): Promise<boolean> {
    await this.gate;
    return super.argon2Verify(hash, password);
  }
}

// HASH_CONCURRENCY=1 and HASH_QUEUE_MAX=1, read as the server reads them.
const limits = loadConfig({ HASH_CONCURRENCY: '1', HASH_QUEUE_MAX: '1' }).hashing;
const hasher = new HeldHasher(FAST, limits);
const server = useTestServer({ name: 'hash-busy', hasher });
const api = apiClient(() => server.url);

describe('password hashing under load (HASH_CONCURRENCY, HASH_QUEUE_MAX)', () => {
  it('queues sign-ins beyond the concurrency and answers 503 busy with Retry-After when the queue is full', async () => {
    expect(limits).toEqual({ concurrency: 1, queueMax: 1 });
    const a = newAccount('hashq');
    expect((await api.post('/api/auth/register', a)).status).toBe(201);

    hasher.hold();
    const running = api.post('/api/auth/login', { username: a.username, password: a.password });
    await expect.poll(() => hasher.load).toEqual({ active: 1, queued: 0 });
    const waiting = api.post('/api/auth/login', { username: a.username, password: a.password });
    await expect.poll(() => hasher.load).toEqual({ active: 1, queued: 1 });

    const refused = await api.post('/api/auth/login', { username: a.username, password: a.password });
    expect(refused.status).toBe(503);
    expect(refused.headers.get('retry-after')).toBe('1');
    expect(refused.body.error).toMatchObject({ code: 'busy', message: MESSAGES.hashingBusy });
    // A registration needs a hash too, and is refused the same way, before anything is stored.
    const b = newAccount('hashq');
    const register = await api.post('/api/auth/register', b);
    expect(register.status).toBe(503);
    expect(register.body.error.code).toBe('busy');
    expect(await server.store.users.findByUsername(b.username)).toBeNull();

    hasher.release();
    expect((await running).status).toBe(200);
    expect((await waiting).status).toBe(200);
    expect(hasher.load).toEqual({ active: 0, queued: 0 });
    // With the queue drained, the refused client's retry succeeds.
    expect((await api.post('/api/auth/login', { username: a.username, password: a.password })).status).toBe(
      200,
    );
  });
});
