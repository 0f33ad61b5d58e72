import type { Clock } from '../clock.js';
import type { Logger } from '../logger.js';
import type { Config } from '../config.js';
import { loadCatalogue, type Catalogue, type ModelEntry } from './catalogue.js';
import { ModelRegistry, type ProviderFactory } from './model-registry.js';
import type { LocalProviderOptions } from './local/local.provider.js';
import type { StatusCheckOptions } from './openai-compatible/openai-status.js';
import type { ModelProvider } from './provider.port.js';

/** The local engine's settings from config (shared by the server and `npm run models`). */
export function localProviderOptions(
  config: Pick<Config, 'models'>,
  log: Logger,
  env: Record<string, string | undefined> = process.env,
): LocalProviderOptions {
  return {
    modelsDir: config.models.dir,
    autoDownload: config.models.autoDownload,
    memoryBudgetBytes: config.models.memoryBudgetBytes,
    gpu: config.models.gpu,
    parallel: config.models.parallel,
    queueLength: config.models.queueLength,
    firstTokenTimeoutMs: config.models.timeouts.firstTokenLocalMs,
    idleTimeoutMs: config.models.timeouts.idleMs,
    download: { connectTimeoutMs: config.models.timeouts.connectMs, hfToken: env.HF_TOKEN },
    log,
  };
}

/**
 * Builds the model registry: the catalogue (MODELS_FILE or the shipped one)
 * and one provider per kind it uses. The local engine is imported only when
 * a local model is listed, so remote-only installs never load llama.cpp.
 */
export async function createModelRegistry(
  config: Pick<Config, 'models'>,
  log: Logger,
  options: {
    /** Default: MODELS_FILE or the shipped catalogue. */
    catalogue?: Catalogue;
    /** Where API keys and HF_TOKEN are read; default process.env. */
    env?: Record<string, string | undefined>;
    /** When remote servers found unavailable are checked again; tests make it short. */
    statusChecks?: Partial<StatusCheckOptions>;
    /** When a replica that refused a connection is tried again; default the system clock. */
    clock?: Clock;
  } = {},
): Promise<ModelRegistry> {
  const { catalogue = loadCatalogue(config.models.file), env = process.env, statusChecks, clock } = options;
  const makeProviders: ProviderFactory = async (kinds) => {
    const providers: Partial<Record<ModelEntry['provider'], ModelProvider>> = {};
    if (kinds.has('local')) {
      const { LocalProvider } = await import('./local/local.provider.js');
      providers.local = new LocalProvider(localProviderOptions(config, log, env));
    }
    if (kinds.has('openai-compatible')) {
      const { OpenAiCompatibleProvider } = await import('./openai-compatible/openai.provider.js');
      providers['openai-compatible'] = new OpenAiCompatibleProvider({
        timeouts: {
          connectMs: config.models.timeouts.connectMs,
          firstTokenMs: config.models.timeouts.firstTokenRemoteMs,
          idleMs: config.models.timeouts.idleMs,
        },
        env,
        log,
        statusChecks,
        clock,
      });
    }
    return providers;
  };
  const providers = await makeProviders(new Set(catalogue.models.map((m) => m.provider)));
  log.info(
    { catalogue: catalogue.file, models: catalogue.models.map((m) => `${m.id} (${m.provider})`) },
    `models: ${catalogue.models.length} in the catalogue, default ${catalogue.defaultModel}`,
  );
  return new ModelRegistry(catalogue, providers, makeProviders);
}
