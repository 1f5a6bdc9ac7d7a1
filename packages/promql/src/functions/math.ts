/**
 * A Kahan–Neumaier sum, as Prometheus's kahanSumInc steps: `sum` and its compensation `c`
 * (the result is `sum + c`). One object per sum, so the hot loops allocate nothing per sample.
 */
export class KahanSum {
  sum = 0;
  c = 0;

  add(inc: number): void {
    const sum = this.sum;
    const t = sum + inc;
    if (!Number.isFinite(t) && !Number.isNaN(t)) this.c = 0;
    else if (Math.abs(sum) >= Math.abs(inc)) this.c += sum - t + inc;
    else this.c += inc - t + sum;
    this.sum = t;
  }
}

/**
 * `kahanSumInc` for sums kept in typed arrays (`sums[i]`, `comps[i]`), without allocating a
 * result pair on hot paths.
 */
export function kahanAddAt(inc: number, sums: Float64Array, comps: Float64Array, i: number): void {
  const sum = sums[i]!;
  const t = sum + inc;
  if (!Number.isFinite(t) && !Number.isNaN(t)) comps[i] = 0;
  else if (Math.abs(sum) >= Math.abs(inc)) comps[i] = comps[i]! + (sum - t + inc);
  else comps[i] = comps[i]! + (inc - t + sum);
  sums[i] = t;
}

/**
 * The φ-quantile of `values` by linear interpolation between closest ranks, as Prometheus's
 * quantile: NaN for no values or φ = NaN, ±Inf for φ outside [0, 1]; NaN values sort first.
 */
export function quantile(q: number, values: ArrayLike<number>): number {
  const n = values.length;
  if (n === 0 || Number.isNaN(q)) return Number.NaN;
  if (q < 0) return Number.NEGATIVE_INFINITY;
  if (q > 1) return Number.POSITIVE_INFINITY;
  // A typed array sorts numerically without a comparator call per pair (several times faster),
  // but puts NaNs last: rank i of the NaN-first order is sorted[i - nans].
  const sorted = Float64Array.from(values).sort();
  let nans = 0;
  while (nans < n && Number.isNaN(sorted[n - 1 - nans]!)) nans++;
  const rank = q * (n - 1);
  const lower = Math.max(0, Math.floor(rank));
  const upper = Math.min(n - 1, lower + 1);
  const weight = rank - Math.floor(rank);
  const at = (i: number) => (i < nans ? Number.NaN : sorted[i - nans]!);
  return at(lower) * (1 - weight) + at(upper) * weight;
}

/** Least-squares slope and intercept at `interceptTime` (ms), as Prometheus's linearRegression. */
export function linearRegression(
  ts: Float64Array,
  vs: Float64Array,
  lo: number,
  hi: number,
  interceptTime: number,
): [number, number] {
  let n = 0;
  const sumX = new KahanSum();
  const sumY = new KahanSum();
  const sumXY = new KahanSum();
  const sumX2 = new KahanSum();
  const initY = vs[lo]!;
  let constY = true;
  for (let i = lo; i < hi; i++) {
    const y = vs[i]!;
    if (constY && i > lo && y !== initY) constY = false;
    n += 1;
    const x = (ts[i]! - interceptTime) / 1e3;
    sumX.add(x);
    sumY.add(y);
    sumXY.add(x * y);
    sumX2.add(x * x);
  }
  if (constY) {
    if (!Number.isFinite(initY) && !Number.isNaN(initY)) return [Number.NaN, Number.NaN];
    return [0, initY];
  }
  const sx = sumX.sum + sumX.c;
  const sy = sumY.sum + sumY.c;
  const covXY = sumXY.sum + sumXY.c - (sx * sy) / n;
  const varX = sumX2.sum + sumX2.c - (sx * sx) / n;
  const slope = covXY / varX;
  const intercept = sy / n - (slope * sx) / n;
  return [slope, intercept];
}
