import { describe, expect, it } from 'vitest';
import { GenerationRun, type RunSnapshot } from '../stores/generation-run';
import { refusalInThread } from './useConversation';

const refusal = { code: 'model_cannot_follow_up', message: 'Remote Base cannot.', fields: {} };
const snapshotOf = (threadId: string | null): RunSnapshot =>
  new GenerationRun({
    kind: 'generate',
    body: {
      prompt: 'now add type hints',
      language: 'python',
      ...(threadId ? { threadId, parentId: 'a' } : {}),
    },
  }).getSnapshot();

describe('refusalInThread (where a refused request says why)', () => {
  it('is the error of a follow-up or Retry refused before it started', () => {
    const failed = { ...snapshotOf('t1'), status: 'failed' as const, error: refusal };
    expect(refusalInThread(failed)).toBe(refusal);
  });

  it('is null for a new request, a run that started, a run still going, and no run', () => {
    const base = { status: 'failed' as const, error: refusal };
    // A new request has no thread yet: its refusal belongs with the form.
    expect(refusalInThread({ ...snapshotOf(null), ...base })).toBeNull();
    // A run that failed after `start` is a turn of the thread, drawn with its error.
    expect(refusalInThread({ ...snapshotOf('t1'), ...base, id: 'b' })).toBeNull();
    expect(refusalInThread(snapshotOf('t1'))).toBeNull();
    expect(refusalInThread(null)).toBeNull();
  });
});
