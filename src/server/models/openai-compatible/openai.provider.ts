import { setTimeout as sleep } from 'node:timers/promises';
import { systemClock, type Clock } from '../../clock.js';
import type { Logger } from '../../logger.js';
import type { ModelEntry, OpenAiModelEntry } from '../catalogue.js';
import {
  GenerationCancelledError,
  ModelUnavailableError,
  ProviderError,
  ProviderRateLimitedError,
} from '../model-errors.js';
import { latestFailure } from '../model-failure.js';
import type {
  Chunk,
  GenerationRequest,
  ModelDetails,
  ModelFailure,
  ModelProvider,
  ModelStatus,
} from '../provider.port.js';
import {
  ConnectionFailure,
  RetryableFailure,
  UpstreamAttempt,
  type OpenAiTimeouts,
} from './openai-attempt.js';
import { ReplicaPool } from './openai-replicas.js';
import { estimatePromptTokens, requestBody } from './openai-request.js';
import { replicaUrls } from './openai.schema.js';
import { checkServer } from './openai-status-check.js';
import { DEFAULT_STATUS_CHECKS, RemoteStatusTracker, type StatusCheckOptions } from './openai-status.js';
import { refusalError } from './openai-refusal.js';
import { errorCode, readCompletionStream } from './openai-stream.js';
import { isContextLengthRefusal, readLimitedText, upstreamMessage } from './openai-upstream.js';
import { urlForLog } from '../urls.js';

export interface OpenAiProviderOptions {
  timeouts: OpenAiTimeouts;
  /**
   * Attempts in all (not extra retries) for failures before the first
   * token, and the first backoff delay, doubled each time. Default 3 and 500 ms.
   */
  retry?: { attempts: number; baseDelayMs: number };
  /** Where API keys are read (process.env in production). */
  env: Record<string, string | undefined>;
  log: Logger;
  /** When servers found unavailable are checked again (default DEFAULT_STATUS_CHECKS). */
  statusChecks?: Partial<StatusCheckOptions>;
  /** When a replica that refused a connection is tried again (default: the system clock). */
  clock?: Clock;
}

const DEFAULT_RETRY = { attempts: 3, baseDelayMs: 500 };

/**
 * Models behind a server speaking the OpenAI chat-completions / completions
 * protocol with SSE streaming: Hugging Face Inference Providers and
 * Endpoints (TGI), vLLM, Ollama, llama.cpp's server, LM Studio, OpenAI.
 *
 * Usage: taken from the server's usage chunk (`stream_options.include_usage`).
 * Servers that do not send one get an estimate: prompt tokens = characters
 * of the prompt (all message contents for chat) / 4, rounded up, the usual
 * rule of thumb for English and code; completion tokens = the number of
 * streamed pieces, which is one token per piece on every server we know.
 *
 * Status: each server's model list (GET /models) is checked in the
 * background from start(), again after a generation fails for a reason the
 * server may be behind (no connection, 5xx, 401/403, 404), and periodically
 * while it is unavailable; status() reports the last finding.
 */
export class OpenAiCompatibleProvider implements ModelProvider {
  readonly kind = 'openai-compatible' as const;
  private readonly timeouts: OpenAiTimeouts;
  private readonly retry: { attempts: number; baseDelayMs: number };
  private readonly env: Record<string, string | undefined>;
  private readonly log: Logger;
  /** `baseUrl model` pairs whose server refused response_format: asked without it from then on. */
  private readonly noResponseFormat = new Set<string>();
  private readonly checks: RemoteStatusTracker;
  /** Runs in flight on each replica, and the replicas left out after a refused connection. */
  private readonly replicas: ReplicaPool;
  /** The last failed generation of each model, with the server's URL (administrators only). */
  private readonly lastFailures = new Map<string, ModelFailure>();

  constructor(options: OpenAiProviderOptions) {
    this.timeouts = options.timeouts;
    this.retry = options.retry ?? DEFAULT_RETRY;
    this.env = options.env;
    this.log = options.log;
    this.replicas = new ReplicaPool(options.clock ?? systemClock);
    this.checks = new RemoteStatusTracker(
      // The connect timeout bounds the whole check: a list answers at once or not at all.
      (target, signal) => checkServer(target, this.timeouts.connectMs, signal),
      (model) => this.apiKeyOf(model),
      { ...DEFAULT_STATUS_CHECKS, ...options.statusChecks },
      options.log,
    );
  }

  /** Checks the servers of these models in the background; returns at once. */
  start(models: readonly ModelEntry[]): void {
    this.checks.watch(models.filter((m): m is OpenAiModelEntry => m.provider === 'openai-compatible'));
  }

  /** After a catalogue reload: servers and model names no entry lists any more are no longer checked. */
  retain(models: readonly ModelEntry[]): void {
    this.checks.retain(models.filter((m): m is OpenAiModelEntry => m.provider === 'openai-compatible'));
  }

  status(model: ModelEntry): ModelStatus {
    if (model.provider !== 'openai-compatible') {
      return { status: 'unavailable', reason: `${model.name} is not served by an OpenAI-compatible server.` };
    }
    const missing = this.missingKeyReason(model);
    if (missing !== undefined) {
      return { status: 'unavailable', reason: missing };
    }
    // Before the first check there is no reason to refuse: the generation itself will tell.
    return this.checks.statusOf(model) ?? { status: 'ready' };
  }

  /** The model's servers and its last failure (a generation or a status check), for administrators. */
  details(model: ModelEntry): ModelDetails {
    if (model.provider !== 'openai-compatible') {
      return { url: null, file: null, lastError: null };
    }
    return {
      url: replicaUrls(model).map(urlForLog).join(', '),
      file: null,
      lastError: latestFailure(this.lastFailures.get(model.id), this.checks.lastProblem(model)),
    };
  }

  /** Resolves when the status checks running now have finished (tests and tools wait for it). */
  async checksSettled(): Promise<void> {
    await this.checks.settled();
  }

  /** A user was refused for the last check's finding: look again (at most once per recheck interval). */
  refresh(model: ModelEntry): void {
    if (model.provider === 'openai-compatible') {
      this.checks.recheck(model);
    }
  }

  generate(request: GenerationRequest): AsyncIterable<Chunk> {
    return this.run(request);
  }

  /** Stops the status checks; each generation owns its connection and closes it when it ends. */
  async close(): Promise<void> {
    this.checks.close();
  }

  private async *run(request: GenerationRequest): AsyncGenerator<Chunk> {
    const model = request.model;
    if (model.provider !== 'openai-compatible') {
      throw new Error(`OpenAiCompatibleProvider cannot run the ${model.provider} model ${model.id}`);
    }
    const missing = this.missingKeyReason(model);
    if (missing !== undefined) {
      throw new ModelUnavailableError(missing);
    }
    const apiKey = this.apiKeyOf(model);
    const { input, params, signal } = request;
    const replicas = replicaUrls(model);
    const endpoint = input.style === 'chat' ? 'chat/completions' : 'completions';
    // Replicas serve the same model: what one refuses, the others refuse too.
    const schemaKey = `${replicas.join(' ')} ${model.model}`;
    let sendSchema =
      params.jsonSchema !== undefined && input.style === 'chat' && !this.noResponseFormat.has(schemaKey);
    const log = this.log.child({ modelId: model.id });
    let failures = 0;
    // Replicas that refused this request's connection: it moves on to the others first.
    const refused = new Set<string>();

    for (;;) {
      if (signal.aborted) {
        throw new GenerationCancelledError();
      }
      const replica = this.replicas.acquire(replicas, refused);
      // The replica's base (its status check) and the endpoint the request goes to.
      const at: RequestTarget = { base: replica.url, url: `${replica.url}/${endpoint}` };
      const { url } = at;
      const attempt = new UpstreamAttempt(signal);
      let complete = false;
      let delayMs: number;
      try {
        const response = await this.send(attempt, model, at, apiKey, requestBody(model, request, sendSchema));
        if (!response.ok) {
          const text = await this.readErrorBody(attempt, model, response);
          complete = true;
          if (
            sendSchema &&
            (response.status === 400 || response.status === 422) &&
            !isContextLengthRefusal(text)
          ) {
            this.noResponseFormat.add(schemaKey);
            sendSchema = false;
            log.warn(
              { status: response.status, reason: upstreamMessage(text, apiKey) },
              'model server refused response_format; asking again without it',
            );
            continue;
          }
          throw this.refusal(model, at, response, text, apiKey);
        }
        if (response.body === null) {
          throw new ProviderError(`${model.name} answered without a body.`);
        }
        const summary = yield* readCompletionStream(response.body, {
          model,
          style: input.style,
          attempt,
          timeouts: this.timeouts,
          apiKey,
          log,
        });
        complete = true;
        yield {
          type: 'usage',
          promptTokens: summary.promptTokens ?? estimatePromptTokens(request),
          completionTokens: summary.completionTokens ?? summary.tokens,
        };
        return;
      } catch (error) {
        if (!(error instanceof RetryableFailure)) {
          throw error;
        }
        if (error instanceof ConnectionFailure) {
          this.replicas.markRefused(replica.url);
          refused.add(replica.url);
          if (this.replicas.hasOther(replicas, refused)) {
            // Another replica may answer: the user sees nothing of this one.
            log.warn(
              { reason: error.description, url: urlForLog(url) },
              'model server replica refused the connection; trying another, and leaving it out for 30 s',
            );
            this.checks.recheck(model, replica.url);
            continue;
          }
        }
        failures += 1;
        if (failures >= this.retry.attempts) {
          log.warn(
            { attempt: failures, reason: error.description, url: urlForLog(url) },
            'model request failed; giving up',
          );
          this.noteFailure(model, url, `${error.description}: ${error.final.message}`);
          if (!(error.final instanceof ProviderRateLimitedError)) {
            // Down, failing or dropping connections: the status should say so.
            this.checks.recheck(model, replica.url);
          }
          throw error.final;
        }
        delayMs = error.retryAfterMs ?? this.backoff(failures);
        log.warn(
          { attempt: failures, reason: error.description, delayMs, url: urlForLog(url) },
          'model request failed; will retry',
        );
      } finally {
        attempt.dispose(complete);
        replica.release();
      }
      try {
        await sleep(delayMs, undefined, { signal });
      } catch {
        throw new GenerationCancelledError();
      }
    }
  }

  private missingKeyReason(model: OpenAiModelEntry): string | undefined {
    return model.apiKeyEnv !== undefined && this.apiKeyOf(model) === undefined
      ? `Set ${model.apiKeyEnv} to use ${model.name}.`
      : undefined;
  }

  /** The model's API key; undefined when it needs none or its variable is unset or blank. */
  private apiKeyOf(model: OpenAiModelEntry): string | undefined {
    const key = model.apiKeyEnv === undefined ? undefined : this.env[model.apiKeyEnv];
    return key === undefined || key.trim() === '' ? undefined : key;
  }

  /** The error body, for the message; empty when the server hangs up while sending it. */
  private async readErrorBody(
    attempt: UpstreamAttempt,
    model: OpenAiModelEntry,
    response: Response,
  ): Promise<string> {
    attempt.arm('idle', this.timeouts.idleMs);
    try {
      return (await readLimitedText(response.body)).text;
    } catch (error) {
      const stopped = attempt.stoppedError(model, this.timeouts);
      if (stopped !== undefined) {
        throw stopped;
      }
      this.log.debug({ modelId: model.id, code: errorCode(error) }, 'model server error body unreadable');
      return '';
    } finally {
      attempt.disarm();
    }
  }

  /** POSTs the request; resolves when the response headers arrive. */
  private async send(
    attempt: UpstreamAttempt,
    model: OpenAiModelEntry,
    { base, url }: RequestTarget,
    apiKey: string | undefined,
    body: string,
  ): Promise<Response> {
    const headers: Record<string, string> = {
      'content-type': 'application/json',
      accept: 'text/event-stream',
    };
    if (apiKey !== undefined) {
      headers.authorization = `Bearer ${apiKey}`;
    }
    attempt.arm('connect', this.timeouts.connectMs);
    try {
      return await fetch(url, { method: 'POST', headers, body, signal: attempt.signal });
    } catch (error) {
      const stopped = attempt.stoppedError(model, this.timeouts);
      if (stopped !== undefined) {
        if (attempt.stopReason === 'connect') {
          this.log.warn(
            { modelId: model.id, url: urlForLog(url), timeoutMs: this.timeouts.connectMs },
            'model server did not answer within the connect timeout',
          );
          this.checks.recheck(model, base);
        }
        throw stopped;
      }
      // fetch's own message ("fetch failed") says nothing; the cause has the system code (logged on giving up).
      const code = errorCode(error) ?? (error instanceof Error ? error.message : 'network error');
      throw new ConnectionFailure(
        code,
        // No URL or host: users see this; administrators see both in the log.
        new ProviderError(`Could not reach the model server for ${model.name}.`),
      );
    } finally {
      attempt.disarm();
    }
  }

  /** The error for a non-2xx answer; a refused key or an unknown model also rechecks the server. */
  private refusal(
    model: OpenAiModelEntry,
    { base, url }: RequestTarget,
    response: Response,
    text: string,
    apiKey: string | undefined,
  ): Error {
    const status = response.status;
    if (status === 401 || status === 403 || status === 404) {
      this.log.warn(
        { modelId: model.id, url: urlForLog(url), status, reason: upstreamMessage(text, apiKey) },
        'model server refused the request',
      );
      this.checks.recheck(model, base);
      this.noteFailure(model, url, `HTTP ${status}: ${upstreamMessage(text, apiKey)}`);
    }
    return refusalError(model, response, text, apiKey, this.retry.baseDelayMs);
  }

  /** Remembers a failed generation with the URL it went to, for the Admin page (never for users). */
  private noteFailure(model: OpenAiModelEntry, url: string, what: string): void {
    this.lastFailures.set(model.id, { message: `${urlForLog(url)}: ${what}`, at: new Date() });
  }

  /** Exponential backoff with up to 20 % jitter, so clients that failed together do not retry together. */
  private backoff(failures: number): number {
    return Math.round(this.retry.baseDelayMs * 2 ** (failures - 1) * (1 + Math.random() * 0.2));
  }
}

/** Where one request goes: the replica's base URL and the endpoint's full URL. */
interface RequestTarget {
  base: string;
  url: string;
}
