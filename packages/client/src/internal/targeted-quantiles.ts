/** A quantile to estimate and the rank error allowed for it, as a fraction of the count. */
export interface QuantileTarget {
  readonly quantile: number;
  readonly error: number;
}

/**
 * A streaming sketch that estimates chosen quantiles in bounded memory: the "targeted
 * quantiles" variant of CKMS (Cormode, Korn, Muthukrishnan, Srivastava, "Effective
 * Computation of Biased Quantiles over Data Streams", ICDE 2005), as Prometheus's Go client
 * uses for summaries.
 *
 * Guarantee: for each target (φ, ε), `query(φ)` returns an observed value whose rank among
 * the n observations is within εn of φn (plus one, as ranks are whole numbers). Quantiles 0 and 1 are answered exactly (the minimum
 * and maximum are always kept).
 *
 * The sketch is a sorted list of tuples (value v, width g, uncertainty Δ): g is the
 * number of observations the tuple stands for, so a tuple's rank lies between the sum of the
 * widths before it plus its own g, and that plus Δ. Neighbours are merged whenever their
 * combined uncertainty stays within the error the targets allow at that rank; near a
 * targeted quantile the allowance is small, far from every target it is large, which is
 * what keeps the list short.
 *
 * Two departures from the paper make the guarantee hold (its invariant, checked at one rank,
 * is known to let errors exceed ε; our property tests found such cases): a new tuple takes
 * the uncertainty of its successor, and a merge must fit the allowance over every rank the
 * merged tuple spans. Observations arrive in sorted batches (a summary buffers them), so an
 * insert is one merge pass over the list.
 */
export class TargetedQuantiles {
  // For each target strictly inside (0, 1) (0 and 1 are exact and need no allowance): φ, and
  // the slopes of the allowance below and above φn.
  readonly #quantiles: Float64Array;
  readonly #slopeAbove: Float64Array;
  readonly #slopeBelow: Float64Array;
  // The tuples, sorted by value, as parallel arrays; #length of them are in use.
  #values = new Float64Array(16);
  #widths = new Float64Array(16);
  #deltas = new Float64Array(16);
  #length = 0;
  #count = 0;

  constructor(targets: readonly QuantileTarget[]) {
    const inner = targets.filter((t) => t.quantile > 0 && t.quantile < 1);
    this.#quantiles = Float64Array.from(inner, (t) => t.quantile);
    this.#slopeAbove = Float64Array.from(inner, (t) => (2 * t.error) / t.quantile);
    this.#slopeBelow = Float64Array.from(inner, (t) => (2 * t.error) / (1 - t.quantile));
  }

  /** The number of observations inserted since the last reset. */
  get count(): number {
    return this.#count;
  }

  /** The number of tuples kept: the memory the sketch uses. */
  get size(): number {
    return this.#length;
  }

  /** Inserts the first `length` values of `sorted`, which must be in ascending order. */
  insertSorted(sorted: ArrayLike<number>, length: number): void {
    if (length === 0) return;
    const scratch = mergeScratch(this.#length + length);
    const { values: outValues, widths: outWidths, deltas: outDeltas } = scratch;
    const values = this.#values;
    const widths = this.#widths;
    const deltas = this.#deltas;
    const existing = this.#length;
    let n = this.#count;
    let out = 0;
    let i = 0;
    for (let b = 0; b < length; b++) {
      const value = sorted[b]!;
      while (i < existing && values[i]! <= value) {
        outValues[out] = values[i]!;
        outWidths[out] = widths[i]!;
        outDeltas[out] = deltas[i]!;
        out++;
        i++;
      }
      n++;
      // A new minimum or maximum has an exact rank. Otherwise its rank is as uncertain as that
      // of the old tuple after it: the paper's floor(f(r, n)) - 1 can understate this when
      // the successor was merged under a looser allowance, so rank bounds would not hold.
      const isExtreme = out === 0 || i === existing;
      outValues[out] = value;
      outWidths[out] = 1;
      outDeltas[out] = isExtreme ? 0 : widths[i]! + deltas[i]! - 1;
      out++;
    }
    for (; i < existing; i++, out++) {
      outValues[out] = values[i]!;
      outWidths[out] = widths[i]!;
      outDeltas[out] = deltas[i]!;
    }
    this.#count = n;
    this.#compressFrom(scratch, out);
  }

  /** The estimate for `quantile` (0 to 1); NaN when nothing has been observed. */
  query(quantile: number): number {
    const length = this.#length;
    const values = this.#values;
    if (length === 0) return Number.NaN;
    if (quantile <= 0) return values[0]!;
    if (quantile >= 1) return values[length - 1]!;
    return this.#closestWithinAllowance(quantile) ?? this.#firstWithinAllowance(quantile);
  }

  // Any tuple whose whole rank range lies within the allowance around φn is a correct answer;
  // this picks the one centred nearest φn, so exact data (small counts) gives the exact quantile.
  #closestWithinAllowance(quantile: number): number | undefined {
    const target = quantile * this.#count;
    const slack = this.#slack(target);
    let best: number | undefined;
    let bestDistance = Number.POSITIVE_INFINITY;
    let lowestRank = 0;
    for (let i = 0; i < this.#length; i++) {
      lowestRank += this.#widths[i]!;
      if (lowestRank > target + slack) break;
      const highestRank = lowestRank + this.#deltas[i]!;
      if (lowestRank < target - slack || highestRank > target + slack) continue;
      const distance = Math.abs((lowestRank + highestRank) / 2 - target);
      if (distance < bestDistance) {
        best = this.#values[i]!;
        bestDistance = distance;
      }
    }
    return best;
  }

  // The paper's rule: the tuple before the first whose highest possible rank overshoots.
  #firstWithinAllowance(quantile: number): number {
    const target = quantile * this.#count;
    const bound = target + this.#slack(target);
    let rank = 0;
    for (let i = 1; i < this.#length; i++) {
      rank += this.#widths[i - 1]!;
      if (rank + this.#widths[i]! + this.#deltas[i]! > bound) return this.#values[i - 1]!;
    }
    return this.#values[this.#length - 1]!;
  }

  reset(): void {
    this.#length = 0;
    this.#count = 0;
  }

  // How far from the target rank an answer may be: half the allowance, and at least half a
  // rank since ranks are whole (so p99 of ten observations is the tenth, as nearest-rank gives).
  #slack(target: number): number {
    return Math.max(this.#allowance(target, this.#count) / 2, 0.5);
  }

  // f(r, n) in the paper: how uncertain the rank of a tuple at rank r may be, the tightest over all targets.
  #allowance(rank: number, n: number): number {
    return this.#allowanceOver(rank, rank, n);
  }

  // The smallest f(r, n) for r in [lowest, highest]. Each target's f is V-shaped with its
  // minimum, 2εn, at r = φn, so the minimum over the range is at the point nearest φn.
  #allowanceOver(lowest: number, highest: number, n: number): number {
    const quantiles = this.#quantiles;
    let allowance = Number.POSITIVE_INFINITY;
    for (let j = 0; j < quantiles.length; j++) {
      const peak = quantiles[j]! * n;
      const rank = Math.min(Math.max(peak, lowest), highest);
      const f = rank >= peak ? this.#slopeAbove[j]! * rank : this.#slopeBelow[j]! * (n - rank);
      if (f < allowance) allowance = f;
    }
    return allowance;
  }

  // From the top down, merges a tuple into its successor when the merged tuple's uncertainty
  // fits the allowance everywhere in the ranks it spans (the paper checks only at its lowest
  // rank, which lets a tuple straddling a target grow wider than 2εn and breaks the bound);
  // the minimum (first tuple) is never merged away. Works in place in
  // the scratch arrays, then copies the kept tuples into the sketch's own.
  #compressFrom(scratch: Tuples, length: number): void {
    const { values, widths, deltas } = scratch;
    const n = this.#count;
    let kept = length - 1; // index of the successor tuple: the lowest kept so far
    if (length >= 3) {
      let rank = n - widths[length - 1]!;
      for (let i = length - 2; i >= 1; i--) {
        rank -= widths[i]!;
        const span = widths[i]! + widths[kept]! + deltas[kept]!;
        if (span <= this.#allowanceOver(rank + 1, rank + span, n)) {
          widths[kept]! += widths[i]!;
        } else {
          kept--;
          values[kept] = values[i]!;
          widths[kept] = widths[i]!;
          deltas[kept] = deltas[i]!;
        }
      }
      kept--;
      values[kept] = values[0]!;
      widths[kept] = widths[0]!;
      deltas[kept] = deltas[0]!;
    } else {
      kept = 0;
    }
    const size = length - kept;
    if (this.#values.length < size) {
      const capacity = Math.max(size, this.#values.length * 2);
      this.#values = new Float64Array(capacity);
      this.#widths = new Float64Array(capacity);
      this.#deltas = new Float64Array(capacity);
    }
    this.#values.set(values.subarray(kept, length));
    this.#widths.set(widths.subarray(kept, length));
    this.#deltas.set(deltas.subarray(kept, length));
    this.#length = size;
  }
}

interface Tuples {
  values: Float64Array;
  widths: Float64Array;
  deltas: Float64Array;
}

// One merge area for every sketch: a merge finishes before the next starts (JavaScript runs
// one at a time), so the sketches need not each own one.
let scratch: Tuples = {
  values: new Float64Array(1024),
  widths: new Float64Array(1024),
  deltas: new Float64Array(1024),
};

function mergeScratch(size: number): Tuples {
  if (scratch.values.length < size) {
    const capacity = Math.max(size, scratch.values.length * 2);
    scratch = {
      values: new Float64Array(capacity),
      widths: new Float64Array(capacity),
      deltas: new Float64Array(capacity),
    };
  }
  return scratch;
}
