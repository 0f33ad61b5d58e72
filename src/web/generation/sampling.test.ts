import { describe, expect, it } from 'vitest';
import { modelListing } from './model-listing.fixture';
import { draftFromDefaults, readSampling } from './sampling';

const model = modelListing({ isDefault: true });

describe('readSampling', () => {
  it('sends nothing when the fields hold the model’s defaults', () => {
    expect(readSampling(draftFromDefaults(model), model)).toEqual({ settings: {}, errors: {} });
  });

  it('sends only what the user changed, with a decimal comma accepted', () => {
    const draft = { ...draftFromDefaults(model), temperature: '0,7', maxTokens: '1024' };
    expect(readSampling(draft, model)).toEqual({
      settings: { temperature: 0.7, maxTokens: 1024 },
      errors: {},
    });
  });

  it('names each field that is out of range, with the API’s wording', () => {
    const draft = { temperature: '3', maxTokens: '4096', topP: '0' };
    expect(readSampling(draft, model).errors).toEqual({
      temperature: 'Temperature must be between 0 and 2.',
      maxTokens: 'Max tokens must be at most 2048 for this model.',
      topP: 'Top-p must be above 0 and at most 1.',
    });
    expect(readSampling({ ...draft, maxTokens: '1.5' }, model).errors.maxTokens).toMatch(/whole number/);
  });
});
