import { afterEach, describe, expect, it } from 'vitest';
import {
  startOpenAiServer,
  type OpenAiStep,
  type OpenAiTestServer,
} from '../../../../test/helpers/openai-server.js';
import { captureLog } from '../../../../test/helpers/capture-log.js';
import { secret } from '../../../../test/helpers/secrets.js';
import { MESSAGES } from '../../../shared/messages.js';
import type { OpenAiModelEntry } from '../catalogue.js';
import { ProviderAuthError, ProviderError } from '../model-errors.js';
import type { Chunk, GenerationRequest, ModelStatus } from '../provider.port.js';
import { OpenAiCompatibleProvider, type OpenAiProviderOptions } from './openai.provider.js';

/**
 * The status of remote models against a real server: GET /v1/models at
 * start, after failed generations, and while unavailable.
 */

const API_KEY = secret('hf_status_0123456789abcdefSECRETKEY');

const { log, lines: logLines } = captureLog('debug', 'openai-status');

/** Servers and providers of the current test, stopped after it. */
const servers: OpenAiTestServer[] = [];
const providers: OpenAiCompatibleProvider[] = [];
afterEach(async () => {
  await Promise.all(providers.splice(0).map((p) => p.close()));
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

async function upstream(options: Parameters<typeof startOpenAiServer>[0] = {}): Promise<OpenAiTestServer> {
  const server = await startOpenAiServer(options);
  servers.push(server);
  return server;
}

function provider(overrides: Partial<OpenAiProviderOptions> = {}): OpenAiCompatibleProvider {
  const created = new OpenAiCompatibleProvider({
    timeouts: { connectMs: 300, firstTokenMs: 1000, idleMs: 1000 },
    retry: { attempts: 2, baseDelayMs: 10 },
    env: {},
    log,
    // Long by default, so a test sees only the checks it causes.
    statusChecks: { recheckMs: 60_000, maxRecheckMs: 60_000 },
    ...overrides,
  });
  providers.push(created);
  return created;
}

function model(baseUrl: string, overrides: Partial<OpenAiModelEntry> = {}): OpenAiModelEntry {
  return {
    id: 'remote-coder',
    name: 'Remote Coder',
    provider: 'openai-compatible',
    format: 'chat',
    baseUrl,
    model: 'org/coder-7b',
    ...overrides,
  };
}

function request(m: OpenAiModelEntry): GenerationRequest {
  return {
    model: m,
    input: { style: 'chat', messages: [{ role: 'user', content: 'Add two numbers.' }] },
    params: { temperature: 0.2, maxTokens: 64, topP: 0.9, stop: [] },
    signal: new AbortController().signal,
  };
}

/** The error a generation ends with (undefined when it completes). */
async function failure(stream: AsyncIterable<Chunk>): Promise<unknown> {
  const chunks: Chunk[] = [];
  try {
    for await (const chunk of stream) {
      chunks.push(chunk);
    }
  } catch (error) {
    return error;
  }
  return undefined;
}

/** A port nothing listens on (a server started and stopped). */
async function deadBaseUrl(): Promise<{ baseUrl: string; port: number }> {
  const gone = await startOpenAiServer();
  await gone.close();
  return { baseUrl: gone.baseUrl, port: gone.port };
}

const logSince = (from: number): string => logLines.slice(from).join('');

describe('OpenAiCompatibleProvider: status checks at start', () => {
  it('checks each server once in the background, with the API key, and shows which models it serves', async () => {
    const server = await upstream({ apiKey: API_KEY, models: ['org/coder-7b', 'org/other'] });
    const p = provider({ env: { HF_TOKEN: API_KEY } });
    const served = model(server.baseUrl, { apiKeyEnv: 'HF_TOKEN' });
    const missing = model(server.baseUrl, { id: 'missing', model: 'org/retired-3b', apiKeyEnv: 'HF_TOKEN' });
    p.start([served, missing]);
    // start() returned before any answer: no verdict yet, so no reason to refuse anyone.
    expect(p.status(missing)).toEqual({ status: 'ready' });
    await p.checksSettled();
    expect(p.status(served)).toEqual({ status: 'ready' });
    expect(p.status(missing)).toEqual({
      status: 'unavailable',
      reason: 'The model server does not serve org/retired-3b.',
    });
    expect(server.listRequests).toHaveLength(1);
    expect(server.listRequests[0]?.path).toBe('/v1/models');
    expect(server.listRequests[0]?.headers.authorization).toBe(`Bearer ${API_KEY}`);
    expect(server.requests).toHaveLength(0);
  });

  // [test, the models the server lists (none: it has no list, 404), what GET /v1/models answers, the status]
  it.each<[string, string[] | undefined, OpenAiStep | undefined, ModelStatus]>([
    ['counts a server without a model list (404) as reachable', undefined, undefined, { status: 'ready' }],
    [
      'says the server answers with errors on 5xx',
      ['org/coder-7b'],
      { type: 'error', status: 502, message: 'upstream connect error' },
      { status: 'unavailable', reason: MESSAGES.modelServerFailing },
    ],
    [
      'keeps a model ready when the list is not JSON',
      ['org/coder-7b'],
      { type: 'raw', body: '<html>Welcome</html>', contentType: 'text/html' },
      { status: 'ready' },
    ],
  ])('%s', async (_test, models, list, status) => {
    const server = await upstream(models === undefined ? {} : { models });
    if (list !== undefined) {
      server.scriptModelList([list]);
    }
    const p = provider();
    p.start([model(server.baseUrl)]);
    await p.checksSettled();
    expect(server.listRequests).toHaveLength(1);
    expect(p.status(model(server.baseUrl))).toEqual(status);
  });

  it('says the server cannot be reached without naming it; the log has the URL and the cause', async () => {
    const { baseUrl, port } = await deadBaseUrl();
    const before = logLines.length;
    const p = provider();
    p.start([model(baseUrl)]);
    await p.checksSettled();
    const status = p.status(model(baseUrl));
    expect(status).toEqual({ status: 'unavailable', reason: MESSAGES.modelServerUnreachable });
    expect(status.reason).not.toContain('127.0.0.1');
    expect(status.reason).not.toContain(String(port));
    expect(logSince(before)).toContain(`"url":"${baseUrl}"`);
    expect(logSince(before)).toContain('ECONNREFUSED');
  });

  it('counts a server that does not answer within the connect timeout as unreachable', async () => {
    const server = await upstream({ models: ['org/coder-7b'] });
    server.scriptModelList([{ type: 'hang' }]);
    const p = provider();
    p.start([model(server.baseUrl)]);
    await p.checksSettled();
    expect(p.status(model(server.baseUrl))).toEqual({
      status: 'unavailable',
      reason: MESSAGES.modelServerUnreachable,
    });
    await server.listRequests[0]?.ended;
    expect(server.listRequests[0]?.outcome).toBe('client-closed');
  });

  it('says the server refused the API key, and never logs the key', async () => {
    const server = await upstream({ apiKey: 'the-right-key', models: ['org/coder-7b'] });
    const before = logLines.length;
    const p = provider({ env: { HF_TOKEN: API_KEY } });
    const m = model(server.baseUrl, { apiKeyEnv: 'HF_TOKEN' });
    p.start([m]);
    await p.checksSettled();
    expect(p.status(m)).toEqual({ status: 'unavailable', reason: MESSAGES.modelServerRefusedKey });
    expect(logSince(before)).toContain('"status":401');
    expect(logSince(before)).not.toContain(API_KEY);
  });

  it('close() ends a check under way', async () => {
    const server = await upstream({ models: ['org/coder-7b'] });
    server.scriptModelList([{ type: 'hang' }]);
    const p = provider({ timeouts: { connectMs: 60_000, firstTokenMs: 1000, idleMs: 1000 } });
    p.start([model(server.baseUrl)]);
    await expect.poll(() => server.listRequests.length).toBe(1);
    const seen = server.listRequests[0];
    await p.close();
    await seen?.ended;
    expect(seen?.outcome).toBe('client-closed');
  });
});

describe('OpenAiCompatibleProvider: status after failures', () => {
  it('checks again after a generation cannot connect, keeps checking, and is ready once the server is back', async () => {
    const { baseUrl, port } = await deadBaseUrl();
    const m = model(baseUrl);
    const p = provider({ statusChecks: { recheckMs: 20, maxRecheckMs: 80 } });
    const before = logLines.length;
    // Never started: the failed generation alone makes it look.
    const error = await failure(p.generate(request(m)));
    expect(error).toBeInstanceOf(ProviderError);
    await expect.poll(() => p.status(m).status).toBe('unavailable');
    expect(p.status(m).reason).toBe(MESSAGES.modelServerUnreachable);
    // It keeps looking (logged at debug level), but says so at warn level once.
    await expect
      .poll(() => logSince(before).split('model server check: no change').length - 1)
      .toBeGreaterThanOrEqual(2);

    const back = await upstream({ port, models: ['org/coder-7b'] });
    await expect.poll(() => p.status(m).status).toBe('ready');
    expect(back.listRequests.length).toBeGreaterThanOrEqual(1);
    const lines = logSince(before);
    expect(lines.split('model server unreachable; its models are unavailable').length - 1).toBe(1);
    expect(lines.split('model server reachable again; its models are ready').length - 1).toBe(1);
  });

  it('checks again after the server refuses the key during a generation', async () => {
    const server = await upstream({ apiKey: 'the-right-key', models: ['org/coder-7b'] });
    const p = provider({ env: { HF_TOKEN: API_KEY } });
    const m = model(server.baseUrl, { apiKeyEnv: 'HF_TOKEN' });
    expect(await failure(p.generate(request(m)))).toBeInstanceOf(ProviderAuthError);
    await expect
      .poll(() => p.status(m))
      .toEqual({ status: 'unavailable', reason: MESSAGES.modelServerRefusedKey });
  });

  it('checks again after a generation fails with 5xx (and the list shows the server is still there)', async () => {
    const server = await upstream({ models: ['org/coder-7b'] });
    // Failures may ask for a check as soon as 1 ms after the last one.
    const p = provider({ statusChecks: { recheckMs: 1, maxRecheckMs: 60_000 } });
    const m = model(server.baseUrl);
    p.start([m]);
    await p.checksSettled();
    server.script(() => ({ type: 'error', status: 503, message: 'overloaded' }));
    expect(await failure(p.generate(request(m)))).toBeInstanceOf(ProviderError);
    await expect.poll(() => server.listRequests.length).toBe(2);
    await p.checksSettled();
    expect(p.status(m)).toEqual({ status: 'ready' });
  });
});
