import type { Logger } from '../../logger.js';
import { MongoClient, type Db, type MongoClientOptions, type ServerDescriptionChangedEvent } from 'mongodb';
import type { Store } from '../store.port.js';
import { openCollections } from './mongo-collections.js';
import { atBoundary, describeConnectFailure } from './mongo-errors.js';
import { describeTarget, parseMongoUri, type MongoTarget } from './mongo-uri.js';
import { MongoActivity } from './mongo-activity.js';
import { MongoCounters } from './mongo-counters.js';
import { MongoCredentials } from './mongo-credentials.js';
import { MongoOutbox } from './mongo-outbox.js';
import { MongoRepairs } from './mongo-repairs.js';
import { MongoPreferences } from './mongo-preferences.js';
import { MongoInstances } from './mongo-instances.js';
import { MongoRegistration } from './mongo-registration.js';
import { MongoPrompts } from './mongo-prompts.js';
import { MongoUsage } from './mongo-usage.js';
import { MongoBulk } from './mongo-bulk.js';
import { MongoResets } from './mongo-resets.js';
import { MongoSessions } from './mongo-sessions.js';
import { MongoThreads } from './mongo-threads.js';
import { prepareDatabase, StartupRefusal } from './mongo-startup.js';
import { MongoUsers } from './mongo-users.js';

export interface MongoStoreOptions {
  /**
   * How long the driver looks for a usable server before an operation fails
   * (default 8000 ms): start-up then stops within 10 s, and requests during
   * an outage get 503 store_unavailable after this long. Overrides
   * serverSelectionTimeoutMS in the URI.
   */
  serverSelectionTimeoutMs?: number;
  /** Where connection losses and recoveries are logged. */
  log?: Logger;
  /**
   * The most connections to each server (MONGODB_MAX_POOL_SIZE, default 20).
   * Overrides maxPoolSize in the URI.
   */
  maxPoolSize?: number;
  /**
   * How long each index request at start-up may take before start-up stops
   * with a message naming the index (MONGODB_INDEX_TIMEOUT_MINUTES, default 10 min).
   */
  indexTimeoutMs?: number;
}

const DEFAULT_SELECTION_TIMEOUT_MS = 8_000;
const DEFAULT_MAX_POOL_SIZE = 20;

/** The driver's options: what the options give wins over the same setting in the URI. */
export function clientOptions(options: MongoStoreOptions = {}): MongoClientOptions {
  return {
    serverSelectionTimeoutMS: options.serverSelectionTimeoutMs ?? DEFAULT_SELECTION_TIMEOUT_MS,
    maxPoolSize: options.maxPoolSize ?? DEFAULT_MAX_POOL_SIZE,
    appName: 'codegenie',
  };
}
/** Beyond server selection: SRV/TXT lookups and the ping (indexes are built after the deadline). */
const CONNECT_GRACE_MS = 2_000;

/**
 * The production store: MongoDB 6 or newer, Atlas or self-hosted, through
 * the official driver. TLS, authSource, replicaSet and SRV come from the URI;
 * the database from its path (default `codegenie`). After start-up the
 * driver reconnects by itself: while no server is reachable, operations
 * throw StoreUnavailableError (503) and succeed again once it is back.
 */
export class MongoStore implements Store {
  readonly users: MongoUsers;
  readonly sessions: MongoSessions;
  readonly passwordResets: MongoResets;
  readonly credentials: MongoCredentials;
  readonly activity: MongoActivity;
  readonly prompts: MongoPrompts;
  readonly threads: MongoThreads;
  readonly outbox: MongoOutbox;
  readonly repairs: MongoRepairs;
  readonly preferences: MongoPreferences;
  readonly instances: MongoInstances;
  readonly registration: MongoRegistration;
  readonly counters: MongoCounters;
  readonly usage: MongoUsage;
  readonly bulk: MongoBulk;

  private constructor(
    private readonly client: MongoClient,
    private readonly db: Db,
  ) {
    const c = openCollections(db);
    this.users = new MongoUsers(c);
    this.sessions = new MongoSessions(c);
    this.passwordResets = new MongoResets(c);
    this.credentials = new MongoCredentials(client, db, c);
    this.activity = new MongoActivity(c);
    this.prompts = new MongoPrompts(c);
    this.threads = new MongoThreads(c, this.prompts.search);
    this.outbox = new MongoOutbox(c);
    this.repairs = new MongoRepairs(c);
    this.preferences = new MongoPreferences(c);
    this.instances = new MongoInstances(c);
    this.registration = new MongoRegistration(c);
    this.counters = new MongoCounters(c);
    this.usage = new MongoUsage(c);
    this.bulk = new MongoBulk(c);
  }

  /**
   * Connects, checks the server answers and creates the indexes. Fails
   * within about 10 s with an Error naming the hosts and the likely cause
   * (network or Atlas IP access list, DNS, credentials, TLS), never the password.
   */
  static async connect(uri: string, options: MongoStoreOptions = {}): Promise<MongoStore> {
    const target = parseMongoUri(uri);
    const timeoutMs = options.serverSelectionTimeoutMs ?? DEFAULT_SELECTION_TIMEOUT_MS;
    let client: MongoClient;
    try {
      client = new MongoClient(uri, clientOptions(options));
    } catch (error) {
      // The constructor only parses: whatever it refuses is the string's fault.
      // eslint-disable-next-line preserve-caught-error -- a parse error may carry the URI, password included; the message keeps what it said, redacted
      throw new Error(describeConnectFailure(error, target, timeoutMs, 'parse'));
    }
    let timer: NodeJS.Timeout | undefined;
    // What was being sent when it failed, for the message (a server error names it).
    let operation = 'connect';
    try {
      const store = new MongoStore(client, client.db(target.database));
      const deadline = new Promise<never>((_, reject) => {
        timer = setTimeout(() => {
          reject(new Error('no answer in time'));
        }, timeoutMs + CONNECT_GRACE_MS);
      });
      await Promise.race([
        (async () => {
          await client.connect();
          operation = 'ping';
          await store.db.command({ ping: 1 });
        })(),
        deadline,
      ]);
      clearTimeout(timer);
      // Outside the deadline: an index build on a large collection takes as long as it takes, and says so.
      await prepareDatabase(
        store.db,
        describeTarget(target),
        (step) => {
          operation = step;
        },
        options.log,
        store.prompts.search,
        options.indexTimeoutMs,
      );
      if (options.log) {
        watchConnection(client, target, options.log);
        options.log.info({ mongo: describeTarget(target) }, 'MongoDB store connected');
      }
      return store;
    } catch (error) {
      void client.close().catch(() => undefined);
      if (error instanceof StartupRefusal) {
        throw error;
      }
      // eslint-disable-next-line preserve-caught-error -- no cause: it may carry the URI, password included; the message keeps what it said, redacted
      throw new Error(describeConnectFailure(error, target, timeoutMs, undefined, operation));
    } finally {
      clearTimeout(timer);
    }
  }

  async ping(): Promise<void> {
    await atBoundary(() => this.db.command({ ping: 1 }));
  }

  async close(): Promise<void> {
    await this.client.close();
  }
}

/** Logs when a server stops answering and when it answers again (the driver reconnects by itself). */
function watchConnection(client: MongoClient, target: MongoTarget, log: Logger): void {
  client.on('serverDescriptionChanged', (event: ServerDescriptionChangedEvent) => {
    const was = event.previousDescription.type;
    const now = event.newDescription.type;
    if (now === 'Unknown' && was !== 'Unknown') {
      log.warn(
        { mongo: describeTarget(target), server: event.address, reason: event.newDescription.error?.name },
        'MongoDB server unreachable; requests answer 503 store_unavailable until it is back',
      );
    } else if (was === 'Unknown' && now !== 'Unknown') {
      log.info({ mongo: describeTarget(target), server: event.address }, 'MongoDB server reachable again');
    }
  });
}
