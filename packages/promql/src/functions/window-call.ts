import type { FloatHistogram } from '@pyrometer/model';
import { type QueryContext, type StepRange, stepTime } from '../engine/context.ts';
import { dropNameOf, evalRangeArg, evalScalar } from '../engine/evaluator.ts';
import { withoutName } from '../engine/names.ts';
import { forEachWindow } from '../engine/selectors.ts';
import {
  type HistogramSeries,
  newSeries,
  QueryError,
  type RangeValue,
  type RawSeries,
  type StepSeries,
  type StepVector,
} from '../engine/values.ts';
import type { Call, Expr } from '../parser/ast.ts';
import { formatNumber } from '../parser/printer.ts';
import { unparen } from './args.ts';
import { anchoredHistograms, checkExtendedModifier, extendedWindow, smoothedHistograms } from './extended.ts';
import { histogramWindow, mixedChanges } from './histogram-window.ts';
import { KEEPS_NAME, WINDOW_FUNCTIONS, type WindowArgs } from './range.ts';

// anchored changes()/resets() over floats and histograms: the window plus the newest
// sample of either kind before it (within the lookback delta).
function anchoredMixedChanges(
  name: 'changes' | 'resets',
  s: RawSeries,
  m: RangeValue,
  r: StepRange,
  lookback: number,
  o: StepSeries,
): void {
  const hts = s.hts!;
  const hvs = s.hvs!;
  for (let k = 0; k < r.steps; k++) {
    const end = m.windowEnds[k]!;
    const start = end - m.range;
    const samples: { t: number; f?: number; h?: FloatHistogram }[] = [];
    let before: { t: number; f?: number; h?: FloatHistogram } | undefined;
    for (let i = 0; i < s.length; i++) {
      const t = s.ts[i]!;
      if (t > end) break;
      if (t > start) samples.push({ t, f: s.vs[i]! });
      else if (t > start - lookback && (before === undefined || t > before.t)) before = { t, f: s.vs[i]! };
    }
    for (let i = 0; i < hts.length; i++) {
      const t = hts[i]!;
      if (t > end) break;
      if (t > start) samples.push({ t, h: hvs[i]! });
      else if (t > start - lookback && (before === undefined || t > before.t)) before = { t, h: hvs[i]! };
    }
    if (samples.length === 0) {
      o.present[k] = 0;
      continue;
    }
    if (before !== undefined) samples.push(before);
    o.values[k] = mixedChanges(name, samples);
    o.present[k] = 1;
  }
}

function dropHistogramName(q: QueryContext, h: HistogramSeries): HistogramSeries {
  if (q.settings.delayedNameRemoval) return { ...h, dropName: true };
  return { ...h, labels: withoutName(h.labels), dropName: false };
}

// The native-histogram side of a range function: histogram results go to their own column,
// float results (counts, timestamps) into the float column `o`.
function histogramColumn(
  name: string,
  s: RawSeries,
  m: RangeValue,
  r: StepRange,
  floatWindows: Int32Array,
  o: StepSeries,
  q: QueryContext,
  arg: Expr,
): HistogramSeries | undefined {
  const hts = s.hts!;
  const hvs = s.hvs!;
  let hcol: (FloatHistogram | undefined)[] | undefined;
  let lo = 0;
  let hi = 0;
  for (let k = 0; k < r.steps; k++) {
    const end = m.windowEnds[k]!;
    if (k > 0 && end < m.windowEnds[k - 1]!) {
      lo = 0;
      hi = 0;
    }
    while (lo < hts.length && hts[lo]! <= end - m.range) lo++;
    if (hi < lo) hi = lo;
    while (hi < hts.length && hts[hi]! <= end) hi++;
    const flo = floatWindows[2 * k]!;
    const fhi = floatWindows[2 * k + 1]!;
    const res = histogramWindow(name, {
      hts,
      hvs,
      lo,
      hi,
      floats: fhi - flo,
      lastFloatT: fhi > flo ? s.ts[fhi - 1]! : Number.NEGATIVE_INFINITY,
      prevFloatT: fhi - 1 > flo ? s.ts[fhi - 2]! : Number.NEGATIVE_INFINITY,
      firstFloatT: fhi > flo ? s.ts[flo]! : Number.POSITIVE_INFINITY,
      end,
      range: m.range,
      name: s.labels.metricName,
      warn: (message) => q.warn(message, arg.pos),
    });
    if (res.kind === 'merge') {
      const samples: { t: number; f?: number; h?: FloatHistogram }[] = [];
      for (let i = flo; i < fhi; i++) samples.push({ t: s.ts[i]!, f: s.vs[i]! });
      for (let i = lo; i < hi; i++) samples.push({ t: hts[i]!, h: hvs[i]! });
      o.values[k] = mixedChanges(name as 'changes' | 'resets', samples);
      o.present[k] = 1;
    } else if (res.kind === 'float') {
      o.values[k] = res.value;
      o.present[k] = 1;
    } else if (res.kind === 'histogram') {
      o.present[k] = 0;
      hcol ??= new Array(r.steps);
      hcol[k] = res.value;
    } else if (res.kind === 'mixed') {
      o.present[k] = 0;
      q.warn(`encountered a mix of histograms and floats for metric name "${s.labels.metricName}"`, arg.pos);
    }
  }
  return hcol === undefined ? undefined : { labels: s.labels, hists: hcol, dropName: s.dropName };
}

export async function evalWindowFunction(node: Call, q: QueryContext, r: StepRange): Promise<StepVector> {
  const name = node.func;
  const fn = WINDOW_FUNCTIONS[name]!;
  const matrixIndex = name === 'quantile_over_time' ? 1 : 0;
  const scalars: Float64Array[] = [];
  for (let i = 0; i < node.args.length; i++) {
    if (i !== matrixIndex) scalars.push((await evalScalar(node.args[i]!, q, r)).values);
  }
  const arg = unparen(node.args[matrixIndex]!);
  if (arg.kind === 'MatrixSelector' && arg.modifier !== undefined) checkExtendedModifier(name, arg.modifier);
  const m = await evalRangeArg(arg, q, r);
  if (name === 'quantile_over_time') {
    const p = scalars[0]!;
    if (m.series.length > 0 && p.some((x) => !(x >= 0 && x <= 1))) {
      const bad = p.find((x) => !(x >= 0 && x <= 1))!;
      q.warn(`quantile value should be between 0 and 1, got ${formatNumber(bad)}`, node.args[0]!.pos);
    }
  }
  if (name === 'double_exponential_smoothing') {
    for (let k = 0; k < r.steps; k++) {
      const sf = scalars[0]![k]!;
      const tf = scalars[1]![k]!;
      if (!(sf > 0 && sf < 1))
        throw new QueryError(
          'execution',
          `invalid smoothing factor. Expected: 0 < sf < 1, got: ${formatNumber(sf)}`,
        );
      if (!(tf > 0 && tf < 1))
        throw new QueryError(
          'execution',
          `invalid trend factor. Expected: 0 < tf < 1, got: ${formatNumber(tf)}`,
        );
    }
  }
  const keepsName = KEEPS_NAME.has(name);
  const out: StepSeries[] = [];
  const hists: HistogramSeries[] = [];
  const a: WindowArgs = {
    ts: new Float64Array(0),
    vs: new Float64Array(0),
    lo: 0,
    hi: 0,
    end: 0,
    range: m.range,
    stepTime: 0,
    params: scalars.map(() => 0),
  };
  let held = 0;
  for (const s of m.series) {
    q.check();
    const o = newSeries(s.labels, r.steps, s.dropName);
    a.ts = s.ts;
    a.vs = s.vs;
    let any = false;
    if (m.modifier !== undefined) {
      for (let k = 0; k < r.steps; k++) {
        const v = extendedWindow(name, s, m, k, q.settings.lookbackDelta);
        if (v === undefined) continue;
        o.values[k] = v;
        o.present[k] = 1;
        any = true;
      }
      if (any) out.push(keepsName ? o : dropNameOf(q, o));
      if (s.hts !== undefined && m.modifier === 'anchored' && (name === 'changes' || name === 'resets')) {
        anchoredMixedChanges(name, s, m, r, q.settings.lookbackDelta, o);
        if (o.present.includes(1) && !any) out.push(dropNameOf(q, o));
      }
      if (s.hts !== undefined) {
        const extended = m.modifier === 'anchored' ? anchoredHistograms : smoothedHistograms;
        const hcol = extended(name, s, m, r, q.settings.lookbackDelta, (msg) => q.warn(msg, arg.pos));
        if (hcol !== undefined) hists.push(dropHistogramName(q, hcol));
      }
      continue;
    }
    const floatWindows = s.hts === undefined ? undefined : new Int32Array(2 * r.steps);
    forEachWindow(s, m, (k, lo, hi) => {
      if (floatWindows !== undefined) {
        floatWindows[2 * k] = lo;
        floatWindows[2 * k + 1] = hi;
      }
      a.lo = lo;
      a.hi = hi;
      held += hi - lo;
      a.end = m.windowEnds[k]!;
      a.stepTime = stepTime(r, k);
      for (let i = 0; i < scalars.length; i++) a.params[i] = scalars[i]![k]!;
      const v = fn(a);
      if (v === undefined) return;
      o.values[k] = v;
      o.present[k] = 1;
      any = true;
    });
    if (floatWindows !== undefined) {
      const hcol = histogramColumn(name, s, m, r, floatWindows, o, q, arg);
      if (hcol !== undefined) hists.push(keepsName ? hcol : dropHistogramName(q, hcol));
      any = o.present.includes(1);
    }
    if (any) out.push(keepsName ? o : dropNameOf(q, o));
  }
  if (r.steps > 0) q.holdSamples(Math.ceil(held / r.steps));
  return hists.length > 0
    ? { kind: 'vector', series: out, histograms: hists }
    : { kind: 'vector', series: out };
}
