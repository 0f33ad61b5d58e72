import type { RunSnapshot } from '../stores/generation-run';

/** The numbers shown under an answer. */
export interface RunStats {
  elapsedMs: number;
  /** Null until the first token arrives (or when none did). */
  firstTokenMs: number | null;
  /** Completion tokens so far (the server's count once done). */
  tokens: number;
  /** Tokens per second after the first token; null until it can be measured. */
  tokensPerSecond: number | null;
}

/**
 * Timings of a run at `now` (performance.now()). A finished run uses the
 * server's figures (time to first token includes loading the model, the
 * token count is the model's own); a live, stopped or failed one the
 * browser's.
 */
export function runStats(run: RunSnapshot, now: number): RunStats {
  if (run.result) {
    const { totalMs, firstTokenMs } = run.result.timings;
    const tokens = run.result.usage.completionTokens || run.tokenEvents;
    return {
      elapsedMs: totalMs,
      firstTokenMs,
      tokens,
      tokensPerSecond: rate(tokens, firstTokenMs === null ? null : totalMs - firstTokenMs),
    };
  }
  const end = run.endedAt ?? now;
  return {
    elapsedMs: Math.max(0, end - run.startedAt),
    firstTokenMs: run.firstTokenAt === null ? null : run.firstTokenAt - run.startedAt,
    tokens: run.tokenEvents,
    tokensPerSecond: rate(run.tokenEvents, run.firstTokenAt === null ? null : end - run.firstTokenAt),
  };
}

function rate(tokens: number, ms: number | null): number | null {
  // Below a few tokens or a tenth of a second the figure is noise.
  if (ms === null || ms < 100 || tokens < 2) {
    return null;
  }
  return tokens / (ms / 1000);
}

/** "412 ms", "3.2 s", "2 min 5 s". */
export function formatDuration(ms: number): string {
  if (ms < 1000) {
    return `${Math.round(ms)} ms`;
  }
  if (ms < 60_000) {
    return `${(ms / 1000).toFixed(1)} s`;
  }
  const seconds = Math.round(ms / 1000);
  return `${Math.floor(seconds / 60)} min ${seconds % 60} s`;
}

/** "18.5 tokens/s", "120 tokens/s". */
export function formatRate(tokensPerSecond: number): string {
  return `${tokensPerSecond < 100 ? tokensPerSecond.toFixed(1) : Math.round(tokensPerSecond)} tokens/s`;
}

/** "874 MB", "1.8 GB". */
export function formatBytes(bytes: number): string {
  if (bytes >= 1e9) {
    return `${(bytes / 1e9).toFixed(bytes >= 1e10 ? 0 : 1)} GB`;
  }
  if (bytes >= 1e6) {
    return `${Math.round(bytes / 1e6)} MB`;
  }
  if (bytes >= 1e3) {
    return `${Math.round(bytes / 1e3)} KB`;
  }
  return `${bytes} bytes`;
}
