import { describe, expect, it } from 'vitest';
import type { ModelListing } from '../api/generation.api';
import { MESSAGES } from '../../shared/messages';
import { modelListing } from '../generation/model-listing.fixture';
import {
  cannotDoReason,
  changesByItself,
  followUpReason,
  listedFor,
  pickInitialModel,
  resolveModel,
} from './models.store';

const listing = (id: string, fields: Partial<ModelListing> = {}): ModelListing =>
  modelListing({ id, name: id.toUpperCase(), ...fields });

/** A code-completion model: it generates, it cannot explain. */
const base = listing('base', {
  format: 'completion',
  tasks: ['generate'],
  followUps: false,
  isDefault: true,
});
const chat = listing('chat');
const other = listing('other');

describe('models for a task', () => {
  it('lists a completion model as unavailable for Explain, with the reason from MESSAGES, and as is for Generate', () => {
    expect(cannotDoReason(base, 'explain')).toBe(`BASE ${MESSAGES.cannotExplain}`);
    expect(listedFor(base, 'explain')).toMatchObject({
      status: 'unavailable',
      reason: `BASE ${MESSAGES.cannotExplain}`,
    });
    expect(cannotDoReason(base, 'generate')).toBeNull();
    expect(listedFor(base, 'generate')).toBe(base);
    expect(listedFor(chat, 'explain')).toBe(chat);
  });

  it('lists a completion model as unavailable for a turn after earlier ones, with the follow-up reason', () => {
    expect(followUpReason(base)).toBe(`BASE ${MESSAGES.cannotFollowUp}`);
    expect(followUpReason(chat)).toBeNull();
    expect(listedFor(base, 'generate', true)).toMatchObject({
      status: 'unavailable',
      reason: `BASE ${MESSAGES.cannotFollowUp}`,
    });
    // A thread's first turn takes no earlier ones: the base model may write it again.
    expect(listedFor(base, 'generate', false)).toBe(base);
    // On Explain it cannot explain at all, which says more than "no follow-ups".
    expect(cannotDoReason(base, 'explain', true)).toBe(`BASE ${MESSAGES.cannotExplain}`);
    expect(listedFor(chat, 'generate', true)).toBe(chat);
    expect(listedFor(chat, 'explain', true)).toBe(chat);
  });

  it('never preselects a model that cannot explain on Explain, even the default or the remembered one', () => {
    const models = [base, chat, other];
    expect(pickInitialModel(models, 'base', 'explain')).toBe('chat');
    expect(pickInitialModel(models, 'other', 'explain')).toBe('other');
    expect(pickInitialModel([base], null, 'explain')).toBeNull();
    // Generate still offers it, and starts from the default.
    expect(pickInitialModel(models, null)).toBe('base');
    expect(pickInitialModel(models, 'base')).toBe('base');
  });

  it('prefers a ready model that can explain, else one that will be able to once it is back', () => {
    const down = listing('down', { status: 'unavailable', reason: 'The model server cannot be reached.' });
    expect(
      pickInitialModel([base, down, listing('later', { status: 'not-downloaded' })], null, 'explain'),
    ).toBe('later');
    expect(pickInitialModel([base, down], null, 'explain')).toBe('down');
  });

  it('replaces a handed-over completion model on Explain, but keeps one the user picked there', () => {
    const models = [base, chat];
    expect(resolveModel(models, { id: 'base', picked: false }, null, 'explain')).toBe('chat');
    expect(resolveModel(models, { id: 'base', picked: true }, null, 'explain')).toBe('base');
    expect(resolveModel(models, { id: 'chat', picked: false }, null, 'explain')).toBe('chat');
    expect(resolveModel(models, { id: 'gone', picked: true }, 'chat', 'explain')).toBe('chat');
    expect(resolveModel(null, { id: 'base', picked: false }, null, 'explain')).toBe('base');
    expect(resolveModel(models, { id: 'base', picked: false }, null, 'generate')).toBe('base');
  });
});

describe('polling', () => {
  it('follows a download and a file check until they end, and nothing else', () => {
    expect(changesByItself({ status: 'downloading' })).toBe(true);
    expect(changesByItself({ status: 'verifying' })).toBe(true);
    expect(changesByItself({ status: 'ready' })).toBe(false);
    expect(changesByItself({ status: 'not-downloaded' })).toBe(false);
    expect(changesByItself({ status: 'unavailable' })).toBe(false);
  });
});
