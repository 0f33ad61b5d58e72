/**
 * A one-line progress bar for command-line tools, on stderr so stdout stays
 * the command's result. On a terminal it is redrawn in place (at most every
 * 100 ms, and always at the end); elsewhere (logs, CI, a test's pipe) it
 * prints one line per 10 %, because carriage returns turn a log into noise.
 *
 * Extracted from `npm run models -- pull`'s download bar so `npm run eval`
 * draws the same bar; the caller supplies the text after the percentage.
 */

/** Where the bar is drawn: process.stderr, or a fake in tests. */
export interface ProgressOutput {
  write(text: string): unknown;
  /** True on a terminal (the bar is redrawn in place). */
  isTTY?: boolean;
}

/** Width of the bar between its brackets, in characters. */
const WIDTH = 30;

/** `[#########---------------------]  30%`: the bar and the percentage of `done` of `total`. */
export function renderBar(done: number, total: number): string {
  const ratio = total > 0 ? Math.min(1, Math.max(0, done / total)) : 0;
  const filled = Math.round(ratio * WIDTH);
  const percent = `${Math.floor(ratio * 100)}%`.padStart(4);
  return `[${'#'.repeat(filled)}${'-'.repeat(WIDTH - filled)}] ${percent}`;
}

/** A progress bar over `total` steps (bytes, problems ...); `total` null while unknown. */
export class ProgressBar {
  private readonly tty: boolean;
  private lastDraw = 0;
  private lastDecile = -1;
  private drawn = false;
  private line = '';

  /**
   * @param out where to draw (default process.stderr)
   * @param now clock in ms, injectable for tests of the redraw throttle
   */
  constructor(
    private readonly out: ProgressOutput = process.stderr,
    private readonly now: () => number = Date.now,
  ) {
    this.tty = out.isTTY === true;
  }

  /** Records progress; `detail` follows the bar (or stands alone while the total is unknown). */
  update(done: number, total: number | null, detail: string): void {
    this.line = total ? `${renderBar(done, total)}  ${detail}` : detail;
    if (this.tty) {
      const now = this.now();
      if (now - this.lastDraw >= 100) {
        this.lastDraw = now;
        this.drawn = true;
        this.out.write(`\r${this.line}\x1b[K`);
      }
      return;
    }
    const decile = total ? Math.floor((10 * Math.min(done, total)) / total) : -1;
    if (decile > this.lastDecile) {
      this.lastDecile = decile;
      this.out.write(`${this.line}\n`);
    }
  }

  /** Draws the last state for good (the 100 % line) and ends the bar's line. */
  finish(): void {
    if (this.tty) {
      this.out.write(`\r${this.line}\x1b[K\n`);
    } else if (this.lastDecile < 10 && this.line !== '') {
      this.out.write(`${this.line}\n`);
    }
    this.drawn = false;
    this.lastDecile = 10;
  }

  /** Ends a bar cut short (failure, Ctrl-C) so the next message starts on its own line. */
  abandon(): void {
    if (this.tty && this.drawn) {
      this.out.write('\n');
    }
    this.drawn = false;
  }
}
