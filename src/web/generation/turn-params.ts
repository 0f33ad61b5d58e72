import type { ThreadTurn } from '../api/threads.api';

/** What a turn's request carried besides its text, sent again by Regenerate. */
export interface TurnParams {
  temperature?: number;
  maxTokens?: number;
  topP?: number;
  level?: 'beginner' | 'intermediate' | 'expert';
  format?: 'overview' | 'line-by-line';
}

/** A stored turn's settings (sampling, and Explain's level and format). */
export function paramsOf(turn: ThreadTurn, sameModel: boolean): TurnParams {
  const { temperature, maxTokens, topP, level, format } = turn.params;
  return {
    // Another model starts from its own sampling defaults.
    ...(sameModel && typeof temperature === 'number' ? { temperature } : {}),
    ...(sameModel && typeof maxTokens === 'number' ? { maxTokens } : {}),
    ...(sameModel && typeof topP === 'number' ? { topP } : {}),
    ...(level === 'beginner' || level === 'intermediate' || level === 'expert' ? { level } : {}),
    ...(format === 'overview' || format === 'line-by-line' ? { format } : {}),
  };
}
