import { readHandoff, type HandoffFields } from './handoff';

/** Router state Generate, Compare and History pass to Explain with "Explain this code". */
export interface ExplainLocationState extends HandoffFields {
  code: string;
  /** The generation the code came from; the explanation is linked to it. */
  generationId?: string;
}

/** The handed-over code, or null when the page was opened directly (or the state is not ours). */
export function readExplainState(state: unknown): ExplainLocationState | null {
  const handoff = readHandoff(state, 'code');
  if (!handoff) {
    return null;
  }
  const { generationId } = handoff.rest;
  return {
    code: handoff.text,
    ...handoff.fields,
    ...(typeof generationId === 'string' ? { generationId } : {}),
  };
}
