import type { Logger } from '../../logger.js';
import { AppError } from '../../errors.js';
import type { LocalModelEntry, ModelEntry } from '../catalogue.js';
import {
  GenerationCancelledError,
  ModelUnavailableError,
  ProviderError,
  ProviderTimeoutError,
} from '../model-errors.js';
import type {
  Chunk,
  DownloadProgress,
  GenerationRequest,
  ModelDetails,
  ModelFailure,
  ModelProvider,
  ModelStatus,
} from '../provider.port.js';
import { latestFailure } from '../model-failure.js';
import { untilAborted } from './abortable.js';
import { AsyncQueue } from './async-queue.js';
import { GenerationQueue } from './generation-queue.js';
import { runGeneration, type GenerationUsage } from './local-generation.js';
import { LocalFiles } from './local-files.js';
import { ModelCache, type LoadedModelInfo, type ModelLease } from './model-cache.js';

export interface LocalProviderOptions {
  /** Where downloaded GGUF files go (config.models.dir). */
  modelsDir: string;
  /** Download a missing file on first use; otherwise the model is unavailable until pulled. */
  autoDownload: boolean;
  /** Loaded models together stay under this estimate; the least recently used idle one is unloaded. */
  memoryBudgetBytes: number;
  gpu: 'auto' | 'off';
  /** Generations decoding at once (sequences per context). */
  parallel: number;
  /** Generations waiting for a slot; beyond it generate() throws ModelBusyError. */
  queueLength: number;
  /** From taking a slot to the first token, loading the model included. */
  firstTokenTimeoutMs: number;
  /** Longest silence between two tokens. */
  idleTimeoutMs: number;
  log: Logger;
  /** CPU threads per context; default: every math core but one (see ModelCache). */
  threads?: number;
  /** Download timeouts and token; defaults: 30 s to connect, 60 s of silence, process.env.HF_TOKEN. */
  download?: { connectTimeoutMs?: number; idleTimeoutMs?: number; hfToken?: string | undefined };
  /** How long the start-up check waits for a download host to answer (default 5 s). */
  probeTimeoutMs?: number;
}

/**
 * In-process inference of GGUF models with node-llama-cpp. Files are
 * downloaded on first use (or with `npm run models -- pull <id>`) and used
 * only once they match their pinned size and sha256 (local-files.ts);
 * loaded models are cached within a memory budget, and generations share a
 * bounded queue of `parallel` decoding slots.
 */
export class LocalProvider implements ModelProvider {
  readonly kind = 'local' as const;
  private readonly files: LocalFiles;
  private readonly cache: ModelCache;
  private readonly queue: GenerationQueue;
  /** Running generations: how to stop each, and when it has stopped. */
  private readonly running = new Map<AbortController, Promise<unknown>>();
  /** Why a model could not be loaded last time, by model id. */
  private readonly loadFailures = new Map<string, string>();
  /** The last load or generation failure in full, for administrators, by model id. */
  private readonly lastErrors = new Map<string, ModelFailure>();
  private closed = false;

  constructor(private readonly options: LocalProviderOptions) {
    this.files = new LocalFiles(options);
    this.cache = new ModelCache({
      memoryBudgetBytes: options.memoryBudgetBytes,
      gpu: options.gpu,
      sequences: options.parallel,
      threads: options.threads,
      log: options.log,
    });
    this.queue = new GenerationQueue(options.parallel, options.queueLength);
  }

  /** A full queue is refused before the run is saved or streamed (503 busy). */
  admit(): void {
    this.queue.checkRoom();
  }

  /**
   * Start-up of the server (not of the CLI): logs which local models are
   * present and which are missing, then checks their files and download
   * hosts in the background (local-startup.ts). Returns at once.
   */
  start(models: readonly ModelEntry[]): void {
    this.files.startChecks(models.filter((m) => m.provider === 'local'));
  }

  /** Resolves when the start-up checks (and any file check queued so far) are done. */
  checked(): Promise<void> {
    return this.files.checked();
  }

  /** A snapshot for GET /api/models: stats files, never reads them. */
  status(entry: ModelEntry): ModelStatus {
    if (entry.provider !== 'local') {
      return { status: 'unavailable', reason: 'Not a local model.' };
    }
    const status = this.files.status(entry);
    const failure = this.loadFailures.get(entry.id);
    return status.status === 'ready' && failure !== undefined
      ? { status: 'unavailable', reason: failure }
      : status;
  }

  /** Checks the model's file against its pin without downloading (adopting an older download); its path or null. */
  checkFile(entry: LocalModelEntry): Promise<string | null> {
    return this.files.check(entry);
  }

  /** Where the model's file is or goes: its pinned name in MODELS_DIR for a download. */
  filePath(entry: LocalModelEntry): string {
    return this.files.filePath(entry);
  }

  /**
   * Downloads the model's file unless a verified one is there; resolves
   * with its path. Throws the downloader's detailed error (for
   * `npm run models -- pull`); the status keeps a reason fit for users.
   */
  download(entry: LocalModelEntry, onProgress?: (p: DownloadProgress) => void): Promise<string> {
    return this.files.download(entry, onProgress);
  }

  /** Where the model comes from and its last failure (download, load or generation), for administrators. */
  details(entry: ModelEntry): ModelDetails {
    if (entry.provider !== 'local') {
      return { url: null, file: null, lastError: null };
    }
    const files = this.files.details(entry);
    return { ...files, lastError: latestFailure(this.lastErrors.get(entry.id), files.lastError) };
  }

  /** Loaded models, most recently used first. */
  loadedModels(): LoadedModelInfo[] {
    return this.cache.list();
  }

  async *generate(request: GenerationRequest): AsyncGenerator<Chunk> {
    this.assertOpen();
    if (request.signal.aborted) {
      throw new GenerationCancelledError();
    }
    const entry = request.model;
    if (entry.provider !== 'local') {
      throw new ModelUnavailableError(`${entry.name} is not a local model.`);
    }
    const file = await this.files.ensure(entry, request.signal);
    const release = await this.queue.acquire(request.signal);
    try {
      // close() may have come while this request waited.
      this.assertOpen();
      yield* this.decode(entry, file, request);
    } finally {
      release();
    }
  }

  /** Stops every generation and download (partial files stay), unloads the models. */
  async close(): Promise<void> {
    this.closed = true;
    this.queue.rejectAll(new ModelUnavailableError('The local models are shutting down.'));
    for (const controller of this.running.keys()) {
      controller.abort();
    }
    // Decoding must have stopped before its model is disposed.
    await Promise.allSettled(this.running.values());
    await this.files.close();
    await this.cache.close();
  }

  private assertOpen(): void {
    if (this.closed) {
      throw new ModelUnavailableError('The local models are shutting down.');
    }
  }

  private async *decode(
    entry: LocalModelEntry,
    file: string,
    request: GenerationRequest,
  ): AsyncGenerator<Chunk> {
    const { firstTokenTimeoutMs, idleTimeoutMs } = this.options;
    const controller = new AbortController();
    const onAbort = (): void => {
      controller.abort();
    };
    request.signal.addEventListener('abort', onAbort, { once: true });
    let timeout: ProviderTimeoutError | undefined;
    let timer: NodeJS.Timeout | undefined;
    const arm = (ms: number, message: string): void => {
      clearTimeout(timer);
      timer = setTimeout(() => {
        timeout = new ProviderTimeoutError(message);
        controller.abort();
      }, ms);
    };
    arm(firstTokenTimeoutMs, `${entry.name} gave no first token within ${seconds(firstTokenTimeoutMs)} s.`);

    const pieces = new AsyncQueue<string, GenerationUsage>();
    const run = (async () => {
      const lease: ModelLease = await untilAborted(
        this.cache.acquire(entry, file),
        controller.signal,
        (late) => {
          late.release();
        },
      );
      try {
        this.loadFailures.delete(entry.id);
        return await runGeneration({
          lease,
          request,
          signal: controller.signal,
          onText: (text) => {
            if (text !== '') {
              arm(idleTimeoutMs, `${entry.name} went silent for ${seconds(idleTimeoutMs)} s.`);
              pieces.push(text);
            }
          },
        });
      } finally {
        lease.release();
      }
    })();
    // Once decoding is over, a slow reader of the remaining text is no silence.
    run.then(
      (usage) => {
        clearTimeout(timer);
        pieces.end(usage);
      },
      (error: unknown) => {
        clearTimeout(timer);
        pieces.fail(error);
      },
    );
    this.running.set(controller, run);

    let finished = false;
    try {
      for (;;) {
        const next = await pieces.next();
        if (controller.signal.aborted) {
          // Cancelled or timed out: text decoded meanwhile is not handed out.
          throw new GenerationCancelledError();
        }
        if (next.done) {
          finished = true;
          yield {
            type: 'usage',
            promptTokens: next.value.promptTokens,
            completionTokens: next.value.completionTokens,
          };
          return;
        }
        yield { type: 'token', text: next.item };
      }
    } catch (error) {
      throw this.translate(error, entry, request.signal, timeout);
    } finally {
      clearTimeout(timer);
      if (!finished) {
        // The consumer stopped early or failed: stop decoding before the slot is released.
        controller.abort();
      }
      await run.catch(() => undefined);
      request.signal.removeEventListener('abort', onAbort);
      this.running.delete(controller);
    }
  }

  private translate(
    error: unknown,
    entry: LocalModelEntry,
    signal: AbortSignal,
    timeout: ProviderTimeoutError | undefined,
  ): Error {
    if (timeout) {
      return timeout;
    }
    if (signal.aborted) {
      return new GenerationCancelledError();
    }
    if (this.closed) {
      return new ModelUnavailableError('The local models are shutting down.');
    }
    if (error instanceof GenerationCancelledError) {
      return error;
    }
    if (error instanceof ModelUnavailableError) {
      this.loadFailures.set(entry.id, error.message);
      this.lastErrors.set(entry.id, { message: error.message, at: new Date() });
      return error;
    }
    if (error instanceof AppError) {
      return error;
    }
    this.options.log.error({ err: error, model: entry.id }, 'local generation failed');
    this.lastErrors.set(entry.id, { message: messageOf(error), at: new Date() });
    return new ProviderError(`${entry.name} failed while generating: ${messageOf(error)}`);
  }
}

function seconds(ms: number): number {
  return ms / 1000;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
