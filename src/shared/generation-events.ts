/**
 * The names of a streamed generation's server-sent events, in the order they
 * come: `start`, `token`*, then `done` or `error`; a Test and fix run
 * (`repair`) also has, per round, `round` before its tokens and `run` after
 * them, and `repaired` before its end. Zod-free, so the web app
 * can check names at run time without bundling zod; the payload of each is
 * `generationEventSchema` in generation.schemas.ts.
 */
export const GENERATION_EVENT_NAMES = [
  'start',
  'token',
  'done',
  'error',
  'round',
  'run',
  'repaired',
] as const;

export type GenerationEventName = (typeof GENERATION_EVENT_NAMES)[number];

/** Whether an SSE `event:` field names one of our events. */
export function isGenerationEventName(name: string | undefined): name is GenerationEventName {
  return (GENERATION_EVENT_NAMES as readonly (string | undefined)[]).includes(name);
}
