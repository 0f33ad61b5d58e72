import type { ThreadTurn } from '../api/threads.api';

/**
 * For unit tests: a finished generate turn as GET /api/threads/:id lists it
 * (the first position of its thread, no usage or timings recorded), `fields`
 * changed. An explain turn is `threadTurn({ kind: 'explain', code })`.
 */
export function threadTurn(fields: Partial<ThreadTurn> = {}): ThreadTurn {
  return {
    kind: 'generate',
    id: 'a',
    parentId: null,
    modelId: 'm',
    prompt: 'Add two numbers',
    output: 'def add(a, b): ...',
    code: null,
    language: 'python',
    status: 'completed',
    params: {},
    sections: null,
    error: null,
    usage: { promptTokens: null, completionTokens: null },
    timings: { firstTokenMs: null, totalMs: null, tokensPerSecond: null },
    createdAt: '2026-01-01T10:00:00.000Z',
    finishedAt: null,
    ...fields,
  } as ThreadTurn;
}
