import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../clock.js';
import { REPLICA_SKIP_MS, ReplicaPool } from './openai-replicas.js';

const A = 'http://a:8000/v1';
const B = 'http://b:8000/v1';
const C = 'http://c:8000/v1';

describe('ReplicaPool', () => {
  it('sends each request to the replica with the fewest runs in flight', () => {
    const pool = new ReplicaPool(new ManualClock());
    const first = pool.acquire([A, B, C]);
    const second = pool.acquire([A, B, C]);
    const third = pool.acquire([A, B, C]);
    expect([first.url, second.url, third.url]).toEqual([A, B, C]);
    // B's run ends: it has the fewest in flight, though A was chosen longest ago.
    second.release();
    expect(pool.acquire([A, B, C]).url).toBe(B);
    expect([A, B, C].map((url) => pool.inFlight(url))).toEqual([1, 1, 1]);
  });

  it('goes round the replicas when they are equally busy', () => {
    const pool = new ReplicaPool(new ManualClock());
    const urls = [];
    for (let i = 0; i < 4; i += 1) {
      const lease = pool.acquire([A, B]);
      urls.push(lease.url);
      lease.release();
    }
    expect(urls).toEqual([A, B, A, B]);
  });

  it('counts a release once', () => {
    const pool = new ReplicaPool(new ManualClock());
    const lease = pool.acquire([A]);
    lease.release();
    lease.release();
    expect(pool.inFlight(A)).toBe(0);
  });

  it('leaves a replica that refused a connection out for 30 s, then offers it again', () => {
    const clock = new ManualClock();
    const pool = new ReplicaPool(clock);
    pool.acquire([A, B]).release();
    pool.markRefused(A);
    clock.advance(REPLICA_SKIP_MS - 1);
    // A was chosen longest ago and is idle, yet it is left out.
    expect(pool.acquire([A, B]).url).toBe(B);
    expect(pool.acquire([A, B]).url).toBe(B);
    clock.advance(1);
    expect(pool.acquire([A, B]).url).toBe(A);
  });

  it('says whether a refused request has another replica to move on to', () => {
    const pool = new ReplicaPool(new ManualClock());
    pool.markRefused(A);
    expect(pool.hasOther([A, B], new Set([A]))).toBe(true);
    pool.markRefused(B);
    expect(pool.hasOther([A, B], new Set([A]))).toBe(false);
    expect(pool.hasOther([A], new Set([A]))).toBe(false);
  });

  it('tries a left-out replica rather than none, untried ones first', () => {
    const pool = new ReplicaPool(new ManualClock());
    pool.markRefused(A);
    pool.markRefused(B);
    expect(pool.acquire([A, B], new Set([A])).url).toBe(B);
    expect(pool.acquire([A, B], new Set([A, B])).url).toBe(A);
  });
});
