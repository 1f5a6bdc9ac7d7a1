/** Kahan–Neumaier summation step, as Prometheus's kahanSumInc: returns [sum, compensation]. */
export function kahanSumInc(inc: number, sum: number, c: number): [number, number] {
  const t = sum + inc;
  if (!Number.isFinite(t) && !Number.isNaN(t)) return [t, 0];
  if (Math.abs(sum) >= Math.abs(inc)) return [t, c + (sum - t + inc)];
  return [t, c + (inc - t + sum)];
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
  let sumX = 0;
  let cX = 0;
  let sumY = 0;
  let cY = 0;
  let sumXY = 0;
  let cXY = 0;
  let sumX2 = 0;
  let cX2 = 0;
  const initY = vs[lo]!;
  let constY = true;
  for (let i = lo; i < hi; i++) {
    const y = vs[i]!;
    if (constY && i > lo && y !== initY) constY = false;
    n += 1;
    const x = (ts[i]! - interceptTime) / 1e3;
    [sumX, cX] = kahanSumInc(x, sumX, cX);
    [sumY, cY] = kahanSumInc(y, sumY, cY);
    [sumXY, cXY] = kahanSumInc(x * y, sumXY, cXY);
    [sumX2, cX2] = kahanSumInc(x * x, sumX2, cX2);
  }
  if (constY) {
    if (!Number.isFinite(initY) && !Number.isNaN(initY)) return [Number.NaN, Number.NaN];
    return [0, initY];
  }
  sumX += cX;
  sumY += cY;
  sumXY += cXY;
  sumX2 += cX2;
  const covXY = sumXY - (sumX * sumY) / n;
  const varX = sumX2 - (sumX * sumX) / n;
  const slope = covXY / varX;
  const intercept = sumY / n - (slope * sumX) / n;
  return [slope, intercept];
}
