import { afterEach, describe, expect, it, vi } from 'vitest';
import { GENERATION_EVENT_NAMES } from '../../shared/generation-events';
import { generationEventSchema, type GenerationEvent } from '../../shared/generation.schemas';
import { streamRun } from './generation.api';

/** One of each event, as the server's sse.ts writes them. */
const EVENTS: GenerationEvent[] = [
  {
    event: 'start',
    data: { id: 'run-1', modelId: 'tiny', threadId: 'run-1', parentId: null, omittedTurns: 0 },
  },
  { event: 'token', data: { text: 'def add' } },
  {
    event: 'done',
    data: {
      id: 'run-1',
      threadId: 'run-1',
      parentId: null,
      modelId: 'tiny',
      output: 'def add(a, b):\n    return a + b',
      code: null,
      language: 'python',
      sections: [{ startLine: 1, endLine: 2, explanation: 'Adds two numbers.' }],
      usage: { promptTokens: 3, completionTokens: 2 },
      timings: { firstTokenMs: 5, totalMs: 9 },
    },
  },
  { event: 'error', data: { code: 'busy', message: 'Busy.', retryAfterSeconds: 4 } },
  { event: 'round', data: { round: 1, id: 'run-2', parentId: 'run-1' } },
  {
    event: 'run',
    data: { round: 1, status: 'failed', output: 'AssertionError', message: 'AssertionError', durationMs: 12 },
  },
  { event: 'repaired', data: { status: 'passed', fixes: 1 } },
];

function sse(messages: string[]): void {
  vi.stubGlobal('fetch', () =>
    Promise.resolve(
      new Response(messages.join(''), { status: 200, headers: { 'Content-Type': 'text/event-stream' } }),
    ),
  );
}

async function read(): Promise<GenerationEvent[]> {
  const events: GenerationEvent[] = [];
  for await (const event of streamRun('generate', { prompt: 'add' }, new AbortController().signal)) {
    events.push(event);
  }
  return events;
}

afterEach(() => {
  vi.unstubAllGlobals();
});

describe('streamRun', () => {
  it('yields every shared event as the server sends it', async () => {
    expect(EVENTS.map((e) => e.event)).toEqual([...GENERATION_EVENT_NAMES]);
    for (const e of EVENTS) {
      generationEventSchema.parse(e);
    }
    sse(EVENTS.map((e) => `event: ${e.event}\ndata: ${JSON.stringify(e.data)}\n\n`));
    expect(await read()).toEqual(EVENTS);
  });

  it('skips messages that are not our events, comments and data that is not JSON', async () => {
    sse([
      ': keep-alive\n\n',
      'event: progress\ndata: {"percent": 5}\n\n',
      'data: {"text": "no event name"}\n\n',
      'event: token\ndata: not json\n\n',
      'event: token\ndata: {"text": "kept"}\n\n',
    ]);
    expect(await read()).toEqual([{ event: 'token', data: { text: 'kept' } }]);
  });
});
