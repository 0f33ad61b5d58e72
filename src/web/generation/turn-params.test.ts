import { describe, expect, it } from 'vitest';
import type { ThreadTurn } from '../api/threads.api';
import { paramsOf } from './turn-params';

const base = {
  id: 't',
  parentId: null,
  modelId: 'm',
  output: '',
  language: 'python',
  status: 'completed' as const,
  sections: null,
  error: null,
  usage: { promptTokens: 1, completionTokens: 1 },
  timings: { firstTokenMs: 1, totalMs: 1, tokensPerSecond: 1 },
  createdAt: '2026-01-01T00:00:00.000Z',
  finishedAt: null,
};

describe('paramsOf (what Retry sends again)', () => {
  const generate: ThreadTurn = {
    ...base,
    kind: 'generate',
    prompt: 'p',
    code: null,
    params: { temperature: 0.7, maxTokens: 300, topP: 0.9 },
  };

  it("repeats a turn's sampling settings with the same model", () => {
    expect(paramsOf(generate, true)).toEqual({ temperature: 0.7, maxTokens: 300, topP: 0.9 });
  });

  it("leaves them to another model's defaults", () => {
    expect(paramsOf(generate, false)).toEqual({});
  });

  it("keeps an explanation's level and format with any model, and ignores malformed values", () => {
    const explain: ThreadTurn = {
      ...base,
      kind: 'explain',
      code: 'x = 1',
      params: { level: 'expert', format: 'line-by-line', temperature: '0.5', maxTokens: null },
    };
    expect(paramsOf(explain, false)).toEqual({ level: 'expert', format: 'line-by-line' });
    expect(paramsOf(explain, true)).toEqual({ level: 'expert', format: 'line-by-line' });
    expect(paramsOf({ ...explain, params: { level: 'guru', format: 'poem' } }, true)).toEqual({});
  });
});
