import { describe, expect, it, vi } from 'vitest';
import type { Thread, ThreadTurn } from '../api/threads.api';
import { GenerationRun, type RunRequest } from '../stores/generation-run';
import { reopenedColumns, storedCompareOf } from './compare-thread';
import { modelListing } from './model-listing.fixture';
import { threadTurn } from './thread-turn.fixture';

const turn = (id: string, modelId: string, fields: Partial<ThreadTurn> = {}): ThreadTurn =>
  threadTurn({ id, modelId, prompt: 'Reverse a string', output: `answer of ${modelId}`, ...fields });

const thread = (turns: ThreadTurn[]): Thread => ({
  id: 't',
  title: 'Reverse a string',
  kind: 'compare',
  createdAt: '2026-01-01T10:00:00.000Z',
  updatedAt: '2026-01-01T10:00:00.000Z',
  turns,
});

describe('storedCompareOf', () => {
  it('makes a column of each version of the first position, with the model’s name and whether it answers with code', () => {
    const models = [
      modelListing({ id: 'a', name: 'Model A' }),
      modelListing({ id: 'b', name: 'Model B', format: 'completion' }),
    ];
    expect(storedCompareOf(thread([turn('1', 'a'), turn('2', 'b'), turn('3', 'gone')]), models)).toEqual({
      prompt: 'Reverse a string',
      language: 'python',
      columns: [
        { runId: '1', modelId: 'a', name: 'Model A', asCode: false },
        { runId: '2', modelId: 'b', name: 'Model B', asCode: true },
        { runId: '3', modelId: 'gone', name: 'gone', asCode: false },
      ],
    });
  });

  it('leaves out follow-ups and a model’s second version, and reads an unknown language as any', () => {
    const stored = storedCompareOf(
      thread([
        turn('1', 'a', { language: 'klingon' }),
        turn('2', 'a'),
        turn('3', 'b', { parentId: '1' }),
        turn('4', 'c'),
      ]),
      null,
    );
    expect(stored?.language).toBe('any');
    expect(stored?.columns.map((c) => c.runId)).toEqual(['1', '4']);
  });

  it('puts the columns in the order the user had them (each turn’s recorded column), not the order they were saved in', () => {
    const saved = [
      turn('1', 'b', { params: { column: 1, temperature: 0.2 } }),
      turn('2', 'c', { params: { column: 2 } }),
      turn('3', 'a', { params: { column: 0 } }),
    ];
    expect(storedCompareOf(thread(saved), null)?.columns.map((c) => c.modelId)).toEqual(['a', 'b', 'c']);
    // Turns saved without a column (an older Compare, an API client) keep their saved order, after the others.
    const mixed = [
      turn('1', 'x'),
      turn('2', 'b', { params: { column: 1 } }),
      turn('3', 'y', { params: { column: 'no' } }),
    ];
    expect(storedCompareOf(thread(mixed), null)?.columns.map((c) => c.modelId)).toEqual(['b', 'x', 'y']);
  });

  it('is null for a thread without a generated first position', () => {
    expect(storedCompareOf(thread([]), null)).toBeNull();
    expect(storedCompareOf(thread([turn('1', 'a', { kind: 'explain', code: 'x' })]), null)).toBeNull();
  });
});

describe('reopenedColumns', () => {
  const request = (modelId: string): RunRequest => ({
    kind: 'generate',
    body: { prompt: 'Reverse a string', language: 'python', modelId },
  });
  const stored = (turns: ThreadTurn[]) => {
    const compare = storedCompareOf(thread(turns), null);
    if (!compare) {
      throw new Error('not a compare');
    }
    return { thread: thread(turns), compare };
  };

  it('draws a finished turn from its record, ended (Done, Stopped, Failed), without attaching to it', () => {
    const { thread: t, compare } = stored([
      turn('1', 'a'),
      turn('2', 'b', { status: 'cancelled' }),
      turn('3', 'c', { status: 'failed', error: { code: 'provider_error', message: 'It broke.' } }),
    ]);
    const attach = vi.fn<(id: string, r: RunRequest) => GenerationRun>();
    const columns = reopenedColumns(t, compare, [], attach);
    expect(attach).not.toHaveBeenCalled();
    const snapshots = columns.map((c) => c.run.getSnapshot());
    expect(snapshots.map((s) => s.status)).toEqual(['done', 'stopped', 'failed']);
    expect(snapshots.map((s) => s.id)).toEqual(['1', '2', '3']);
    expect(snapshots[0]?.output).toBe('answer of a');
    expect(snapshots[0]?.result?.output).toBe('answer of a');
    expect(snapshots[2]?.error?.message).toBe('It broke.');
    expect(columns.map((c) => c.run.request)).toEqual([request('a'), request('b'), request('c')]);
    // An ended run has nothing to stop: Stop all leaves it as it is (and asks the server nothing).
    columns[0]?.run.stop();
    expect(columns[0]?.run.getSnapshot()).toBe(snapshots[0]);
  });

  it('follows a running turn live: by the run at hand for it, else by attaching to it', () => {
    const { thread: t, compare } = stored([
      turn('1', 'a', { status: 'running' }),
      turn('2', 'b', { status: 'running' }),
    ]);
    const held = new GenerationRun(request('a'), {}, '1');
    const attached = new GenerationRun(request('b'), {}, '2');
    const attach = vi.fn<(id: string, r: RunRequest) => GenerationRun>(() => attached);
    const other = new GenerationRun(request('x'), {}, '9');
    const columns = reopenedColumns(
      t,
      compare,
      [
        { modelId: 'x', name: 'x', asCode: false, run: other },
        { modelId: 'a', name: 'a', asCode: false, run: held },
      ],
      attach,
    );
    expect(columns[0]?.run).toBe(held);
    expect(columns[1]?.run).toBe(attached);
    expect(attach.mock.calls).toEqual([['2', request('b')]]);
  });
});
