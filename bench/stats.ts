/** What the benches share: timing one run and summing up the samples. */

/** The `q` quantile (0 to 1) of the samples, nearest rank from below; 0 when there are none. */
export function quantile(samples: readonly number[], q: number): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;
}

/** The median of the samples (the upper one of an even count). */
export function median(samples: readonly number[]): number {
  return quantile(samples, 0.5);
}

/** Milliseconds `run` takes. */
export async function timedMs(run: () => Promise<unknown>): Promise<number> {
  const start = performance.now();
  await run();
  return performance.now() - start;
}

/** Median and 95th percentile of the samples, in the samples' unit. */
export function summary(samples: readonly number[]): { median: number; p95: number } {
  return { median: median(samples), p95: quantile(samples, 0.95) };
}
