import type { FloatHistogram } from '@pyrometer/model';
import { addHistograms, detectReset, HistogramMathError, scaleHistogram } from '../engine/histogram-math.ts';
import type { HistogramSeries, RangeValue, RawSeries } from '../engine/values.ts';
import { QueryError } from '../engine/values.ts';

const ANCHORED_FUNCTIONS = ['changes', 'delta', 'increase', 'rate', 'resets'];
const SMOOTHED_FUNCTIONS = ['delta', 'increase', 'rate'];

/** Rejects a function the `anchored`/`smoothed` modifier does not apply to, as Prometheus does. */
export function checkExtendedModifier(func: string, modifier: 'anchored' | 'smoothed'): void {
  const allowed = modifier === 'anchored' ? ANCHORED_FUNCTIONS : SMOOTHED_FUNCTIONS;
  if (!allowed.includes(func)) {
    throw new QueryError(
      'execution',
      `${modifier} modifier can only be used with: ${allowed.join(', ')} - not with ${func}`,
    );
  }
}

function interpolate(a: number, ta: number, b: number, tb: number, t: number, counter: boolean): number {
  const f = (t - ta) / (tb - ta);
  // Across a counter reset the counter restarted from zero somewhere between the samples.
  if (counter && b < a) return b * f;
  return a + (b - a) * f;
}

function counterIncrease(values: number[]): number {
  let sum = 0;
  for (let i = 1; i < values.length; i++) {
    const prev = values[i - 1]!;
    const cur = values[i]!;
    sum += cur >= prev ? cur - prev : cur;
  }
  return sum;
}

/**
 * One step of a range function over an `anchored` or `smoothed` range. Anchored: the window's
 * samples plus the last sample before it (within the lookback delta), no extrapolation.
 * Smoothed: the values at both window edges interpolated from the neighbouring samples.
 */
export function extendedWindow(
  func: string,
  s: RawSeries,
  m: RangeValue,
  k: number,
  lookback: number,
): number | undefined {
  const end = m.windowEnds[k]!;
  const start = end - m.range;
  const { ts, vs } = s;
  let lo = 0;
  while (lo < s.length && ts[lo]! <= start) lo++;
  let hi = lo;
  while (hi < s.length && ts[hi]! <= end) hi++;
  const counter = func === 'rate' || func === 'increase';
  let seq: number[];
  if (m.modifier === 'anchored') {
    if (hi <= lo) return undefined;
    seq = [];
    if (lo > 0 && ts[lo - 1]! > start - lookback) seq.push(vs[lo - 1]!);
    for (let i = lo; i < hi; i++) seq.push(vs[i]!);
  } else {
    if (hi === 0 || lo >= s.length) return undefined;
    const hasPrev = lo > 0 && ts[lo - 1]! > start - lookback;
    const first = hasPrev ? interpolate(vs[lo - 1]!, ts[lo - 1]!, vs[lo]!, ts[lo]!, start, counter) : vs[lo]!;
    const hasNext = hi < s.length && ts[hi]! < end + lookback;
    const last = hasNext
      ? interpolate(vs[hi - 1]!, ts[hi - 1]!, vs[hi]!, ts[hi]!, end, counter)
      : vs[hi - 1]!;
    seq = [first];
    for (let i = lo; i < hi; i++) seq.push(vs[i]!);
    seq.push(last);
  }
  switch (func) {
    case 'increase':
      return counterIncrease(seq);
    case 'rate':
      return counterIncrease(seq) / (m.range / 1000);
    case 'delta':
      return seq[seq.length - 1]! - seq[0]!;
    case 'changes': {
      let n = 0;
      for (let i = 1; i < seq.length; i++) {
        const a = seq[i - 1]!;
        const b = seq[i]!;
        if (a !== b && !(Number.isNaN(a) && Number.isNaN(b))) n++;
      }
      return n;
    }
    case 'resets': {
      let n = 0;
      for (let i = 1; i < seq.length; i++) if (seq[i]! < seq[i - 1]!) n++;
      return n;
    }
    default:
      return undefined;
  }
}

/** The smoothed value of an instant selector at `t`: interpolated between its neighbours. */
export function smoothedValue(s: RawSeries, t: number, lookback: number): number | undefined {
  let j = -1;
  while (j + 1 < s.length && s.ts[j + 1]! <= t) j++;
  if (j < 0 || s.ts[j]! <= t - lookback) return undefined;
  if (s.ts[j] === t || j + 1 >= s.length || s.ts[j + 1]! >= t + lookback) return s.vs[j]!;
  return interpolate(s.vs[j]!, s.ts[j]!, s.vs[j + 1]!, s.ts[j + 1]!, t, false);
}

/** `anchored` increase/rate/delta over native histograms: the last minus the anchor, resets added back. */
export function anchoredHistograms(
  func: string,
  s: RawSeries,
  m: RangeValue,
  r: { steps: number },
  lookback: number,
  warn: (message: string) => void,
): HistogramSeries | undefined {
  if (func !== 'increase' && func !== 'rate' && func !== 'delta') return undefined;
  const hts = s.hts!;
  const hvs = s.hvs!;
  let out: (FloatHistogram | undefined)[] | undefined;
  for (let k = 0; k < r.steps; k++) {
    const end = m.windowEnds[k]!;
    const start = end - m.range;
    let lo = 0;
    while (lo < hts.length && hts[lo]! <= start) lo++;
    let hi = lo;
    while (hi < hts.length && hts[hi]! <= end) hi++;
    if (hi <= lo) continue;
    const from = lo > 0 && hts[lo - 1]! > start - lookback ? lo - 1 : lo;
    let result: FloatHistogram;
    try {
      result = addHistograms(hvs[hi - 1]!, hvs[from]!, -1);
      if (func !== 'delta') {
        for (let i = from + 1; i < hi; i++)
          if (detectReset(hvs[i]!, hvs[i - 1]!)) result = addHistograms(result, hvs[i - 1]!);
      }
    } catch (e) {
      if (!(e instanceof HistogramMathError)) throw e;
      warn(
        `vector contains a mix of histograms with exponential and custom buckets schemas for metric name "${s.labels.metricName}"`,
      );
      continue;
    }
    if (func === 'rate') result = scaleHistogram(result, 1000 / m.range);
    out ??= new Array(r.steps);
    out[k] = { ...result, counterResetHint: 'gauge' };
  }
  return out === undefined ? undefined : { labels: s.labels, hists: out, dropName: s.dropName };
}

function interpolateHistogram(
  a: FloatHistogram,
  ta: number,
  b: FloatHistogram,
  tb: number,
  t: number,
  counter: boolean,
): FloatHistogram {
  const f = (t - ta) / (tb - ta);
  // Across a counter reset the counter restarted from zero somewhere between the samples.
  if (counter && detectReset(b, a)) return scaleHistogram(b, f);
  return addHistograms(a, addHistograms(b, a, -1), f);
}

/** `smoothed` increase/rate/delta over native histograms, as the float version. */
export function smoothedHistograms(
  func: string,
  s: RawSeries,
  m: RangeValue,
  r: { steps: number },
  lookback: number,
  warn: (message: string) => void,
): HistogramSeries | undefined {
  if (func !== 'increase' && func !== 'rate' && func !== 'delta') return undefined;
  const hts = s.hts!;
  const hvs = s.hvs!;
  const counter = func !== 'delta';
  let out: (FloatHistogram | undefined)[] | undefined;
  for (let k = 0; k < r.steps; k++) {
    const end = m.windowEnds[k]!;
    const start = end - m.range;
    let lo = 0;
    while (lo < hts.length && hts[lo]! <= start) lo++;
    let hi = lo;
    while (hi < hts.length && hts[hi]! <= end) hi++;
    if (hi === 0 || lo >= hts.length) continue;
    let result: FloatHistogram;
    try {
      const hasPrev = lo > 0 && hts[lo - 1]! > start - lookback;
      const first = hasPrev
        ? interpolateHistogram(hvs[lo - 1]!, hts[lo - 1]!, hvs[lo]!, hts[lo]!, start, counter)
        : hvs[lo]!;
      const hasNext = hi < hts.length && hts[hi]! < end + lookback;
      const last = hasNext
        ? interpolateHistogram(hvs[hi - 1]!, hts[hi - 1]!, hvs[hi]!, hts[hi]!, end, counter)
        : hvs[hi - 1]!;
      const seq = [first, ...hvs.slice(lo, hi), last];
      if (counter) {
        result = scaleHistogram(seq[0]!, 0);
        for (let i = 1; i < seq.length; i++) {
          const prev = seq[i - 1]!;
          const cur = seq[i]!;
          result = addHistograms(result, detectReset(cur, prev) ? cur : addHistograms(cur, prev, -1));
        }
      } else {
        result = addHistograms(last, first, -1);
      }
    } catch (e) {
      if (!(e instanceof HistogramMathError)) throw e;
      warn(
        `vector contains a mix of histograms with exponential and custom buckets schemas for metric name "${s.labels.metricName}"`,
      );
      continue;
    }
    if (func === 'rate') result = scaleHistogram(result, 1000 / m.range);
    out ??= new Array(r.steps);
    out[k] = { ...result, counterResetHint: 'gauge' };
  }
  return out === undefined ? undefined : { labels: s.labels, hists: out, dropName: s.dropName };
}

/** The smoothed value of an instant selector over native histograms at `t`. */
export function smoothedHistogramAt(
  hts: number[],
  hvs: FloatHistogram[],
  t: number,
  lookback: number,
): FloatHistogram | undefined {
  let j = -1;
  while (j + 1 < hts.length && hts[j + 1]! <= t) j++;
  if (j < 0 || hts[j]! <= t - lookback) return undefined;
  if (hts[j] === t || j + 1 >= hts.length || hts[j + 1]! >= t + lookback) return hvs[j]!;
  try {
    return interpolateHistogram(hvs[j]!, hts[j]!, hvs[j + 1]!, hts[j + 1]!, t, false);
  } catch (e) {
    if (e instanceof HistogramMathError) return undefined;
    throw e;
  }
}
