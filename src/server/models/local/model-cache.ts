import fs from 'node:fs';
import type { Logger } from '../../logger.js';
import {
  getLlama,
  GgufInsights,
  LlamaLogLevel,
  readGgufFileInfo,
  type Llama,
  type LlamaContext,
  type LlamaModel,
} from 'node-llama-cpp';
import type { LocalModelEntry } from '../catalogue.js';
import { GENERATION_DEFAULTS } from '../model-registry.js';
import { ModelUnavailableError } from '../model-errors.js';

/** A loaded model in use by one generation; release() it when done. */
export interface ModelLease {
  llama: Llama;
  model: LlamaModel;
  /** One context with a sequence per parallel slot. */
  context: LlamaContext;
  release(): void;
}

/** What is loaded, for status and tests. */
export interface LoadedModelInfo {
  id: string;
  estimatedBytes: number;
  inUse: number;
}

interface Slot {
  id: string;
  file: string;
  estimatedBytes: number;
  model: LlamaModel;
  context: LlamaContext;
  inUse: number;
  lastUsed: number;
}

export interface ModelCacheOptions {
  memoryBudgetBytes: number;
  gpu: 'auto' | 'off';
  /** Sequences per context: the number of generations that may decode at once. */
  sequences: number;
  /** CPU threads per context; default: every math core but one. */
  threads?: number | undefined;
  log: Logger;
}

/**
 * Loaded models, kept within a memory budget: before a load, least recently
 * used models that no generation is using are unloaded until the newcomer
 * fits. A model's cost is estimated as its file size (the weights are
 * mapped) plus llama.cpp's estimate of its context (KV cache and buffers).
 */
export class ModelCache {
  private llama: Promise<Llama> | undefined;
  private readonly loaded = new Map<string, Slot>();
  private readonly loading = new Map<string, Promise<Slot>>();
  private readonly wanted = new Map<string, number>();
  private useCounter = 0;
  private closed = false;

  constructor(private readonly options: ModelCacheOptions) {}

  /** Loaded models, most recently used first. */
  list(): LoadedModelInfo[] {
    return [...this.loaded.values()]
      .sort((a, b) => b.lastUsed - a.lastUsed)
      .map((s) => ({ id: s.id, estimatedBytes: s.estimatedBytes, inUse: s.inUse }));
  }

  /** Loads (or reuses) the model in `file` and marks it in use. */
  async acquire(entry: LocalModelEntry, file: string): Promise<ModelLease> {
    const key = `${entry.id}\0${file}`;
    // Counted from the start, so an eviction never picks a model that a
    // request is about to use.
    this.wanted.set(key, (this.wanted.get(key) ?? 0) + 1);
    let held: Slot;
    let llama: Llama;
    try {
      this.assertOpen();
      llama = await this.getLlama();
      let slot = this.loaded.get(key);
      if (!slot) {
        let pending = this.loading.get(key);
        if (!pending) {
          pending = this.load(key, entry, file).finally(() => this.loading.delete(key));
          this.loading.set(key, pending);
        }
        slot = await pending;
      }
      // close() may have come while the model loaded.
      this.assertOpen();
      held = slot;
      held.inUse++;
      held.lastUsed = ++this.useCounter;
    } finally {
      const left = (this.wanted.get(key) ?? 1) - 1;
      if (left > 0) {
        this.wanted.set(key, left);
      } else {
        this.wanted.delete(key);
      }
    }
    let released = false;
    return {
      llama,
      model: held.model,
      context: held.context,
      release: () => {
        if (!released) {
          released = true;
          held.inUse--;
          void this.evict(0);
        }
      },
    };
  }

  /** Unloads every model and the llama.cpp backend. */
  async close(): Promise<void> {
    this.closed = true;
    await Promise.allSettled([...this.loading.values()]);
    const slots = [...this.loaded.values()];
    this.loaded.clear();
    for (const slot of slots) {
      await this.unload(slot);
    }
    if (this.llama) {
      const llama = await this.llama.catch(() => undefined);
      this.llama = undefined;
      await llama?.dispose();
    }
  }

  private assertOpen(): void {
    if (this.closed) {
      throw new ModelUnavailableError('The local models are shutting down.');
    }
  }

  /** The llama.cpp backend, started once; a failed start is retried by the next request. */
  private getLlama(): Promise<Llama> {
    this.llama ??= getLlama({
      gpu: this.options.gpu === 'off' ? false : 'auto',
      // Never compile llama.cpp or fetch binaries at run time: use the prebuilt ones.
      build: 'never',
      logLevel: LlamaLogLevel.warn,
      logger: (level, message) => {
        const text = message.trim();
        if (text === '') {
          return;
        }
        if (level === LlamaLogLevel.error || level === LlamaLogLevel.fatal) {
          this.options.log.error({ llamaCpp: true }, text);
        } else {
          this.options.log.warn({ llamaCpp: true }, text);
        }
      },
    }).catch((error: unknown) => {
      this.llama = undefined;
      throw new ModelUnavailableError(
        `The local engine (llama.cpp) could not start: ${error instanceof Error ? error.message : String(error)}`,
      );
    });
    return this.llama;
  }

  private async load(key: string, entry: LocalModelEntry, file: string): Promise<Slot> {
    const fail = (error: unknown): ModelUnavailableError =>
      new ModelUnavailableError(
        `${entry.name} could not be loaded: ${error instanceof Error ? error.message : String(error)}`,
      );
    let llama: Llama;
    let estimatedBytes: number;
    let contextSize: number;
    try {
      llama = await this.getLlama();
      const insights = await GgufInsights.from(await readGgufFileInfo(file, { logWarnings: false }), llama);
      contextSize = Math.min(
        entry.contextLength ?? GENERATION_DEFAULTS.contextLength,
        insights.trainContextSize ?? Number.MAX_SAFE_INTEGER,
      );
      const contextCost = await insights.estimateContextResourceRequirementsV2({
        contextSize,
        modelGpuLayers: 0,
        sequences: this.options.sequences,
      });
      estimatedBytes = fs.statSync(file).size + contextCost.cpuRam + contextCost.gpuVram;
    } catch (error) {
      throw fail(error);
    }
    const budget = this.options.memoryBudgetBytes;
    if (estimatedBytes > budget) {
      throw new ModelUnavailableError(
        `${entry.name} needs about ${mb(estimatedBytes)} MB of memory, more than the models may use (MODELS_MEMORY_BUDGET_MB=${mb(budget)}).`,
      );
    }
    await this.evict(estimatedBytes);
    if (this.usedBytes() + estimatedBytes > budget) {
      // Only models in use are left: go over the budget for a while rather
      // than stall this request; release() unloads them when they are done.
      this.options.log.warn(
        { model: entry.id, usedMb: mb(this.usedBytes()), budgetMb: mb(budget) },
        'loading a model beyond the memory budget while other models are in use',
      );
    }
    const started = Date.now();
    let model: LlamaModel | undefined;
    try {
      model = await llama.loadModel({ modelPath: file, metadataOverrides: loadOverrides(entry) });
      const context = await model.createContext({
        contextSize,
        sequences: this.options.sequences,
        // Default: every math core but one. The HTTP server shares the machine,
        // and llama.cpp's threads spin-wait for each other: on a busy two-core
        // machine two threads decoded the test model 50 times slower than one.
        threads: this.options.threads ?? Math.max(1, llama.cpuMathCores - 1),
      });
      const slot: Slot = { id: entry.id, file, estimatedBytes, model, context, inUse: 0, lastUsed: 0 };
      this.loaded.set(key, slot);
      this.options.log.info(
        {
          model: entry.id,
          ms: Date.now() - started,
          contextSize: context.contextSize,
          estimatedMb: mb(estimatedBytes),
        },
        'local model loaded',
      );
      return slot;
    } catch (error) {
      await model?.dispose();
      if (model === undefined && entry.preTokenizer !== undefined) {
        // llama.cpp refuses a pre-tokenizer name it does not know, and says why only in its log.
        throw new ModelUnavailableError(
          `${entry.name} could not be loaded: ${error instanceof Error ? error.message : String(error)}. Check its preTokenizer "${entry.preTokenizer}" in the catalogue: llama.cpp may not know that name.`,
        );
      }
      throw fail(error);
    }
  }

  /** Unloads idle models, least recently used first, until `incoming` more bytes fit. */
  private async evict(incoming: number): Promise<void> {
    const idle = [...this.loaded.entries()].sort(([, a], [, b]) => a.lastUsed - b.lastUsed);
    for (const [key, slot] of idle) {
      if (this.usedBytes() + incoming <= this.options.memoryBudgetBytes) {
        return;
      }
      if (slot.inUse > 0 || this.wanted.has(key) || this.loaded.get(key) !== slot) {
        continue;
      }
      this.loaded.delete(key);
      this.options.log.info({ model: slot.id }, 'unloading the least recently used local model');
      await this.unload(slot);
    }
  }

  private usedBytes(): number {
    let total = 0;
    for (const slot of this.loaded.values()) {
      total += slot.estimatedBytes;
    }
    return total;
  }

  private async unload(slot: Slot): Promise<void> {
    try {
      await slot.context.dispose();
      await slot.model.dispose();
    } catch (error) {
      this.options.log.warn({ err: error, model: slot.id }, 'unloading a local model failed');
    }
  }
}

/**
 * GGUF metadata CodeGenie sets at load: BOS is never added behind our back
 * (each prompt format puts it where its model card does), and files
 * converted before llama.cpp recorded the pre-tokenizer get the one the
 * catalogue names. llama.cpp reads both keys through its override table.
 */
export function loadOverrides(entry: LocalModelEntry): {
  tokenizer: { ggml: { add_bos_token: boolean; pre?: string } };
} {
  return {
    tokenizer: {
      ggml: {
        add_bos_token: false,
        ...(entry.preTokenizer === undefined ? {} : { pre: entry.preTokenizer }),
      },
    },
  };
}

function mb(bytes: number): number {
  return Math.round(bytes / 1_048_576);
}
