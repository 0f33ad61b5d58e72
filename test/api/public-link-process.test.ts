import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { apiClient } from '../helpers/http.js';
import { secret } from '../helpers/secrets.js';
import { useServerProcesses } from '../helpers/server-process.js';
import { useTempDir } from '../helpers/suite.js';

/**
 * The real server with NGROK_AUTHTOKEN set and the real @ngrok/ngrok
 * library, on a machine where ngrok cannot be reached (no internet here;
 * elsewhere the made-up token is refused): start-up says clearly that the
 * public link could not be opened, keeps serving on its local address, and
 * /api/health says why. The wait is bounded by the link's own timeout
 * (NGROK_TIMEOUT_SECONDS, short here); the token never reaches the output
 * (the log audit reads it too).
 */

const TOKEN = secret('2bAdT0kEn_codegenie_process_test_9876543210');
const servers = useServerProcesses();
const data = useTempDir('codegenie-ngrok-');

describe('start-up with a public link that cannot be opened', () => {
  it('prints why, serves on the local address, and reports the failure in /api/health', async () => {
    const server = await servers.start({
      dataDir: data.path,
      name: 'public-link-process',
      env: { NGROK_AUTHTOKEN: TOKEN, NGROK_TIMEOUT_SECONDS: '5' },
    });
    const output = fs.readFileSync(server.logFile, 'utf8');
    expect(output).toContain('Opening the public link (ngrok)...');
    expect(output).toContain(`The public link (ngrok) could not be opened: `);
    expect(output).toContain(`CodeGenie serves at ${server.url} only.`);
    expect(output).not.toContain(TOKEN);

    const health = await apiClient(server.url).get('/api/health');
    expect(health.status).toBe(200);
    expect(health.body).toMatchObject({
      status: 'ok',
      tunnel: { state: 'failed', reason: expect.any(String) },
    });
    expect(output).toContain(health.body.tunnel.reason);
    expect(JSON.stringify(health.body)).not.toContain(TOKEN);
  });
});
