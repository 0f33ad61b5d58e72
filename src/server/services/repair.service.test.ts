import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { remoteModel } from '../../../test/helpers/catalogue.js';
import { ManualClock } from '../clock.js';
import type { Logger } from '../logger.js';
import { parseCatalogue } from '../models/catalogue.js';
import { ProviderError } from '../models/model-errors.js';
import { ModelRegistry } from '../models/model-registry.js';
import type { Chunk, GenerationRequest, ModelProvider } from '../models/provider.port.js';
import { fixtureUser, T0 } from '../store/store-fixtures.js';
import { SqliteStore } from '../store/sqlite/sqlite.adapter.js';
import type { Store } from '../store/store.port.js';
import { FAILED, PASSED } from '../store/store-repairs.contract.js';
import type { GenerationEvent } from '../../shared/generation.schemas.js';
import { ActivityLog } from './activity.service.js';
import { GenerationService } from './generation.service.js';
import type { RepairTests } from './repair.service.js';
import type { NumberedEvent } from './run-registry.js';

/**
 * Test and fix inside GenerationService with a scripted model and a
 * scripted test runner (the sandbox has its own tests): the cases the
 * HTTP tests do not reach.
 */

const block = (body: string) => '```javascript\n' + body + '\n```';
const ANSWER = `${block('const add = (a, b) => a + b;')}\n${block('// tests\nconsole.assert(add(2, 3) === 5);')}`;

/** A provider answering each request with the next of `answers` (an Error is thrown after one token). */
function scripted(answers: (string | Error)[]): ModelProvider & { requests: GenerationRequest[] } {
  const requests: GenerationRequest[] = [];
  return {
    kind: 'openai-compatible',
    requests,
    status: () => ({ status: 'ready' }),
    async *generate(request: GenerationRequest): AsyncIterable<Chunk> {
      requests.push(request);
      const next = answers.shift() ?? ANSWER;
      if (next instanceof Error) {
        yield { type: 'token', text: 'partial' };
        throw next;
      }
      yield { type: 'token', text: next };
    },
    close: () => Promise.resolve(),
  };
}

const log: Logger = {
  error: () => undefined,
  warn: () => undefined,
  info: () => undefined,
  debug: () => undefined,
  child: () => log,
};
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'codegenie-repair-'));
const client = { ip: '127.0.0.1', userAgent: 'unit-test' };
const model = remoteModel('http://127.0.0.1:9', 'chat-a', 'Chat A');
const CATALOGUE = parseCatalogue(JSON.stringify({ defaultModel: 'chat-a', models: [model] }), 'repair.json');

describe('Test and fix in the generation service', () => {
  let store: Store;
  let userId: string;

  beforeEach(async () => {
    store = SqliteStore.open(path.join(dir, `${Math.random().toString(36).slice(2)}.db`));
    userId = (await store.users.create(fixtureUser())).id;
  });
  afterEach(async () => {
    await store.close();
  });
  afterAll(() => {
    fs.rmSync(dir, { recursive: true, force: true });
  });

  function service(
    provider: ModelProvider,
    tests: RepairTests | undefined,
    runningPerUser = 2,
  ): GenerationService {
    const clock = new ManualClock(T0);
    return new GenerationService({
      store,
      models: new ModelRegistry(CATALOGUE, { 'openai-compatible': provider }),
      activity: new ActivityLog(store, clock),
      clock,
      limits: { perMinute: 100, runningPerUser },
      log,
      followPollMs: 5,
      ...(tests ? { tests } : {}),
    });
  }

  async function events(generation: GenerationService, rounds = 2): Promise<GenerationEvent[]> {
    const body = { prompt: 'add', language: 'javascript' as const, repair: { rounds } };
    const run = await generation.startGenerate(userId, body, client);
    const all: GenerationEvent[] = [];
    for await (const event of run.events) {
      all.push(event);
    }
    return all;
  }
  const names = (all: GenerationEvent[]) => all.filter((e) => e.event !== 'token').map((e) => e.event);

  it('hands the running slot from round to round: one running generation a user is enough', async () => {
    const results = [FAILED, PASSED];
    const tests = { run: () => Promise.resolve(results.shift() ?? PASSED) };
    const all = await events(service(scripted([ANSWER, ANSWER]), tests, 1));
    expect(names(all)).toEqual(['start', 'round', 'run', 'round', 'run', 'repaired', 'done']);
    expect(all.find((e) => e.event === 'repaired')?.data).toEqual({ status: 'passed', fixes: 1 });
  });

  it("gives a later round's running slot back when storing its turn fails", async () => {
    const clock = new ManualClock(T0);
    /** The activity log, failing its second entry: the one that admits the fix round. */
    class FailingOnSecond extends ActivityLog {
      private entries = 0;
      override async record(...args: Parameters<ActivityLog['record']>): ReturnType<ActivityLog['record']> {
        this.entries += 1;
        if (this.entries === 2) {
          throw new Error('the disk went away');
        }
        return super.record(...args);
      }
    }
    const generation = new GenerationService({
      store,
      models: new ModelRegistry(CATALOGUE, { 'openai-compatible': scripted([ANSWER, ANSWER, ANSWER]) }),
      activity: new FailingOnSecond(store, clock),
      clock,
      limits: { perMinute: 100, runningPerUser: 1 },
      log,
      tests: { run: () => Promise.resolve(FAILED) },
    });
    const all = await events(generation);
    expect(names(all)).toEqual(['start', 'round', 'run', 'error']);
    // One running generation a user: the next one starts, so the failed round's slot was given back.
    const body = { prompt: 'add', language: 'javascript' as const };
    await expect(generation.startGenerate(userId, body, client)).resolves.toMatchObject({
      modelId: 'chat-a',
    });
  });

  it('ends with the model error when a later round fails, the answered rounds kept with their runs', async () => {
    const provider = scripted([ANSWER, new ProviderError('The model server failed.')]);
    const all = await events(service(provider, { run: () => Promise.resolve(FAILED) }));
    expect(names(all)).toEqual(['start', 'round', 'run', 'round', 'error']);
    expect(all.at(-1)?.data).toMatchObject({ message: 'The model server failed.' });
    const [first, second] = all.filter((e) => e.event === 'round').map((e) => e.data as { id: string });
    expect((await store.prompts.findById(first?.id ?? ''))?.status).toBe('completed');
    expect(await store.prompts.findById(second?.id ?? '')).toMatchObject({
      status: 'failed',
      output: 'partial',
    });
    const threadId = (all[0]?.data as { threadId: string }).threadId;
    expect(await store.repairs.runsOfThread(userId, threadId)).toEqual(new Map([[first?.id, FAILED]]));
  });

  it('stops during a test run at once: stopped, cancelled, and no run kept for the round', async () => {
    let runId = '';
    const tests: RepairTests = {
      run: (_input, signal) => {
        void generation.cancel(userId, runId);
        return new Promise((resolve) => {
          signal.addEventListener('abort', () => {
            resolve({ status: 'failed', output: '', message: 'killed by SIGKILL', durationMs: 1 });
          });
        });
      },
    };
    const generation = service(scripted([ANSWER]), tests);
    const run = await generation.startGenerate(
      userId,
      { prompt: 'add', language: 'javascript', repair: { rounds: 2 } },
      client,
    );
    runId = run.id;
    const all: GenerationEvent[] = [];
    for await (const event of run.events) {
      all.push(event);
    }
    expect(names(all)).toEqual(['start', 'round', 'repaired', 'error']);
    expect(all.find((e) => e.event === 'repaired')?.data).toEqual({ status: 'stopped', fixes: 0 });
    expect(all.at(-1)?.data).toMatchObject({ code: 'cancelled' });
    expect((await store.prompts.findById(run.id))?.status).toBe('completed');
    expect(await store.repairs.runsOfThread(userId, run.id)).toEqual(new Map());
  });

  it('stops when the tests cannot be run (runner error), without asking for a fix', async () => {
    const provider = scripted([ANSWER]);
    const broken = {
      run: () =>
        Promise.resolve({
          status: 'error' as const,
          output: '',
          message: 'Pyodide did not start',
          durationMs: 0,
        }),
    };
    const all = await events(service(provider, broken));
    expect(names(all)).toEqual(['start', 'round', 'run', 'repaired', 'done']);
    expect(all.find((e) => e.event === 'repaired')?.data).toEqual({
      status: 'error',
      fixes: 0,
      message: 'Pyodide did not start',
    });
    expect(provider.requests).toHaveLength(1);
  });

  it('sends one format reminder as a round of its own after an answer without tests', async () => {
    const provider = scripted(['Just prose, no code.', ANSWER]);
    const all = await events(service(provider, { run: () => Promise.resolve(PASSED) }));
    expect(names(all)).toEqual(['start', 'round', 'round', 'run', 'repaired', 'done']);
    expect(all.find((e) => e.event === 'repaired')?.data).toEqual({ status: 'passed', fixes: 0 });
    expect(provider.requests).toHaveLength(2);
    // The reminder is stored as such, so History does not count it as a fix.
    const reminder = all.filter((e) => e.event === 'round').map((e) => e.data as { id: string })[1];
    expect((await store.prompts.findById(reminder?.id ?? ''))?.params).toMatchObject({
      repairRound: 'format',
    });
  });

  it('Stop at another instance on the same store stops the round being answered', async () => {
    let answered = 0;
    const provider: ModelProvider = {
      ...scripted([]),
      async *generate(request: GenerationRequest): AsyncIterable<Chunk> {
        answered += 1;
        yield { type: 'token', text: ANSWER };
        if (answered > 1) {
          // The fix round: waits, as a slow model, until the run is stopped.
          await new Promise<void>((resolve) => {
            request.signal.addEventListener('abort', () => {
              resolve();
            });
          });
        }
      },
    };
    const owner = service(provider, { run: () => Promise.resolve(FAILED) });
    const other = service(scripted([]), { run: () => Promise.resolve(PASSED) });
    const run = await owner.startGenerate(
      userId,
      { prompt: 'add', language: 'javascript', repair: { rounds: 2 } },
      client,
    );
    const reader = run.read(0)[Symbol.asyncIterator]();
    const all: GenerationEvent[] = [];
    // Read up to the fix round's first token: the first round has finished, the second is being answered.
    while (!(all.at(-1)?.event === 'token' && all.some((e) => e.event === 'round' && e.data.round === 1))) {
      all.push(((await reader.next()).value as NumberedEvent).event);
    }
    await other.cancel(userId, run.id);
    expect(await owner.abortRequested()).toBe(1);
    for (let next = await reader.next(); next.done !== true; next = await reader.next()) {
      all.push(next.value.event);
    }
    expect(names(all)).toEqual(['start', 'round', 'run', 'round', 'repaired', 'error']);
    expect(all.find((e) => e.event === 'repaired')?.data).toEqual({ status: 'stopped', fixes: 1 });
    await expect(other.cancel(userId, run.id)).rejects.toMatchObject({ code: 'conflict' });
  });

  /** A test runner whose first run waits until `release` (or its abort); `started` resolves as it starts. */
  function heldTests(results: Awaited<ReturnType<RepairTests['run']>>[]) {
    let release: () => void = () => undefined;
    let started: () => void = () => undefined;
    const running = new Promise<void>((resolve) => {
      started = resolve;
    });
    let first = true;
    const tests: RepairTests = {
      run: (_input, signal) => {
        const result = results.shift() ?? PASSED;
        if (!first) {
          return Promise.resolve(result);
        }
        first = false;
        started();
        return new Promise((resolve) => {
          release = () => {
            resolve(result);
          };
          signal.addEventListener('abort', () => {
            resolve({ status: 'failed', output: '', message: 'killed by SIGKILL', durationMs: 1 });
          });
        });
      },
    };
    return {
      tests,
      running,
      release: () => {
        release();
      },
    };
  }

  async function readAll(events: AsyncIterable<GenerationEvent | NumberedEvent>): Promise<GenerationEvent[]> {
    const all: GenerationEvent[] = [];
    for await (const event of events) {
      all.push('event' in event && typeof event.event === 'object' ? event.event : event);
    }
    return all;
  }

  it('Stop at another instance during a test run ends the loop: the first turn is running until the end', async () => {
    const held = heldTests([FAILED]);
    const owner = service(scripted([ANSWER]), held.tests);
    const other = service(scripted([]), undefined);
    const body = { prompt: 'add', language: 'javascript' as const, repair: { rounds: 2 } };
    const run = await owner.startGenerate(userId, body, client);
    const ended = readAll(run.events);
    await held.running;
    // The answer is saved; the turn stays running while the loop lives, so the stop request has a run to go on.
    expect(await store.prompts.findById(run.id)).toMatchObject({ status: 'running', output: ANSWER });
    await other.cancel(userId, run.id);
    expect(await owner.abortRequested()).toBe(1);
    const all = await ended;
    expect(names(all)).toEqual(['start', 'round', 'repaired', 'error']);
    expect(all.find((e) => e.event === 'repaired')?.data).toEqual({ status: 'stopped', fixes: 0 });
    expect(await store.prompts.findById(run.id)).toMatchObject({ status: 'completed', output: ANSWER });
    await expect(other.cancel(userId, run.id)).rejects.toMatchObject({ code: 'conflict' });
  });

  it('a client attaching at another instance follows every round to the end of the loop', async () => {
    const held = heldTests([FAILED, PASSED]);
    const owner = service(scripted([ANSWER, ANSWER]), held.tests);
    const other = service(scripted([]), undefined);
    const body = { prompt: 'add', language: 'javascript' as const, repair: { rounds: 2 } };
    const run = await owner.startGenerate(userId, body, client);
    const atOwner = readAll(run.events);
    await held.running;
    const following = readAll(await other.attach(userId, run.id));
    held.release();
    const [own, followed] = await Promise.all([atOwner, following]);
    expect(names(followed)).toEqual(['start', 'round', 'run', 'round', 'run', 'repaired', 'done']);
    expect(followed.filter((e) => e.event !== 'start')).toEqual(own.filter((e) => e.event !== 'start'));
    expect(followed.at(-1)).toMatchObject({
      event: 'done',
      data: { id: expect.any(String), output: ANSWER },
    });
  });

  it('refuses repair when the server has no test runner', async () => {
    const generation = service(scripted([]), undefined);
    await expect(
      generation.startGenerate(userId, { prompt: 'add', language: 'python', repair: { rounds: 1 } }, client),
    ).rejects.toMatchObject({
      code: 'invalid_input',
      message: 'Test and fix is not available on this server.',
    });
  });
});
