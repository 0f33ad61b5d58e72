/**
 * Hands values from a callback-style producer (node-llama-cpp's
 * onTextChunk) to an async consumer, in order: push() never blocks,
 * next() waits for a value, the end, or the producer's error.
 */
export class AsyncQueue<T, R> {
  private readonly items: T[] = [];
  private outcome: { ok: true; value: R } | { ok: false; error: unknown } | undefined;
  private wake: (() => void) | undefined;

  push(item: T): void {
    if (this.outcome) {
      return;
    }
    this.items.push(item);
    this.notify();
  }

  /** The producer finished with `value`; next() returns it after the queued items. */
  end(value: R): void {
    this.outcome ??= { ok: true, value };
    this.notify();
  }

  /** The producer failed; next() throws `error` after the queued items. */
  fail(error: unknown): void {
    this.outcome ??= { ok: false, error };
    this.notify();
  }

  async next(): Promise<{ done: false; item: T } | { done: true; value: R }> {
    for (;;) {
      if (this.items.length > 0) {
        return { done: false, item: this.items.shift() as T };
      }
      if (this.outcome) {
        if (this.outcome.ok) {
          return { done: true, value: this.outcome.value };
        }
        throw this.outcome.error;
      }
      await new Promise<void>((resolve) => {
        this.wake = resolve;
      });
    }
  }

  private notify(): void {
    const wake = this.wake;
    this.wake = undefined;
    wake?.();
  }
}
