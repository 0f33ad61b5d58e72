import { describe, expect, it } from 'vitest';
import type { Logger } from '../logger.js';
import type { GenerationEvent } from '../../shared/generation.schemas.js';
import { pumpRun } from './run-pump.js';
import { RunRegistry, type RunTimers } from './run-registry.js';

const log = { warn: () => undefined, error: () => undefined } as unknown as Logger;

/** The events of a Test and fix run, with a pause after each token that lets the test fire the save timer. */
async function* events(pause: () => Promise<void>): AsyncGenerator<GenerationEvent> {
  yield { event: 'start', data: { id: 'run-1', modelId: 'm', threadId: 'run-1', parentId: null } };
  yield { event: 'round', data: { round: 0, id: 'run-1', parentId: null } };
  yield { event: 'token', data: { text: 'first ' } };
  await pause();
  yield { event: 'round', data: { round: 1, id: 'turn-2', parentId: 'run-1' } };
  yield { event: 'token', data: { text: 'fixed' } };
  yield { event: 'token', data: { text: ' code' } };
  await pause();
}

describe('pumpRun', () => {
  it("saves a Test and fix round's output so far on that round's turn, counted from its round event", async () => {
    const saved: [string, string, number | null][] = [];
    const due: (() => void)[] = [];
    const timers: RunTimers = {
      setTimeout: (callback) => due.push(callback),
      clearTimeout: () => undefined,
    };
    const prompts = {
      saveProgress: (id: string, output: string, tokens: number | null) => {
        saved.push([id, output, tokens]);
        return Promise.resolve(true);
      },
    };
    const registry = new RunRegistry(60_000, timers);
    const live = registry.add('run-1', 'u1', () => undefined);
    const fire = () => {
      for (const callback of due.splice(0)) {
        callback();
      }
      return Promise.resolve();
    };
    await pumpRun({ prompts, log, timers, registry }, 'run-1', events(fire), live);
    expect(saved).toEqual([
      ['run-1', 'first ', 1],
      ['turn-2', 'fixed code', 2],
    ]);
  });
});
