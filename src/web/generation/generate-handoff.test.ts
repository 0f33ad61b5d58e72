import { describe, expect, it } from 'vitest';
import { readGenerateState, settingsFromParams } from './generate-handoff';

describe('readGenerateState', () => {
  it('takes a prompt with its language, model, settings and source', () => {
    expect(
      readGenerateState({
        prompt: 'Sum a list',
        language: 'go',
        modelId: 'remote-coder',
        settings: { temperature: 0.9, topP: 0.8, maxTokens: 300 },
        source: 'your history',
      }),
    ).toEqual({
      prompt: 'Sum a list',
      language: 'go',
      modelId: 'remote-coder',
      settings: { temperature: 0.9, topP: 0.8, maxTokens: 300 },
      source: 'your history',
    });
  });

  it('is null for a page opened directly or state that is not a handoff', () => {
    expect(readGenerateState(null)).toBeNull();
    expect(readGenerateState(undefined)).toBeNull();
    expect(readGenerateState({ fromList: true })).toBeNull();
    expect(readGenerateState({ prompt: '   ' })).toBeNull();
  });

  it('drops values the Generate form could not use', () => {
    expect(
      readGenerateState({
        prompt: 'x',
        language: 'cobol',
        modelId: 7,
        settings: { temperature: 5, topP: 0, maxTokens: 1.5 },
      }),
    ).toEqual({ prompt: 'x' });
  });
});

describe('settingsFromParams', () => {
  it('keeps the sampling settings of a stored record, not its stop sequences or explain options', () => {
    expect(
      settingsFromParams({ temperature: 0, topP: 1, maxTokens: 64, stop: ['\n\n'], level: 'expert' }),
    ).toEqual({ temperature: 0, topP: 1, maxTokens: 64 });
    expect(settingsFromParams({ stop: [] })).toBeUndefined();
  });
});
