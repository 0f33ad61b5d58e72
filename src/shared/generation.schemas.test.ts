import { describe, expect, it } from 'vitest';
import { GENERATION_EVENT_NAMES } from './generation-events.js';
import { generationEventSchema } from './generation.schemas.js';

describe('generation events', () => {
  it('names exactly the events the schema describes, in stream order', () => {
    // The web app checks event names against the zod-free list: a schema event missing from it would be dropped.
    const schemaNames = generationEventSchema.options.map((option) => option.shape.event.value);
    expect(schemaNames).toEqual([...GENERATION_EVENT_NAMES]);
  });
});
