import os from 'node:os';
import Fastify from 'fastify';
import type { LocalProviderOptions } from '../../src/server/models/local/local.provider.js';

const silent = Fastify({ logger: false }).log;

/**
 * Options for a LocalProvider on the tiny test models, `overrides` changed:
 * downloads on first use, room for a few tiny models, one generation at a
 * time with a short queue, generous time-outs for a busy machine, and no log.
 */
export function localProviderOptions(overrides: Partial<LocalProviderOptions> = {}): LocalProviderOptions {
  return {
    modelsDir: os.tmpdir(),
    autoDownload: true,
    memoryBudgetBytes: 256 * 1_048_576,
    gpu: 'off',
    parallel: 1,
    queueLength: 4,
    firstTokenTimeoutMs: 20_000,
    idleTimeoutMs: 10_000,
    log: silent,
    // One thread: two spinning llama.cpp threads on a busy two-core machine are slower.
    threads: 1,
    // Download servers in tests are on loopback: a stalled one fails in 2 s, and no HF_TOKEN of the developer's is sent.
    download: { connectTimeoutMs: 2_000, idleTimeoutMs: 2_000, hfToken: undefined },
    ...overrides,
  };
}

/** What `promise` rejects with; fails the test when it resolves instead. */
export async function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => {
      throw new Error('expected a rejection');
    },
    (error: unknown) => error,
  );
}
