/**
 * Checking a model file against its pinned SHA-256 (issue 10): how fast the
 * streaming hash reads a large file, how long the event loop waits meanwhile
 * (the server keeps answering while a multi-gigabyte file is checked), and
 * what a restart costs once the result is remembered. The baseline, run side
 * by side in this process, is the same hash over the whole file read at once
 * (what a careless check would do): the ratios are what to read, the machine
 * is shared and noisy. Run with `npm run bench`; BENCH_FILE_MB sets the size.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import Fastify from 'fastify';
import { sha256File } from '../src/server/models/local/download-helpers.js';
import { FileHashes } from '../src/server/models/local/file-hashes.js';
import { median, timedMs } from './stats.js';

const SIZE_MB = Number(process.env.BENCH_FILE_MB ?? 1024);
const ROUNDS = 3;

/**
 * Runs `work` while a 1 ms ticker notes the longest gap between its ticks:
 * how long a request arriving meanwhile would have waited for the event loop.
 */
async function measured(work: () => Promise<unknown>): Promise<{ ms: number; maxDelayMs: number }> {
  let last = performance.now();
  let maxGap = 0;
  const ticker = setInterval(() => {
    const now = performance.now();
    maxGap = Math.max(maxGap, now - last);
    last = now;
  }, 1);
  const started = performance.now();
  await work();
  const ms = performance.now() - started;
  // One more tick, so a stall at the very end is counted.
  await new Promise((resolve) => setTimeout(resolve, 5));
  clearInterval(ticker);
  return { ms, maxDelayMs: maxGap };
}

async function main(): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'codegenie-bench-files-'));
  const file = path.join(dir, 'model.gguf');
  try {
    // Random bytes, written in 16 MiB pieces (not sparse: every byte is read from disk or cache).
    const piece = Buffer.alloc(16 * 1_048_576);
    const fd = fs.openSync(file, 'w');
    for (let i = 0; i < SIZE_MB / 16; i++) {
      for (let o = 0; o < piece.length; o += 65_536) {
        piece.writeUInt32LE((i * 7919 + o) >>> 0, o);
      }
      fs.writeSync(fd, piece);
    }
    fs.closeSync(fd);
    const bytes = fs.statSync(file).size;

    const streaming: Awaited<ReturnType<typeof measured>>[] = [];
    const whole: Awaited<ReturnType<typeof measured>>[] = [];
    let expected = '';
    for (let round = 0; round < ROUNDS; round++) {
      // Alternated, so both see the same page cache and machine load.
      whole.push(
        await measured(async () => {
          expected = createHash('sha256').update(fs.readFileSync(file)).digest('hex');
        }),
      );
      streaming.push(
        await measured(async () => {
          const sha = await sha256File(file);
          if (sha !== expected) {
            throw new Error('the streaming hash differs from the baseline');
          }
        }),
      );
    }

    // A restart: a fresh FileHashes reads the memo the first check left.
    const log = Fastify({ logger: false }).log;
    const first = new FileHashes(log, new AbortController().signal);
    const stat = fs.statSync(file);
    await first.sha256(file, stat, expected);
    await first.remember(file, { size: stat.size, mtimeMs: stat.mtimeMs, sha256: expected });
    const restarts: number[] = [];
    for (let round = 0; round < 20; round++) {
      const fresh = new FileHashes(log, new AbortController().signal);
      restarts.push(await timedMs(() => fresh.sha256(file, fs.statSync(file), expected)));
    }

    const mbPerS = (ms: number): number => bytes / 1_048_576 / (ms / 1000);
    const wholeMs = median(whole.map((r) => r.ms));
    const streamMs = median(streaming.map((r) => r.ms));
    const rows = [
      ['whole file at once (baseline)', wholeMs, mbPerS(wholeMs), median(whole.map((r) => r.maxDelayMs))],
      [
        'streamed, 1 MiB pieces (CodeGenie)',
        streamMs,
        mbPerS(streamMs),
        median(streaming.map((r) => r.maxDelayMs)),
      ],
    ] as const;
    process.stdout.write(
      `Model file check, ${(bytes / 1_048_576).toFixed(0)} MiB, median of ${ROUNDS} rounds\n`,
    );
    for (const [name, ms, rate, delay] of rows) {
      process.stdout.write(
        `  ${name.padEnd(36)} ${ms.toFixed(0).padStart(6)} ms  ${rate.toFixed(0).padStart(5)} MiB/s  event loop blocked up to ${delay.toFixed(1)} ms\n`,
      );
    }
    process.stdout.write(
      `  streamed / baseline time: ${(streamMs / wholeMs).toFixed(2)}x; longest event-loop stall: ${(
        median(whole.map((r) => r.maxDelayMs)) / Math.max(median(streaming.map((r) => r.maxDelayMs)), 0.001)
      ).toFixed(0)}x shorter streamed; baseline holds the whole file in memory, streaming 1 MiB\n`,
    );
    process.stdout.write(
      `  after a restart, with the memo: ${median(restarts).toFixed(2)} ms (p50 of 20), ${(wholeMs / median(restarts)).toFixed(0)}x faster than hashing again\n`,
    );
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

await main();
