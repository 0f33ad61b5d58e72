import fs from 'node:fs';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { useTestServer } from '../../test/helpers/suite.js';

interface LogLine {
  msg?: string;
  reqId?: string;
  err?: { message?: string };
}

describe('the error handler, for an error it does not know', () => {
  const server = useTestServer({ name: 'errors' });

  afterEach(() => {
    vi.restoreAllMocks();
  });

  it('answers a generic 500 carrying the request id the error was logged with', async () => {
    vi.spyOn(server.store, 'ping').mockRejectedValue(new Error('disk on fire at /var/secret/path'));

    const res = await fetch(`${server.url}/api/health`);
    const body = (await res.json()) as { error: { code: string; message: string; requestId?: string } };

    expect(res.status).toBe(500);
    expect(body.error.code).toBe('internal');
    expect(body.error.message).not.toContain('disk on fire');
    expect(body.error.requestId).toEqual(expect.any(String));
    const logged = fs
      .readFileSync(server.logFile, 'utf8')
      .split('\n')
      .filter((line) => line.length > 0)
      .map((line) => JSON.parse(line) as LogLine)
      .filter((line) => line.msg === 'unhandled error');
    expect(logged).toHaveLength(1);
    expect(logged[0]?.reqId).toBe(body.error.requestId);
    expect(logged[0]?.err?.message).toBe('disk on fire at /var/secret/path');
  });

  it('answers known errors without a request id', async () => {
    const res = await fetch(`${server.url}/api/no-such-route`);
    const body = (await res.json()) as { error: { code: string; requestId?: string } };
    expect(res.status).toBe(404);
    expect(body.error).not.toHaveProperty('requestId');
  });
});
