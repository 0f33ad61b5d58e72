import { tasksOf, type Catalogue, type ModelEntry } from './catalogue.js';
import type { ModelListing } from '../../shared/models.schemas.js';
import { ModelNotFoundError } from './model-errors.js';
import { takesFollowUps } from './prompt-formats.js';
import type { ModelProvider } from './provider.port.js';

/** A catalogue entry with its live status, as GET /api/models lists it. */
export type { ModelListing } from '../../shared/models.schemas.js';

/** Defaults when neither the request nor the catalogue entry gives a value. */
export const GENERATION_DEFAULTS = {
  temperature: 0.2,
  maxTokens: 512,
  topP: 0.95,
  contextLength: 4096,
} as const;

/** The catalogue and the provider of each of its models. */
export class ModelRegistry {
  constructor(
    readonly catalogue: Catalogue,
    private readonly providers: Partial<Record<ModelEntry['provider'], ModelProvider>>,
  ) {}

  /** The entry for `id`, or the default model; ModelNotFoundError when unknown. */
  get(id: string | undefined): ModelEntry {
    const wanted = id ?? this.catalogue.defaultModel;
    const entry = this.catalogue.models.find((m) => m.id === wanted);
    if (!entry) {
      throw new ModelNotFoundError(wanted);
    }
    return entry;
  }

  providerFor(model: ModelEntry): ModelProvider {
    const provider = this.providers[model.provider];
    if (!provider) {
      // The factory creates a provider for every kind in the catalogue.
      throw new Error(`no provider for ${model.provider}`);
    }
    return provider;
  }

  /** The sampling defaults of a model. */
  defaultsOf(model: ModelEntry): ModelListing['defaults'] {
    return {
      temperature: model.defaults?.temperature ?? GENERATION_DEFAULTS.temperature,
      maxTokens: model.defaults?.maxTokens ?? GENERATION_DEFAULTS.maxTokens,
      topP: model.defaults?.topP ?? GENERATION_DEFAULTS.topP,
    };
  }

  /** The largest maxTokens a request may ask of this model. */
  maxTokensOf(model: ModelEntry): number {
    return model.contextLength ?? GENERATION_DEFAULTS.contextLength;
  }

  list(): ModelListing[] {
    return this.catalogue.models.map((m) => ({
      id: m.id,
      name: m.name,
      description: m.description ?? '',
      provider: m.provider,
      format: m.format,
      tasks: tasksOf(m),
      followUps: takesFollowUps(m.format),
      contextLength: m.contextLength ?? null,
      defaults: this.defaultsOf(m),
      isDefault: m.id === this.catalogue.defaultModel,
      downloadSize: m.provider === 'local' ? (m.size ?? null) : null,
      ...this.providerFor(m).status(m),
    }));
  }

  /** Lets each provider begin its background work (status checks); returns at once. */
  start(): void {
    for (const [kind, provider] of Object.entries(this.providers)) {
      provider.start?.(this.catalogue.models.filter((m) => m.provider === kind));
    }
  }

  async close(): Promise<void> {
    await Promise.all(Object.values(this.providers).map((p) => p.close()));
  }
}
