import type { FloatHistogram } from '@pyrometer/model';
import {
  addHistograms,
  detectReset,
  HistogramMathError,
  histogramsEqual,
  scaleHistogram,
  sumHistograms,
} from '../engine/histogram-math.ts';

export type HistogramWindowResult =
  | { kind: 'float'; value: number }
  | { kind: 'histogram'; value: FloatHistogram }
  /** The window mixes floats and histograms where the function takes only one kind. */
  | { kind: 'mixed' }
  /** changes()/resets() over floats and histograms together: see mixedChanges. */
  | { kind: 'merge' }
  | { kind: 'none' };

export interface HistogramWindow {
  hts: number[];
  hvs: FloatHistogram[];
  lo: number;
  hi: number;
  /** Float samples in the same window, and the newest / oldest float timestamps. */
  floats: number;
  lastFloatT: number;
  /** The float sample before the newest one, or -Inf. */
  prevFloatT: number;
  firstFloatT: number;
  end: number;
  range: number;
  warn: (message: string) => void;
  name: string;
}

function sum(w: HistogramWindow): FloatHistogram {
  return sumHistograms(w.hvs.slice(w.lo, w.hi));
}

// As Prometheus's histogramRate: last − first, adding back the value before each counter
// reset, then the same extrapolation to the window edges as for floats.
function rate(w: HistogramWindow, counter: boolean, perSecond: boolean): FloatHistogram | undefined {
  const n = w.hi - w.lo;
  if (n < 2) return undefined;
  const first = w.hvs[w.lo]!;
  const last = w.hvs[w.hi - 1]!;
  if (counter && (first.counterResetHint === 'gauge' || last.counterResetHint === 'gauge')) {
    w.warn(`this native histogram metric is not a counter: "${w.name}"`);
  }
  if (!counter && (last.counterResetHint === 'reset' || last.counterResetHint === 'not-reset')) {
    w.warn(`this native histogram metric is not a gauge: "${w.name}"`);
  }
  let result = addHistograms(last, first, -1);
  if (counter) {
    for (let i = w.lo + 1; i < w.hi; i++) {
      const prev = w.hvs[i - 1]!;
      if (detectReset(w.hvs[i]!, prev)) result = addHistograms(result, prev);
    }
  }
  const firstT = w.hts[w.lo]!;
  const lastT = w.hts[w.hi - 1]!;
  let toStart = (firstT - (w.end - w.range)) / 1000;
  let toEnd = (w.end - lastT) / 1000;
  const sampled = (lastT - firstT) / 1000;
  const avg = sampled / (n - 1);
  if (toStart >= avg * 1.1) toStart = avg / 2;
  if (toEnd >= avg * 1.1) toEnd = avg / 2;
  let factor = (sampled + toStart + toEnd) / sampled;
  if (perSecond) factor /= w.range / 1000;
  return scaleHistogram(result, factor);
}

function instant(w: HistogramWindow, perSecond: boolean): FloatHistogram | undefined {
  if (w.hi - w.lo < 2) return undefined;
  const last = w.hvs[w.hi - 1]!;
  const prev = w.hvs[w.hi - 2]!;
  if (perSecond && (last.counterResetHint === 'gauge' || prev.counterResetHint === 'gauge')) {
    w.warn(`this native histogram metric is not a counter: "${w.name}"`);
  }
  if (!perSecond && (last.counterResetHint === 'reset' || last.counterResetHint === 'not-reset')) {
    w.warn(`this native histogram metric is not a gauge: "${w.name}"`);
  }
  let result = perSecond && detectReset(last, prev) ? { ...last } : addHistograms(last, prev, -1);
  if (perSecond) {
    const interval = (w.hts[w.hi - 1]! - w.hts[w.hi - 2]!) / 1000;
    result = scaleHistogram(result, 1 / interval);
  }
  return { ...result, counterResetHint: 'gauge' };
}

/** One step of a range function over the native-histogram samples of a window. */
export function histogramWindow(func: string, w: HistogramWindow): HistogramWindowResult {
  const n = w.hi - w.lo;
  if (n === 0) return { kind: 'none' };
  const lastT = w.hts[w.hi - 1]!;
  const firstT = w.hts[w.lo]!;
  const latest = w.floats === 0 || lastT > w.lastFloatT;
  const earliest = w.floats === 0 || firstT < w.firstFloatT;
  try {
    switch (func) {
      case 'count_over_time':
        return { kind: 'float', value: n + w.floats };
      case 'present_over_time':
        return { kind: 'float', value: 1 };
      case 'last_over_time':
        return latest ? { kind: 'histogram', value: w.hvs[w.hi - 1]! } : { kind: 'none' };
      case 'first_over_time':
        return earliest ? { kind: 'histogram', value: w.hvs[w.lo]! } : { kind: 'none' };
      case 'ts_of_last_over_time':
        return latest ? { kind: 'float', value: lastT / 1000 } : { kind: 'none' };
      case 'ts_of_first_over_time':
        return earliest ? { kind: 'float', value: firstT / 1000 } : { kind: 'none' };
      default:
        break;
    }
    if ((func === 'changes' || func === 'resets') && w.floats > 0) return { kind: 'merge' };
    if ((func === 'irate' || func === 'idelta') && w.floats > 0) {
      // Only the newest two samples count: both floats leave the float result standing.
      const times = [
        { t: lastT, h: true },
        { t: n > 1 ? w.hts[w.hi - 2]! : Number.NEGATIVE_INFINITY, h: true },
        { t: w.lastFloatT, h: false },
        { t: w.prevFloatT, h: false },
      ].sort((a, b) => b.t - a.t);
      const [a, b] = [times[0]!, times[1]!];
      if (!a.h && !b.h) return { kind: 'none' };
      if (a.h !== b.h) return { kind: 'mixed' };
    } else if (w.floats > 0) {
      return { kind: 'mixed' };
    }
    if (func === 'changes' || func === 'resets') {
      let n2 = 0;
      for (let i = w.lo + 1; i < w.hi; i++) {
        const hit =
          func === 'changes'
            ? !histogramsEqual(w.hvs[i]!, w.hvs[i - 1]!)
            : detectReset(w.hvs[i]!, w.hvs[i - 1]!);
        if (hit) n2++;
      }
      return { kind: 'float', value: n2 };
    }
    let h: FloatHistogram | undefined;
    switch (func) {
      case 'sum_over_time':
        h = sum(w);
        break;
      case 'avg_over_time':
        h = scaleHistogram(sum(w), 1 / n);
        break;
      case 'rate':
        h = rate(w, true, true);
        break;
      case 'increase':
        h = rate(w, true, false);
        break;
      case 'delta':
        h = rate(w, false, false);
        break;
      case 'irate':
        h = instant(w, true);
        break;
      case 'idelta':
        h = instant(w, false);
        break;
      default:
        return { kind: 'none' };
    }
    return h === undefined ? { kind: 'none' } : { kind: 'histogram', value: h };
  } catch (e) {
    if (e instanceof HistogramMathError) {
      w.warn(
        `vector contains a mix of histograms with exponential and custom buckets schemas for metric name "${w.name}"`,
      );
      return { kind: 'none' };
    }
    throw e;
  }
}

/** Functions whose result for a histogram window is a histogram. */
export const MIXED_WARNING_FUNCTIONS: ReadonlySet<string> = new Set([
  'sum_over_time',
  'avg_over_time',
  'rate',
  'increase',
  'delta',
  'irate',
  'idelta',
]);

type Sample = { t: number; f?: number; h?: FloatHistogram };

/**
 * changes()/resets() over a window holding both floats and histograms, in time order: a
 * switch between a float and a histogram counts as a change and as a reset, as in Prometheus.
 */
export function mixedChanges(func: 'changes' | 'resets', samples: Sample[]): number {
  samples.sort((a, b) => a.t - b.t);
  let n = 0;
  for (let i = 1; i < samples.length; i++) {
    const prev = samples[i - 1]!;
    const cur = samples[i]!;
    if ((prev.h === undefined) !== (cur.h === undefined)) {
      n++;
      continue;
    }
    if (cur.h !== undefined && prev.h !== undefined) {
      if (func === 'changes' ? !histogramsEqual(cur.h, prev.h) : detectReset(cur.h, prev.h)) n++;
      continue;
    }
    const a = prev.f!;
    const b = cur.f!;
    if (func === 'changes' ? a !== b && !(Number.isNaN(a) && Number.isNaN(b)) : b < a) n++;
  }
  return n;
}
