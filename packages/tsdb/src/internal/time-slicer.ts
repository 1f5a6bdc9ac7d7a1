/**
 * Lets long work (compaction, checkpoints) give the event loop back every few milliseconds,
 * so appends and queries never wait behind it for longer than that.
 */
export class TimeSlicer {
  readonly #budgetMs: number;
  #since = performance.now();
  /** Times the work yielded. */
  yields = 0;

  constructor(budgetMs = 5) {
    this.#budgetMs = budgetMs;
  }

  /** Cheap to call often: yields only when the budget since the last yield is spent. */
  async maybeYield(): Promise<void> {
    if (performance.now() - this.#since < this.#budgetMs) return;
    await new Promise<void>((resolve) => setImmediate(resolve));
    this.yields++;
    this.#since = performance.now();
  }
}
