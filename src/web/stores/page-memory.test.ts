import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { GenerationRun, type RunRequest } from './generation-run';
import {
  forgetPageMemory,
  MAX_REMEMBERED_THREADS,
  readPageMemory,
  readThreadVersions,
  writePageMemory,
  writeThreadVersions,
} from './page-memory';
import { createWorkspace } from './workspace';

/** The part of the Web Storage API the page memory uses, in memory. */
class MemoryStorage {
  private readonly items = new Map<string, string>();
  get length(): number {
    return this.items.size;
  }
  key(index: number): string | null {
    return [...this.items.keys()][index] ?? null;
  }
  getItem(key: string): string | null {
    return this.items.get(key) ?? null;
  }
  setItem(key: string, value: string): void {
    this.items.set(key, value);
  }
  removeItem(key: string): void {
    this.items.delete(key);
  }
}

const request: RunRequest = { kind: 'generate', body: { prompt: 'add two numbers', language: 'python' } };

interface Values {
  prompt: string;
  run: GenerationRun | null;
}

/** A page's workspace kept in the browser, as GeneratePage makes it; a new one is what a reload sees. */
function pageWorkspace(restored: { runId: string | null }) {
  return createWorkspace<Values>(() => ({ prompt: '', run: null }), undefined, {
    page: 'generate',
    draftOf: (values) => values.prompt,
    runsOf: (values) => (values.run ? [{ run: values.run }] : []),
    restore: (memory, values) => {
      restored.runId = memory.runs?.[0]?.id ?? null;
      return { prompt: memory.draft ?? values.prompt };
    },
  });
}

describe('page memory', () => {
  beforeEach(() => {
    Object.assign(globalThis, { localStorage: new MemoryStorage() });
  });
  afterEach(() => {
    Reflect.deleteProperty(globalThis, 'localStorage');
  });

  it("keeps a page's draft and its run for one user, and restores them after a reload", () => {
    const before = pageWorkspace({ runId: null });
    before.read('user-1');
    // Attached to run-1 (its id is known): remembered with its request.
    before.write({ prompt: 'a function that adds', run: new GenerationRun(request, {}, 'run-1') });
    expect(readPageMemory('user-1', 'generate')).toEqual({
      draft: 'a function that adds',
      runs: [{ id: 'run-1', request }],
    });

    const restored = { runId: null as string | null };
    const reloaded = pageWorkspace(restored);
    expect(reloaded.read('user-1').prompt).toBe('a function that adds');
    expect(restored.runId).toBe('run-1');
    // Another user of the same browser starts empty.
    expect(pageWorkspace({ runId: null }).read('user-2').prompt).toBe('');
  });

  it('does not remember a run before the server has named it', () => {
    const workspace = pageWorkspace({ runId: null });
    workspace.read('user-1');
    workspace.write({ prompt: 'x', run: new GenerationRun(request) });
    expect(readPageMemory('user-1', 'generate')).toEqual({ draft: 'x', runs: [] });
  });

  it('forgets every page of every user, and nothing else', () => {
    writePageMemory('user-1', 'generate', { draft: 'one' });
    writePageMemory('user-2', 'compare', { draft: 'two' });
    localStorage.setItem('codegenie.generation', '{"modelId":"m"}');
    forgetPageMemory();
    expect(readPageMemory('user-1', 'generate')).toEqual({});
    expect(readPageMemory('user-2', 'compare')).toEqual({});
    expect(localStorage.getItem('codegenie.generation')).toBe('{"modelId":"m"}');
  });

  it('keeps the versions on screen per user and thread, the most recent threads only, and forgets them on sign-out', () => {
    writeThreadVersions('user-1', 't1', { choices: { '': 'a', a: 'b1' }, live: 'b2' });
    writeThreadVersions('user-1', 't2', { choices: {}, live: null });
    expect(readThreadVersions('user-1', 't1')).toEqual({ choices: { '': 'a', a: 'b1' }, live: 'b2' });
    expect(readThreadVersions('user-2', 't1')).toBeNull();
    expect(readThreadVersions('user-1', 'other')).toBeNull();

    for (let i = 0; i < MAX_REMEMBERED_THREADS; i++) {
      writeThreadVersions('user-1', `new-${String(i)}`, { choices: {}, live: null });
    }
    expect(readThreadVersions('user-1', 't1')).toBeNull();
    expect(readThreadVersions('user-1', 'new-0')).not.toBeNull();

    forgetPageMemory();
    expect(readThreadVersions('user-1', 'new-0')).toBeNull();
  });

  it('ignores kept versions that are not ours', () => {
    localStorage.setItem(
      'codegenie.page.user-1.threads',
      JSON.stringify([
        { threadId: 't', choices: { a: 5 }, live: null },
        { threadId: 'u', choices: {}, live: 'x' },
      ]),
    );
    expect(readThreadVersions('user-1', 't')).toBeNull();
    expect(readThreadVersions('user-1', 'u')).toEqual({ choices: {}, live: 'x' });
    localStorage.setItem('codegenie.page.user-1.threads', '{not json');
    expect(readThreadVersions('user-1', 'u')).toBeNull();
  });

  it('ignores what is not a remembered run, and works with storage disabled', () => {
    localStorage.setItem(
      'codegenie.page.user-1.explain',
      JSON.stringify({ draft: 5, runs: [{ id: 'r' }, { id: 'ok', request: { kind: 'explain', body: {} } }] }),
    );
    expect(readPageMemory('user-1', 'explain')).toEqual({
      runs: [{ id: 'ok', request: { kind: 'explain', body: {} } }],
    });
    Reflect.deleteProperty(globalThis, 'localStorage');
    expect(readPageMemory('user-1', 'explain')).toEqual({});
    expect(() => {
      writePageMemory('user-1', 'explain', { draft: 'x' });
      forgetPageMemory();
    }).not.toThrow();
  });
});
