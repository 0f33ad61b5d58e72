import { describe, expect, it } from 'vitest';
import { readExplainState } from './explain-handoff';

describe('readExplainState', () => {
  it('takes the code with its language, generation, model and source', () => {
    expect(
      readExplainState({
        code: 'print(1)',
        language: 'python',
        generationId: 'g1',
        modelId: 'm1',
        source: 'your generation',
      }),
    ).toEqual({
      code: 'print(1)',
      language: 'python',
      generationId: 'g1',
      modelId: 'm1',
      source: 'your generation',
    });
  });

  it('is null for a page opened directly or state without code', () => {
    expect(readExplainState(null)).toBeNull();
    expect(readExplainState({ fromList: true })).toBeNull();
    expect(readExplainState({ code: ' \n ' })).toBeNull();
  });

  it('drops values Explain could not use', () => {
    expect(
      readExplainState({ code: 'x', language: 'cobol', modelId: '', generationId: 7, source: 1 }),
    ).toEqual({
      code: 'x',
    });
  });
});
