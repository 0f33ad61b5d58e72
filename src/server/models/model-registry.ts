import { tasksOf, type Catalogue, type ModelEntry } from './catalogue.js';
import type { ModelListing } from '../../shared/models.schemas.js';
import { ModelNotFoundError } from './model-errors.js';
import { takesFollowUps } from './prompt-formats.js';
import type { ModelDetails, ModelProvider } from './provider.port.js';

/** Creates the providers of these kinds (the factory in models/index.ts); used by reload(). */
export type ProviderFactory = (
  kinds: ReadonlySet<ModelEntry['provider']>,
) => Promise<Partial<Record<ModelEntry['provider'], ModelProvider>>>;

/** What a catalogue reload changed, by model id. */
export interface CatalogueChange {
  added: string[];
  removed: string[];
  changed: string[];
}

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
  private current: Catalogue;
  private started = false;
  /** When the catalogue in use was read (start-up or the last reload). */
  loadedAt = new Date();

  constructor(
    catalogue: Catalogue,
    private readonly providers: Partial<Record<ModelEntry['provider'], ModelProvider>>,
    /** Creates providers for kinds a reloaded catalogue brings; without it such a reload is refused. */
    private readonly makeProviders?: ProviderFactory,
  ) {
    this.current = catalogue;
  }

  /** The catalogue in use; a reload replaces it (runs in progress keep the entry they started with). */
  get catalogue(): Catalogue {
    return this.current;
  }

  /**
   * Puts a new catalogue in use without a restart (POST /api/admin/models/reload).
   * Providers for kinds the old one lacked are created; providers stay for
   * kinds it drops (runs may be using them). Requests look models up anew, so
   * new runs see the new entries at once; runs in progress hold their own
   * entry and go on undisturbed. Added and changed models start their
   * background checks; the providers drop those of removed ones (retain).
   */
  async replaceCatalogue(catalogue: Catalogue): Promise<CatalogueChange> {
    const missing = new Set(catalogue.models.map((m) => m.provider).filter((kind) => !this.providers[kind]));
    if (missing.size > 0) {
      if (!this.makeProviders) {
        throw new Error(`no provider factory for ${[...missing].join(', ')}`);
      }
      Object.assign(this.providers, await this.makeProviders(missing));
    }
    const before = new Map(this.current.models.map((m) => [m.id, JSON.stringify(m)]));
    const after = new Set(catalogue.models.map((m) => m.id));
    const change: CatalogueChange = {
      added: catalogue.models.filter((m) => !before.has(m.id)).map((m) => m.id),
      removed: [...before.keys()].filter((id) => !after.has(id)),
      changed: catalogue.models
        .filter((m) => before.has(m.id) && before.get(m.id) !== JSON.stringify(m))
        .map((m) => m.id),
    };
    this.current = catalogue;
    this.loadedAt = new Date();
    for (const [kind, provider] of Object.entries(this.providers)) {
      provider.retain?.(catalogue.models.filter((m) => m.provider === kind));
    }
    if (this.started) {
      const fresh = new Set([...change.added, ...change.changed]);
      this.startModels(catalogue.models.filter((m) => fresh.has(m.id)));
    }
    return change;
  }

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

  /** The catalogue's models with their live status (GET /api/models). */
  list(): ModelListing[] {
    return this.catalogue.models.map((m) => this.listingOf(m));
  }

  /** Each model's listing with where it runs and its last failure: administrators only. */
  details(): (ModelListing & ModelDetails)[] {
    return this.catalogue.models.map((m) => ({
      ...this.listingOf(m),
      url: null,
      file: null,
      lastError: null,
      ...this.providerFor(m).details?.(m),
    }));
  }

  private listingOf(m: ModelEntry): ModelListing {
    return {
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
    };
  }

  /** Lets each provider begin its background work (status checks); returns at once. */
  start(): void {
    this.started = true;
    this.startModels(this.catalogue.models);
  }

  private startModels(models: readonly ModelEntry[]): void {
    for (const [kind, provider] of Object.entries(this.providers)) {
      provider.start?.(models.filter((m) => m.provider === kind));
    }
  }

  async close(): Promise<void> {
    await Promise.all(Object.values(this.providers).map((p) => p.close()));
  }
}
