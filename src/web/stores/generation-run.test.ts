import { afterEach, describe, expect, it, vi } from 'vitest';
import type { GenerationEvent, GenerationResult } from '../../shared/generation.schemas';
import { GenerationRun, type RunRequest } from './generation-run';

const request: RunRequest = { kind: 'generate', body: { prompt: 'add two numbers', language: 'python' } };

const start: GenerationEvent = {
  event: 'start',
  data: { id: 'run-1', modelId: 'tiny', threadId: 'run-1', parentId: null },
};
const token = (text: string): GenerationEvent => ({ event: 'token', data: { text } });
const result = (output: string): GenerationResult => ({
  id: 'run-1',
  threadId: 'run-1',
  parentId: null,
  modelId: 'tiny',
  output,
  code: null,
  language: 'python',
  usage: { promptTokens: 3, completionTokens: 3 },
  timings: { firstTokenMs: 5, totalMs: 9 },
});

/** Events as sse.ts writes them, numbered from `first`. */
function stream(events: GenerationEvent[], first = 1): Response {
  const text = events
    .map((e, i) => `id: ${first + i}\nevent: ${e.event}\ndata: ${JSON.stringify(e.data)}\n\n`)
    .join('');
  return new Response(text, { status: 200, headers: { 'Content-Type': 'text/event-stream' } });
}

/** Answers each fetch with the next response; records what was asked. */
function serve(...responses: Response[]) {
  const calls: { url: string; method: string; lastEventId: string | null }[] = [];
  vi.stubGlobal('fetch', (url: string, init: RequestInit) => {
    const headers = new Headers(init.headers);
    calls.push({ url, method: init.method ?? 'GET', lastEventId: headers.get('Last-Event-ID') });
    return Promise.resolve(responses.shift() ?? stream([]));
  });
  return calls;
}

afterEach(() => {
  vi.unstubAllGlobals();
});

describe('GenerationRun across broken connections', () => {
  it('attaches again after the last event it read when the stream breaks mid-answer', async () => {
    const calls = serve(
      stream([start, token('def '), token('add')]),
      stream([token('(a, b)'), { event: 'done', data: result('def add(a, b)') }], 4),
    );
    const run = new GenerationRun(request);
    await run.start();
    expect(run.getSnapshot()).toMatchObject({ status: 'done', id: 'run-1', output: 'def add(a, b)' });
    expect(calls).toEqual([
      { url: '/api/generate', method: 'POST', lastEventId: null },
      { url: '/api/generations/run-1/events', method: 'GET', lastEventId: '3' },
    ]);
  });

  it('begins the answer afresh when the run has finished meanwhile and replays from its start', async () => {
    serve(
      stream([start, token('def ')]),
      stream([start, token('def add(a, b)'), { event: 'done', data: result('def add(a, b)') }]),
    );
    const run = new GenerationRun(request);
    await run.start();
    expect(run.getSnapshot()).toMatchObject({ status: 'done', output: 'def add(a, b)', tokenEvents: 1 });
  });

  it('gives up, saying the answer was cut off, when attaching again brings nothing new', async () => {
    const calls = serve(stream([start, token('def ')]));
    const run = new GenerationRun(request);
    await run.start();
    expect(run.getSnapshot()).toMatchObject({
      status: 'failed',
      output: 'def ',
      error: { code: 'interrupted' },
    });
    // The first try, then three attaches in a row without progress.
    expect(calls.map((c) => c.lastEventId)).toEqual([null, '2', '2', '2']);
  });

  it('attaches to a run by id after a reload: what was written so far, then the rest', async () => {
    const calls = serve(
      stream([start, token('def '), token('add'), { event: 'done', data: result('def add') }]),
    );
    const run = new GenerationRun(request, {}, 'run-1');
    expect(run.getSnapshot().id).toBe('run-1');
    await run.start();
    expect(run.getSnapshot()).toMatchObject({ status: 'done', output: 'def add' });
    expect(calls).toEqual([{ url: '/api/generations/run-1/events', method: 'GET', lastEventId: null }]);
  });
});

describe('GenerationRun with Test and fix', () => {
  const repairRequest: RunRequest = {
    kind: 'generate',
    body: { prompt: 'add two numbers', language: 'python', repair: { rounds: 2 } },
  };
  const failed = {
    status: 'failed' as const,
    output: 'AssertionError',
    message: 'AssertionError',
    durationMs: 7,
  };
  const events: GenerationEvent[] = [
    start,
    { event: 'round', data: { round: 0, id: 'run-1', parentId: null } },
    token('wrong'),
    { event: 'run', data: { round: 0, ...failed } },
    { event: 'round', data: { round: 1, id: 'run-2', parentId: 'run-1' } },
    token('right'),
    { event: 'run', data: { round: 1, status: 'passed', output: '', durationMs: 5 } },
    { event: 'repaired', data: { status: 'passed', fixes: 1 } },
    { event: 'done', data: { ...result('right'), id: 'run-2', parentId: 'run-1' } },
  ];

  it('keeps each round with its answer and test run; the current answer is the last round', async () => {
    serve(stream(events));
    const run = new GenerationRun(repairRequest);
    expect(run.getSnapshot().repair).toEqual({ rounds: [], outcome: null });
    await run.start();
    expect(run.getSnapshot()).toMatchObject({ status: 'done', id: 'run-1', output: 'right' });
    expect(run.getSnapshot().repair).toEqual({
      rounds: [
        { round: 0, id: 'run-1', parentId: null, output: 'wrong', run: failed },
        {
          round: 1,
          id: 'run-2',
          parentId: 'run-1',
          output: '',
          run: { status: 'passed', output: '', durationMs: 5 },
        },
      ],
      outcome: { status: 'passed', fixes: 1 },
    });
  });

  it('shows the rounds again, once each, when attached after a reload and the run replays', async () => {
    serve(stream(events.slice(0, 5)), stream(events, 1));
    // Attached by id with a request that no longer says `repair` (as after a reload).
    const run = new GenerationRun(request, {}, 'run-1');
    await run.start();
    expect(run.getSnapshot().repair?.rounds.map((r) => [r.id, r.output, r.run?.status])).toEqual([
      ['run-1', 'wrong', 'failed'],
      ['run-2', '', 'passed'],
    ]);
  });
});
