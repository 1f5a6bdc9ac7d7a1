import { type QuantileTarget, TargetedQuantiles } from './targeted-quantiles.ts';

// Observations wait in a buffer and are sorted once before being merged into every sketch.
// The buffer grows to this size so that a summary child with few observations stays small.
const MAX_BUFFERED = 256;
const INITIAL_BUFFER = 8;

/**
 * Quantile estimates over the observations of the last `maxAgeMs`, as Prometheus's Go client
 * does it: `ageBuckets` sketches all receive every observation; one is cleared every
 * `maxAgeMs / ageBuckets` and restarts as the newest, and queries read the oldest. So an
 * observation counts for between `maxAgeMs - maxAgeMs / ageBuckets` and `maxAgeMs`.
 * With `maxAgeMs` infinite there is one sketch and observations never age out.
 */
export class SlidingWindowQuantiles {
  readonly #sketches: TargetedQuantiles[];
  readonly #rotateEveryMs: number;
  readonly #now: () => number;
  #oldest = 0;
  #nextRotationMs: number;
  #buffer = new Float64Array(INITIAL_BUFFER);
  #buffered = 0;

  constructor(targets: readonly QuantileTarget[], maxAgeMs: number, ageBuckets: number, now: () => number) {
    const count = Number.isFinite(maxAgeMs) ? ageBuckets : 1;
    this.#sketches = Array.from({ length: count }, () => new TargetedQuantiles(targets));
    this.#rotateEveryMs = maxAgeMs / count;
    this.#now = now;
    this.#nextRotationMs = Number.isFinite(maxAgeMs) ? now() + this.#rotateEveryMs : Number.POSITIVE_INFINITY;
  }

  observe(value: number): void {
    if (this.#nextRotationMs !== Number.POSITIVE_INFINITY) this.#rotateIfDue();
    if (this.#buffered === this.#buffer.length) this.#makeRoom();
    this.#buffer[this.#buffered++] = value;
  }

  /** The estimate for `quantile` over the window; NaN when the window holds no observation. */
  query(quantile: number): number {
    this.#rotateIfDue();
    this.#flush();
    return this.#sketches[this.#oldest]!.query(quantile);
  }

  reset(): void {
    this.#buffered = 0;
    for (const sketch of this.#sketches) sketch.reset();
  }

  #makeRoom(): void {
    if (this.#buffer.length < MAX_BUFFERED) {
      const larger = new Float64Array(this.#buffer.length * 2);
      larger.set(this.#buffer);
      this.#buffer = larger;
    } else {
      this.#flush();
    }
  }

  #flush(): void {
    if (this.#buffered === 0) return;
    const sorted = this.#buffer.subarray(0, this.#buffered).sort();
    for (const sketch of this.#sketches) sketch.insertSorted(sorted, this.#buffered);
    this.#buffered = 0;
  }

  #rotateIfDue(): void {
    const now = this.#now();
    if (now < this.#nextRotationMs) return;
    // Buffered observations were made before the rotation, so they belong in every sketch.
    this.#flush();
    for (let i = 0; i < this.#sketches.length && now >= this.#nextRotationMs; i++) {
      this.#sketches[this.#oldest]!.reset();
      this.#oldest = (this.#oldest + 1) % this.#sketches.length;
      this.#nextRotationMs += this.#rotateEveryMs;
    }
    // After a silence longer than the window every sketch is empty: restart the schedule from now.
    if (now >= this.#nextRotationMs) this.#nextRotationMs = now + this.#rotateEveryMs;
  }
}
