import { InvalidCatalogueError, InvalidInputError } from '../errors.js';
import type { Logger } from '../logger.js';
import { CatalogueError, loadCatalogue, type ModelEntry } from '../models/catalogue.js';
import type { ModelRegistry } from '../models/model-registry.js';
import type { ModelProvider } from '../models/provider.port.js';
import { MESSAGES } from '../../shared/messages.js';
import type {
  AdminModelList,
  CatalogueReload,
  PullDone,
  PullProgress,
} from '../../shared/admin-models.schemas.js';

/** How often a pull looks at the model's status for the phase (downloading, verifying). */
const PULL_SAMPLE_MS = 250;

/**
 * The Admin page's models: each model's status with where it runs and its
 * last failure (hosts and URLs, which users never see), a reload of the
 * catalogue file without a restart, and pulling a local model with progress.
 */
export class AdminModelsService {
  constructor(
    private readonly deps: {
      models: ModelRegistry;
      log: Logger;
      /** Reads the catalogue file; default loadCatalogue (tests may pass another reader). */
      read?: (file: string) => ReturnType<typeof loadCatalogue>;
    },
  ) {}

  list(): AdminModelList {
    const { models } = this.deps;
    return {
      catalogueFile: models.catalogue.file,
      loadedAt: models.loadedAt.toISOString(),
      models: models.details().map(({ lastError, url, ...rest }) => ({
        ...rest,
        url,
        host: hostOf(url),
        lastError: lastError === null ? null : { message: lastError.message, at: lastError.at.toISOString() },
      })),
    };
  }

  /**
   * Reads the catalogue file again and puts it in use. An unreadable or
   * invalid file throws InvalidCatalogueError (400, with every problem) and
   * the catalogue in use stays; runs in progress are never touched.
   */
  async reload(): Promise<CatalogueReload> {
    const { models, log } = this.deps;
    const file = models.catalogue.file;
    let catalogue;
    try {
      catalogue = (this.deps.read ?? loadCatalogue)(file);
    } catch (error) {
      if (error instanceof CatalogueError) {
        log.warn({ file, problems: error.problems }, 'catalogue reload refused: the file is invalid');
        throw new InvalidCatalogueError(file, error.problems);
      }
      throw error;
    }
    const change = await models.replaceCatalogue(catalogue);
    log.info({ file, ...change }, 'catalogue reloaded');
    return {
      catalogueFile: file,
      loadedAt: models.loadedAt.toISOString(),
      ...change,
      models: catalogue.models.map((m) => m.id),
    };
  }

  /** The model and its provider's download; ModelNotFoundError when unknown, InvalidInputError when not local. */
  checkPullable(id: string): {
    entry: ModelEntry;
    provider: ModelProvider;
    download: NonNullable<ModelProvider['download']>;
  } {
    const { models } = this.deps;
    const entry = models.get(id);
    const provider = models.providerFor(entry);
    if (entry.provider !== 'local' || provider.download === undefined) {
      throw new InvalidInputError(`${entry.name} ${MESSAGES.notLocalModel}`);
    }
    return { entry, provider, download: provider.download.bind(provider) };
  }

  /**
   * Downloads a local model's file now (or joins the download under way),
   * telling `onProgress` the bytes received and then the bytes verified;
   * resolves when the verified file is in place. The download goes on when
   * the caller stops listening. Throws InvalidInputError for a remote model,
   * ModelNotFoundError for an unknown id, and the downloader's detailed
   * error when the download fails.
   */
  async pull(id: string, onProgress: (progress: PullProgress) => void): Promise<PullDone> {
    const { entry, provider, download } = this.checkPullable(id);
    const alreadyPresent = provider.status(entry).status === 'ready';
    let last = '';
    const report = (progress: PullProgress): void => {
      const key = JSON.stringify(progress);
      if (key !== last) {
        last = key;
        onProgress(progress);
      }
    };
    // The status tells the phase: bytes arriving, then the sha256 check of the whole file.
    const sample = setInterval(() => {
      const status = provider.status(entry);
      if ((status.status === 'downloading' || status.status === 'verifying') && status.progress) {
        report({ phase: status.status, ...status.progress });
      }
    }, PULL_SAMPLE_MS);
    try {
      const file = await download(entry, (p) => {
        report({ phase: 'downloading', ...p });
      });
      return { modelId: entry.id, file, alreadyPresent };
    } finally {
      clearInterval(sample);
    }
  }
}

/** `host:port` of a URL (of each, for a list of replicas), or null. */
function hostOf(url: string | null): string | null {
  const hosts = (url ?? '').split(', ').flatMap((one) => {
    try {
      return [new URL(one).host];
    } catch {
      return [];
    }
  });
  return hosts.length > 0 ? hosts.join(', ') : null;
}
