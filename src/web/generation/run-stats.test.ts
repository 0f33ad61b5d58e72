import { describe, expect, it } from 'vitest';
import type { RunSnapshot } from '../stores/generation-run';
import { formatBytes, formatDuration, formatRate, runStats } from './run-stats';

const base: RunSnapshot = {
  status: 'streaming',
  modelId: 'm',
  id: 'g1',
  output: '',
  result: null,
  error: null,
  waitMessage: null,
  startedAt: 1000,
  firstTokenAt: null,
  endedAt: null,
  tokenEvents: 0,
  threadId: null,
  parentId: null,
  omittedTurns: 0,
};

describe('runStats', () => {
  it('measures a live run in the browser', () => {
    expect(runStats(base, 1500)).toEqual({
      elapsedMs: 500,
      firstTokenMs: null,
      tokens: 0,
      tokensPerSecond: null,
    });
    const live = { ...base, firstTokenAt: 1400, tokenEvents: 20 };
    expect(runStats(live, 3400)).toEqual({
      elapsedMs: 2400,
      firstTokenMs: 400,
      tokens: 20,
      tokensPerSecond: 10,
    });
  });

  it('freezes a stopped run at the moment it stopped', () => {
    const stopped = {
      ...base,
      status: 'stopped' as const,
      firstTokenAt: 1200,
      endedAt: 2200,
      tokenEvents: 5,
    };
    expect(runStats(stopped, 99_999)).toMatchObject({ elapsedMs: 1200, tokensPerSecond: 5 });
  });

  it('uses the server’s timings and token count once done', () => {
    const done: RunSnapshot = {
      ...base,
      status: 'done',
      tokenEvents: 30,
      result: {
        id: 'g1',
        threadId: 'g1',
        parentId: null,
        modelId: 'm',
        output: '',
        code: null,
        language: 'python',
        usage: { promptTokens: 10, completionTokens: 40 },
        timings: { firstTokenMs: 500, totalMs: 2500 },
      },
    };
    expect(runStats(done, 0)).toEqual({
      elapsedMs: 2500,
      firstTokenMs: 500,
      tokens: 40,
      tokensPerSecond: 20,
    });
  });
});

describe('formatting', () => {
  it('reads like people say it', () => {
    expect(formatDuration(412.4)).toBe('412 ms');
    expect(formatDuration(3240)).toBe('3.2 s');
    expect(formatDuration(125_000)).toBe('2 min 5 s');
    expect(formatRate(18.46)).toBe('18.5 tokens/s');
    expect(formatRate(240.2)).toBe('240 tokens/s');
    expect(formatBytes(874_000_000)).toBe('874 MB');
    expect(formatBytes(1_790_000_000)).toBe('1.8 GB');
  });
});
