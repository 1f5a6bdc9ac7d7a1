import { KahanSum, linearRegression, quantile } from './math.ts';

/**
 * A function over one window of samples `ts[lo..hi)`, `vs[lo..hi)` (hi > lo is not guaranteed).
 * Returns undefined for "no output at this step".
 */
export interface WindowArgs {
  ts: Float64Array;
  vs: Float64Array;
  lo: number;
  hi: number;
  /** The window's end (after `@`/offset) and its length, in ms. */
  end: number;
  range: number;
  /** The query step's own time, which predict_linear's horizon is measured from. */
  stepTime: number;
  /** Scalar arguments at this step. */
  params: number[];
}

export type WindowFunction = (a: WindowArgs) => number | undefined;

// As Prometheus's extrapolatedRate: extrapolate to the window edges unless the gap there is
// over 1.1× the average interval (then half an interval), and for counters never before zero.
function extrapolatedRate(a: WindowArgs, isCounter: boolean, isRate: boolean): number | undefined {
  const { ts, vs, lo, hi } = a;
  const n = hi - lo;
  if (n < 2) return undefined;
  const rangeStart = a.end - a.range;
  const rangeEnd = a.end;
  let result = vs[hi - 1]! - vs[lo]!;
  if (isCounter) {
    let prev = vs[lo]!;
    for (let i = lo + 1; i < hi; i++) {
      const cur = vs[i]!;
      if (cur < prev) result += prev;
      prev = cur;
    }
  }
  const firstT = ts[lo]!;
  const lastT = ts[hi - 1]!;
  let durationToStart = (firstT - rangeStart) / 1000;
  let durationToEnd = (rangeEnd - lastT) / 1000;
  const sampledInterval = (lastT - firstT) / 1000;
  const avg = sampledInterval / (n - 1);
  const threshold = avg * 1.1;
  if (durationToStart >= threshold) durationToStart = avg / 2;
  if (isCounter && result > 0 && vs[lo]! >= 0) {
    const durationToZero = sampledInterval * (vs[lo]! / result);
    if (durationToZero < durationToStart) durationToStart = durationToZero;
  }
  if (durationToEnd >= threshold) durationToEnd = avg / 2;
  let factor = (sampledInterval + durationToStart + durationToEnd) / sampledInterval;
  if (isRate) factor /= a.range / 1000;
  return result * factor;
}

function instantValue(a: WindowArgs, isRate: boolean): number | undefined {
  const { ts, vs, lo, hi } = a;
  if (hi - lo < 2) return undefined;
  const last = vs[hi - 1]!;
  const prev = vs[hi - 2]!;
  let result = isRate && last < prev ? last : last - prev;
  if (isRate) {
    const interval = ts[hi - 1]! - ts[hi - 2]!;
    if (interval === 0) return undefined;
    result /= interval / 1000;
  }
  return result;
}

function avgOverTime(a: WindowArgs): number | undefined {
  const { vs, lo, hi } = a;
  if (hi <= lo) return undefined;
  // Summed while the sum stays finite, then (as Prometheus) an incremental mean: `acc` holds
  // the sum, then the mean.
  const acc = new KahanSum();
  let count = 0;
  let incremental = false;
  for (let i = lo; i < hi; i++) {
    const f = vs[i]!;
    count = i - lo + 1;
    if (!incremental) {
      const sum = acc.sum;
      const c = acc.c;
      acc.add(f);
      if (count === 1 || Number.isFinite(acc.sum) || Number.isNaN(acc.sum)) continue;
      incremental = true;
      acc.sum = sum / (count - 1);
      acc.c = c / (count - 1);
    }
    const mean = acc.sum;
    if (!Number.isFinite(mean) && !Number.isNaN(mean)) {
      if (!Number.isFinite(f) && !Number.isNaN(f) && mean > 0 === f > 0) continue;
      if (Number.isFinite(f)) continue;
    }
    const corrected = mean + acc.c;
    acc.add(f / count - corrected / count);
  }
  return incremental ? acc.sum + acc.c : (acc.sum + acc.c) / count;
}

function sumOverTime(a: WindowArgs): number | undefined {
  if (a.hi <= a.lo) return undefined;
  let sum = 0;
  let c = 0;
  for (let i = a.lo; i < a.hi; i++) {
    const inc = a.vs[i]!;
    const t = sum + inc;
    if (!Number.isFinite(t) && !Number.isNaN(t)) c = 0;
    else if (Math.abs(sum) >= Math.abs(inc)) c += sum - t + inc;
    else c += inc - t + sum;
    sum = t;
  }
  return sum + c;
}

function stdvarOverTime(a: WindowArgs): number | undefined {
  if (a.hi <= a.lo) return undefined;
  let count = 0;
  const mean = new KahanSum();
  const aux = new KahanSum();
  for (let i = a.lo; i < a.hi; i++) {
    const f = a.vs[i]!;
    count++;
    const delta = f - (mean.sum + mean.c);
    mean.add(delta / count);
    aux.add(delta * (f - (mean.sum + mean.c)));
  }
  return (aux.sum + aux.c) / count;
}

function extremeOverTime(a: WindowArgs, max: boolean, timestamp: boolean): number | undefined {
  const { vs, lo, hi } = a;
  if (hi <= lo) return undefined;
  let best = vs[lo]!;
  let at = lo;
  for (let i = lo + 1; i < hi; i++) {
    const f = vs[i]!;
    const better = max ? f > best || Number.isNaN(best) : f < best || Number.isNaN(best);
    // ts_of_* reports the last sample holding the extreme value.
    if (better || (timestamp && f === best)) {
      best = f;
      at = i;
    }
  }
  return timestamp ? a.ts[at]! / 1000 : best;
}

function windowValues(a: WindowArgs): Float64Array {
  return a.vs.subarray(a.lo, a.hi);
}

function doubleExponentialSmoothing(a: WindowArgs): number | undefined {
  const sf = a.params[0]!;
  const tf = a.params[1]!;
  const n = a.hi - a.lo;
  if (n < 2) return undefined;
  const vs = a.vs;
  let s1 = vs[a.lo]!;
  let b = vs[a.lo + 1]! - vs[a.lo]!;
  let s0 = s1;
  for (let i = 1; i < n; i++) {
    const x = vs[a.lo + i]!;
    s0 = s1;
    s1 = sf * x + (1 - sf) * (s0 + b);
    b = tf * (s1 - s0) + (1 - tf) * b;
  }
  return s1;
}

export const WINDOW_FUNCTIONS: Record<string, WindowFunction> = {
  rate: (a) => extrapolatedRate(a, true, true),
  increase: (a) => extrapolatedRate(a, true, false),
  delta: (a) => extrapolatedRate(a, false, false),
  irate: (a) => instantValue(a, true),
  idelta: (a) => instantValue(a, false),
  avg_over_time: avgOverTime,
  sum_over_time: sumOverTime,
  count_over_time: (a) => (a.hi > a.lo ? a.hi - a.lo : undefined),
  present_over_time: (a) => (a.hi > a.lo ? 1 : undefined),
  last_over_time: (a) => (a.hi > a.lo ? a.vs[a.hi - 1]! : undefined),
  first_over_time: (a) => (a.hi > a.lo ? a.vs[a.lo]! : undefined),
  ts_of_last_over_time: (a) => (a.hi > a.lo ? a.ts[a.hi - 1]! / 1000 : undefined),
  ts_of_first_over_time: (a) => (a.hi > a.lo ? a.ts[a.lo]! / 1000 : undefined),
  max_over_time: (a) => extremeOverTime(a, true, false),
  min_over_time: (a) => extremeOverTime(a, false, false),
  ts_of_max_over_time: (a) => extremeOverTime(a, true, true),
  ts_of_min_over_time: (a) => extremeOverTime(a, false, true),
  stdvar_over_time: stdvarOverTime,
  stddev_over_time: (a) => {
    const v = stdvarOverTime(a);
    return v === undefined ? undefined : Math.sqrt(v);
  },
  quantile_over_time: (a) => (a.hi > a.lo ? quantile(a.params[0]!, windowValues(a)) : undefined),
  mad_over_time: (a) => {
    if (a.hi <= a.lo) return undefined;
    const values = windowValues(a);
    if (values.some(Number.isNaN)) return Number.NaN;
    const median = quantile(0.5, values);
    return quantile(
      0.5,
      values.map((v) => Math.abs(v - median)),
    );
  },
  changes: (a) => {
    if (a.hi <= a.lo) return undefined;
    let changes = 0;
    let prev = a.vs[a.lo]!;
    for (let i = a.lo + 1; i < a.hi; i++) {
      const cur = a.vs[i]!;
      if (cur !== prev && !(Number.isNaN(cur) && Number.isNaN(prev))) changes++;
      prev = cur;
    }
    return changes;
  },
  resets: (a) => {
    if (a.hi <= a.lo) return undefined;
    let resets = 0;
    let prev = a.vs[a.lo]!;
    for (let i = a.lo + 1; i < a.hi; i++) {
      const cur = a.vs[i]!;
      if (cur < prev) resets++;
      prev = cur;
    }
    return resets;
  },
  deriv: (a) => {
    if (a.hi - a.lo < 2) return undefined;
    return linearRegression(a.ts, a.vs, a.lo, a.hi, a.ts[a.lo]!)[0];
  },
  predict_linear: (a) => {
    if (a.hi - a.lo < 2) return undefined;
    const [slope, intercept] = linearRegression(a.ts, a.vs, a.lo, a.hi, a.stepTime);
    return intercept + slope * a.params[0]!;
  },
  double_exponential_smoothing: doubleExponentialSmoothing,
};

/** Range functions whose result keeps the metric name, as in Prometheus. */
export const KEEPS_NAME: ReadonlySet<string> = new Set(['last_over_time', 'first_over_time']);
