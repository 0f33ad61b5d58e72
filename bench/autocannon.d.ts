/**
 * The part of autocannon's programmatic API the benches use: the package
 * ships no types and `@types/autocannon` is not a dependency.
 */
declare module 'autocannon' {
  /** One run's options (https://github.com/mcollina/autocannon#api). */
  export interface Options {
    url: string;
    connections?: number;
    duration?: number;
    pipelining?: number;
    /** Requests per second over all connections; unset: as fast as the server answers. */
    overallRate?: number;
    headers?: Record<string, string>;
    /** Worker threads that send the load, so the client does not share the servers' event loop. */
    workers?: number;
  }

  /** Percentiles and mean of one measure. */
  export interface Histogram {
    average: number;
    mean: number;
    p50: number;
    p99: number;
    max: number;
    total: number;
  }

  /** A finished run. */
  export interface Result {
    requests: Histogram;
    latency: Histogram;
    non2xx: number;
    errors: number;
    timeouts: number;
    duration: number;
  }

  function autocannon(options: Options): Promise<Result>;
  export default autocannon;
}
