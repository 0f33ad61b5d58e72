import type { Logger } from '../../logger.js';
import { MESSAGES } from '../../../shared/messages.js';
import type { OpenAiModelEntry } from '../catalogue.js';
import type { ModelFailure, ModelStatus } from '../provider.port.js';
import { serves, type CheckTarget, type ServerFinding } from './openai-status-check.js';
import { urlForLog } from '../urls.js';
import { replicaUrls } from './openai.schema.js';

/** When servers are looked at again. */
export interface StatusCheckOptions {
  /**
   * First look again after a check found a server unavailable, doubled after
   * each further failed check; also the shortest time between two checks
   * that failures or users ask for. Default 5 s.
   */
  recheckMs: number;
  /** Longest wait between two checks of an unavailable server. Default 5 minutes. */
  maxRecheckMs: number;
}

export const DEFAULT_STATUS_CHECKS: StatusCheckOptions = { recheckMs: 5_000, maxRecheckMs: 300_000 };

/** Runs one check; never rejects. */
export type CheckServer = (target: CheckTarget, signal: AbortSignal) => Promise<ServerFinding>;

/** One server (a base URL with one API key) and what the last check found. */
interface ServerState {
  target: CheckTarget;
  /** The base URL without user or password, for the log. */
  logUrl: string;
  /** The model names the catalogue expects from it. */
  expected: Set<string>;
  finding: ServerFinding | undefined;
  /** Checks in a row that found it unavailable (for the backoff). */
  failures: number;
  running: boolean;
  lastStartedAt: number;
  timer: NodeJS.Timeout | undefined;
  timerDueAt: number;
  /** The state last written to the log, so each change is logged once. */
  logged: string | undefined;
  /** No model of the catalogue is served here any more (retain): it is not checked again. */
  retired: boolean;
}

/**
 * The remote models' status as the last checks found it. status() reads a
 * cached snapshot; checks run in the background: when watched (start-up),
 * when a failure or a user asks (at most once per `recheckMs`), and while a
 * server is unavailable, with a backoff from `recheckMs` up to `maxRecheckMs`.
 * Users get plain reasons (shared/messages.ts); the log gets the URL, the
 * HTTP status and the error, once per change of state.
 */
export class RemoteStatusTracker {
  private readonly servers = new Map<string, ServerState>();
  private readonly closing = new AbortController();
  /** Checks under way, with their finding recorded when they settle. */
  private readonly running = new Set<Promise<void>>();

  constructor(
    private readonly check: CheckServer,
    private readonly keyOf: (model: OpenAiModelEntry) => string | undefined,
    private readonly options: StatusCheckOptions,
    private readonly log: Logger,
  ) {}

  /** Starts checking the servers of these models now, in the background. */
  watch(models: readonly OpenAiModelEntry[]): void {
    for (const model of models) {
      for (const server of this.serversOf(model)) {
        if (!server.running && server.finding === undefined) {
          this.runCheck(server);
        }
      }
    }
  }

  /**
   * The model's status by the last checks, or undefined while there is no
   * verdict (not checked yet, or no key to check with). With replicas
   * (`baseUrls`) it is ready when one of them is, or may be (not checked
   * yet); otherwise the first replica's reason.
   */
  statusOf(model: OpenAiModelEntry): ModelStatus | undefined {
    const statuses = replicaUrls(model).map((url) => this.replicaStatus(model, url));
    if (statuses.some((status) => status?.status === 'ready')) {
      return { status: 'ready' };
    }
    return statuses.includes(undefined) ? undefined : statuses[0];
  }

  /** One replica's status by its last check. */
  private replicaStatus(model: OpenAiModelEntry, url: string): ModelStatus | undefined {
    const finding = this.servers.get(serverKey(url, model))?.finding;
    switch (finding?.kind) {
      case undefined:
        return undefined;
      case 'reachable':
        return finding.served === null || serves(finding.served, model.model)
          ? { status: 'ready' }
          : { status: 'unavailable', reason: `${MESSAGES.modelNotServed} ${model.model}.` };
      case 'unreachable':
        return { status: 'unavailable', reason: MESSAGES.modelServerUnreachable };
      case 'refused-key':
        return { status: 'unavailable', reason: MESSAGES.modelServerRefusedKey };
      case 'failing':
        return { status: 'unavailable', reason: MESSAGES.modelServerFailing };
      default: {
        const unknown: never = finding;
        return unknown;
      }
    }
  }

  /**
   * Asks for a fresh check of the model's servers (or of one replica,
   * `url`): after a failed generation, or when a user was refused because
   * of the last check. Runs now unless a check is running or started less
   * than `recheckMs` ago (then at that time).
   */
  recheck(model: OpenAiModelEntry, url?: string): void {
    for (const server of this.serversOf(model, url)) {
      this.recheckServer(server);
    }
  }

  private recheckServer(server: ServerState): void {
    if (server.running) {
      return;
    }
    const wait = server.lastStartedAt + this.options.recheckMs - Date.now();
    if (wait <= 0) {
      this.runCheck(server);
    } else {
      this.schedule(server, wait);
    }
  }

  /**
   * The latest failed check of the model's servers, with the URL, HTTP
   * status and error (administrators only, GET /api/admin/models); undefined
   * while every server looked fine at its last check.
   */
  lastProblem(model: OpenAiModelEntry): ModelFailure | undefined {
    let latest: ModelFailure | undefined;
    for (const url of replicaUrls(model)) {
      const server = this.servers.get(serverKey(url, model));
      const finding = server?.finding;
      if (server === undefined || finding === undefined || finding.kind === 'reachable') {
        continue;
      }
      const status = 'status' in finding ? ` (HTTP ${finding.status})` : '';
      const message = `${server.logUrl}: ${finding.kind}${status}: ${finding.error}`;
      if (latest === undefined || server.lastStartedAt > latest.at.getTime()) {
        latest = { message, at: new Date(server.lastStartedAt) };
      }
    }
    return latest;
  }

  /**
   * The catalogue now holds only these models (after a reload): servers no
   * model uses any more are forgotten, with their timers, and each server
   * expects only the model names still listed for it. Otherwise a server
   * kept being rechecked, and logged as lacking a model, for a model the
   * catalogue no longer has.
   */
  retain(models: readonly OpenAiModelEntry[]): void {
    const expected = new Map<string, Set<string>>();
    for (const model of models) {
      for (const url of replicaUrls(model)) {
        const key = serverKey(url, model);
        expected.set(key, (expected.get(key) ?? new Set()).add(model.model));
      }
    }
    for (const [key, server] of this.servers) {
      const names = expected.get(key);
      if (names === undefined) {
        server.retired = true;
        clearTimeout(server.timer);
        server.timer = undefined;
        this.servers.delete(key);
      } else {
        server.expected = names;
      }
    }
  }

  /** Resolves when the checks running now have finished and recorded their finding. */
  async settled(): Promise<void> {
    await Promise.all([...this.running]);
  }

  /** Stops the timers and any check under way. */
  close(): void {
    this.closing.abort();
    for (const server of this.servers.values()) {
      clearTimeout(server.timer);
      server.timer = undefined;
    }
  }

  /**
   * The states of the model's servers (each replica, or only `url`), created
   * on first use; none when there is no key to check with.
   */
  private serversOf(model: OpenAiModelEntry, url?: string): ServerState[] {
    if (this.closing.signal.aborted) {
      return [];
    }
    const apiKey = this.keyOf(model);
    if (model.apiKeyEnv !== undefined && apiKey === undefined) {
      // The model is unavailable for the missing key already; a check would only be refused.
      return [];
    }
    const urls = replicaUrls(model);
    return (url === undefined ? urls : urls.filter((u) => u === url)).map((baseUrl) =>
      this.serverAt(baseUrl, model, apiKey),
    );
  }

  /** The state of one server, created on first use. */
  private serverAt(baseUrl: string, model: OpenAiModelEntry, apiKey: string | undefined): ServerState {
    const key = serverKey(baseUrl, model);
    let server = this.servers.get(key);
    if (server === undefined) {
      server = {
        target: { baseUrl, apiKey },
        logUrl: urlForLog(baseUrl),
        expected: new Set(),
        finding: undefined,
        failures: 0,
        running: false,
        lastStartedAt: Number.NEGATIVE_INFINITY,
        timer: undefined,
        timerDueAt: 0,
        logged: undefined,
        retired: false,
      };
      this.servers.set(key, server);
    }
    server.expected.add(model.model);
    return server;
  }

  private runCheck(server: ServerState): void {
    clearTimeout(server.timer);
    server.timer = undefined;
    server.running = true;
    server.lastStartedAt = Date.now();
    const done = this.check(server.target, this.closing.signal)
      .catch((error: unknown): ServerFinding => ({
        kind: 'unreachable',
        error: error instanceof Error ? error.message : String(error),
      }))
      .then((finding) => {
        server.running = false;
        if (this.closing.signal.aborted) {
          return;
        }
        server.finding = finding;
        const missing = this.missing(server);
        const healthy = finding.kind === 'reachable' && missing.length === 0;
        server.failures = healthy ? 0 : server.failures + 1;
        const nextCheckMs = healthy
          ? undefined
          : Math.min(this.options.maxRecheckMs, this.options.recheckMs * 2 ** (server.failures - 1));
        this.report(server, missing, nextCheckMs);
        if (nextCheckMs !== undefined && !server.retired) {
          this.schedule(server, nextCheckMs);
        }
      })
      .finally(() => {
        this.running.delete(done);
      });
    this.running.add(done);
  }

  /** Runs a check in `ms`, unless one is already due sooner. */
  private schedule(server: ServerState, ms: number): void {
    const dueAt = Date.now() + ms;
    if (server.timer !== undefined && server.timerDueAt <= dueAt) {
      return;
    }
    clearTimeout(server.timer);
    server.timerDueAt = dueAt;
    server.timer = setTimeout(() => {
      server.timer = undefined;
      if (!server.running) {
        this.runCheck(server);
      }
    }, ms);
    // Checks never keep the process alive on their own.
    server.timer.unref();
  }

  /** The catalogue's model names that the server's list lacks. */
  private missing(server: ServerState): string[] {
    const finding = server.finding;
    if (finding?.kind !== 'reachable' || finding.served === null) {
      return [];
    }
    const served = finding.served;
    return [...server.expected].filter((name) => !serves(served, name));
  }

  /** Logs the finding with its details when the state changed; a debug line otherwise. */
  private report(server: ServerState, missing: string[], nextCheckMs: number | undefined): void {
    const finding = server.finding;
    if (finding === undefined) {
      return;
    }
    const state = `${finding.kind} ${missing.join(',')}`;
    const url = server.logUrl;
    if (state === server.logged) {
      this.log.debug({ url, state: finding.kind, nextCheckMs }, 'model server check: no change');
      return;
    }
    const first = server.logged === undefined;
    server.logged = state;
    switch (finding.kind) {
      case 'reachable':
        if (missing.length === 0) {
          this.log.info(
            { url, status: finding.status, listed: finding.served?.size ?? null },
            first ? 'model server reachable' : 'model server reachable again; its models are ready',
          );
        } else {
          this.log.warn(
            {
              url,
              status: finding.status,
              missing,
              listed: [...(finding.served ?? [])].slice(0, 50),
              nextCheckMs,
            },
            'model server does not list some catalogue models; they are unavailable',
          );
        }
        return;
      case 'unreachable':
        this.log.warn(
          { url, error: finding.error, nextCheckMs },
          'model server unreachable; its models are unavailable',
        );
        return;
      case 'refused-key':
        this.log.warn(
          { url, status: finding.status, error: finding.error, nextCheckMs },
          'model server refused the API key; its models are unavailable',
        );
        return;
      case 'failing':
        this.log.warn(
          { url, status: finding.status, error: finding.error, nextCheckMs },
          'model server answers its model list with an error; its models are unavailable',
        );
        return;
      default: {
        const unknown: never = finding;
        return unknown;
      }
    }
  }
}

/** One server per base URL (each replica) and key: models behind the same server share one check. */
function serverKey(baseUrl: string, model: OpenAiModelEntry): string {
  return `${baseUrl} ${model.apiKeyEnv ?? ''}`;
}
