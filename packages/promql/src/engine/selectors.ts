import {
  type FloatHistogram,
  isStaleNaN,
  type Labels,
  type Matcher,
  type SampleIterator,
  type SelectHints,
  ValueType,
} from '@pyrometer/model';
import { smoothedHistogramAt, smoothedValue } from '../functions/extended.ts';
import type { MatrixSelector, VectorSelector } from '../parser/ast.ts';
import { type QueryContext, type StepRange, stepTime } from './context.ts';
import {
  type HistogramSeries,
  newSeries,
  type RangeValue,
  type RawSeries,
  type StepSeries,
  type StepVector,
} from './values.ts';

/** Calls `visit` with an iterator over each matching series (sorted by labels), positioned at `mint`. */
async function selectSeries(
  q: QueryContext,
  matchers: Matcher[],
  mint: number,
  maxt: number,
  hints: SelectHints,
  visit: (labels: Labels, it: SampleIterator, first: ValueType) => void,
): Promise<void> {
  const querier = await q.querier(mint, maxt);
  const set = await querier.select(true, hints, ...matchers);
  let it: SampleIterator | undefined;
  while (set.next()) {
    q.check();
    const s = set.at();
    it = s.iterator(it);
    visit(s.labels, it, it.seek(mint));
    const err = it.err();
    if (err !== undefined) throw err;
  }
  const err = set.err();
  if (err !== undefined) throw err;
  for (const w of set.warnings()) q.warn(w);
}

/**
 * Holds the samples of many series in a few large typed arrays; each series gets views into
 * them, so reading a range vector allocates per chunk, not per series.
 */
class SampleArena {
  #ts = new Float64Array(1 << 14);
  #vs = new Float64Array(1 << 14);
  #start = 0;
  #n = 0;

  begin(): void {
    this.#start = this.#n;
  }

  push(t: number, v: number): void {
    if (this.#n === this.#ts.length) this.#grow();
    this.#ts[this.#n] = t;
    this.#vs[this.#n] = v;
    this.#n++;
  }

  end(): { ts: Float64Array; vs: Float64Array; length: number } {
    return {
      ts: this.#ts.subarray(this.#start, this.#n),
      vs: this.#vs.subarray(this.#start, this.#n),
      length: this.#n - this.#start,
    };
  }

  // Earlier series keep their views of the old chunk; the open series moves to the new one.
  #grow(): void {
    const open = this.#n - this.#start;
    const size = Math.max(this.#ts.length * 2, open * 2);
    const ts = new Float64Array(size);
    const vs = new Float64Array(size);
    ts.set(this.#ts.subarray(this.#start, this.#n));
    vs.set(this.#vs.subarray(this.#start, this.#n));
    this.#ts = ts;
    this.#vs = vs;
    this.#start = 0;
    this.#n = open;
  }
}

/** Reads every float sample with `mint <= t <= maxt` of the matching series, sorted by labels. */
export async function loadSeries(
  q: QueryContext,
  matchers: Matcher[],
  mint: number,
  maxt: number,
  keepStale: boolean,
  hints: SelectHints,
): Promise<RawSeries[]> {
  const out: RawSeries[] = [];
  const arena = new SampleArena();
  let total = 0;
  await selectSeries(q, matchers, mint, maxt, hints, (labels, it, first) => {
    arena.begin();
    let hts: number[] | undefined;
    let hvs: FloatHistogram[] | undefined;
    for (let vt = first; vt !== ValueType.None; vt = it.next()) {
      const t = it.t();
      if (t > maxt) break;
      if (vt === ValueType.Histogram) {
        q.stats.histogramSamples++;
        hts ??= [];
        hvs ??= [];
        hts.push(t);
        hvs.push(copyHistogram(it.histogram()));
      } else {
        const v = it.value();
        if (keepStale || !isStaleNaN(v)) arena.push(t, v);
      }
    }
    const { ts, vs, length } = arena.end();
    if (length > 0 || hts !== undefined) {
      const raw: RawSeries = { labels, ts, vs, length, dropName: false };
      if (hts !== undefined && hvs !== undefined) {
        raw.hts = hts;
        raw.hvs = hvs;
      }
      out.push(raw);
    }
    total += length;
  });
  q.stats.totalQueryableSamples += total;
  return out;
}

/** Evaluation times per step after `@` and offset. */
export function effectiveTimes(
  q: QueryContext,
  r: StepRange,
  at: VectorSelector['at'],
  offsetMs: number,
): Float64Array {
  const times = new Float64Array(r.steps);
  const pinned = at === undefined ? undefined : q.atTime(at);
  for (let k = 0; k < r.steps; k++) times[k] = (pinned ?? stepTime(r, k)) - offsetMs;
  return times;
}

function minMax(times: Float64Array): [number, number] {
  let lo = Number.POSITIVE_INFINITY;
  let hi = Number.NEGATIVE_INFINITY;
  for (const t of times) {
    if (t < lo) lo = t;
    if (t > hi) hi = t;
  }
  return [lo, hi];
}

/**
 * An instant vector selector: per step, the newest sample in (t - lookback, t], unless it is
 * a stale marker. With `timestamps`, the sample's own time in seconds (for `timestamp()`).
 */
export async function evalVectorSelector(
  node: VectorSelector,
  q: QueryContext,
  r: StepRange,
  timestamps = false,
): Promise<StepVector> {
  const offset = node.offset === undefined ? 0 : q.durationMs(node.offset);
  const times = effectiveTimes(q, r, node.at, offset);
  const [lo, hi] = minMax(times);
  const lookback = q.settings.lookbackDelta;
  if (node.modifier === 'smoothed') return evalSmoothedSelector(node, q, r, times, lo, hi);
  const out: StepSeries[] = [];
  const hists: HistogramSeries[] = [];
  let total = 0;
  const mint = lo - lookback + 1;
  const steps = new StepFiller(times, lookback, timestamps);
  // One pass per series: each sample is the newest for the steps before the next sample.
  await selectSeries(
    q,
    node.matchers,
    mint,
    hi,
    { start: mint, end: hi, step: r.interval },
    (labels, it, first) => {
      const col = newSeries(labels, r.steps, false);
      steps.start(col);
      for (let vt = first; vt !== ValueType.None; vt = it.next()) {
        const t = it.t();
        if (t > hi) break;
        steps.fillUntil(t);
        total++;
        if (vt === ValueType.Float) steps.float(t, it.value());
        else {
          q.stats.histogramSamples++;
          steps.histogram(t, copyHistogram(it.histogram()));
        }
      }
      steps.fillUntil(Number.POSITIVE_INFINITY);
      if (steps.any) out.push(col);
      if (steps.hists !== undefined) hists.push({ labels, hists: steps.hists, dropName: false });
    },
  );
  q.stats.totalQueryableSamples += total;
  q.holdSamples(steps.held);
  return hists.length > 0
    ? { kind: 'vector', series: out, histograms: hists }
    : { kind: 'vector', series: out };
}

/**
 * Fills one series' steps from its samples in time order: each sample is the value of the
 * steps from its time until the next sample, within the lookback. State lives in fields, not
 * in a closure's variables: a double assigned to a captured variable is boxed every time.
 */
class StepFiller {
  readonly #times: Float64Array;
  readonly #lookback: number;
  readonly #timestamps: boolean;
  #col: StepSeries | undefined;
  #k = 0;
  #has = false;
  #pt = 0;
  #pv = 0;
  #pFloat = false;
  #ph: FloatHistogram | undefined;
  /** The series' histograms by step, when it has any; whether any step got a float. */
  hists: (FloatHistogram | undefined)[] | undefined;
  any = false;
  /** Samples held across all series, for the query's sample limit. */
  held = 0;

  constructor(times: Float64Array, lookback: number, timestamps: boolean) {
    this.#times = times;
    this.#lookback = lookback;
    this.#timestamps = timestamps;
  }

  start(col: StepSeries): void {
    this.#col = col;
    this.#k = 0;
    this.#has = false;
    this.#pFloat = false;
    this.#ph = undefined;
    this.hists = undefined;
    this.any = false;
  }

  float(t: number, v: number): void {
    this.#has = true;
    this.#pt = t;
    this.#pv = v;
    this.#pFloat = true;
  }

  histogram(t: number, h: FloatHistogram): void {
    this.#has = true;
    this.#pt = t;
    this.#ph = h;
    this.#pFloat = false;
  }

  /** Gives the steps before `until` the newest sample so far. */
  fillUntil(until: number): void {
    const times = this.#times;
    const col = this.#col!;
    const steps = times.length;
    const timestamps = this.#timestamps;
    const pt = this.#pt;
    for (; this.#k < steps && times[this.#k]! < until; this.#k++) {
      const k = this.#k;
      if (!this.#has || pt <= times[k]! - this.#lookback) continue;
      if (!this.#pFloat && !timestamps) {
        this.hists ??= new Array(steps);
        this.hists[k] = this.#ph;
        this.held++;
        continue;
      }
      if (this.#pFloat && isStaleNaN(this.#pv)) continue;
      col.values[k] = timestamps ? pt / 1000 : this.#pv;
      col.present[k] = 1;
      this.any = true;
      this.held++;
    }
  }
}

async function evalSmoothedSelector(
  node: VectorSelector,
  q: QueryContext,
  r: StepRange,
  times: Float64Array,
  lo: number,
  hi: number,
): Promise<StepVector> {
  const lookback = q.settings.lookbackDelta;
  const raw = await loadSeries(q, node.matchers, lo - lookback + 1, hi + lookback - 1, false, {
    start: lo - lookback + 1,
    end: hi + lookback - 1,
    step: r.interval,
  });
  const out: StepSeries[] = [];
  const hists: HistogramSeries[] = [];
  for (const s of raw) {
    const col = newSeries(s.labels, r.steps, false);
    for (let k = 0; k < r.steps; k++) {
      const v = smoothedValue(s, times[k]!, lookback);
      if (v === undefined) continue;
      col.values[k] = v;
      col.present[k] = 1;
    }
    if (col.present.includes(1)) out.push(col);
    if (s.hts !== undefined && s.hvs !== undefined) {
      const hcol: (FloatHistogram | undefined)[] = new Array(r.steps);
      for (let k = 0; k < r.steps; k++) hcol[k] = smoothedHistogramAt(s.hts, s.hvs, times[k]!, lookback);
      if (hcol.some((x) => x !== undefined)) hists.push({ labels: s.labels, hists: hcol, dropName: false });
    }
  }
  return hists.length > 0
    ? { kind: 'vector', series: out, histograms: hists }
    : { kind: 'vector', series: out };
}

/** A range vector selector: the samples of (t - range, t] per step, stale markers left out. */
export async function evalMatrixSelector(
  node: MatrixSelector,
  q: QueryContext,
  r: StepRange,
): Promise<RangeValue> {
  const sel = node.selector;
  const offset = sel.offset === undefined ? 0 : q.durationMs(sel.offset);
  const range = q.durationMs(node.range);
  const windowEnds = effectiveTimes(q, r, sel.at, offset);
  const [lo, hi] = minMax(windowEnds);
  // anchored/smoothed ranges also read the samples just outside the window.
  const extra = node.modifier === undefined ? 0 : q.settings.lookbackDelta;
  const mint = lo - range - extra + 1;
  const maxt = node.modifier === 'smoothed' ? hi + extra - 1 : hi;
  const raw = await loadSeries(q, sel.matchers, mint, maxt, false, {
    start: mint,
    end: maxt,
    step: r.interval,
    range,
  });
  const m: RangeValue = { kind: 'matrix', series: raw, windowEnds, range };
  if (node.modifier !== undefined) m.modifier = node.modifier;
  return m;
}

/** For each step, calls `fn(lo, hi)` with the index range of `s` inside that step's window. */
export function forEachWindow(
  s: RawSeries,
  m: RangeValue,
  fn: (k: number, lo: number, hi: number) => void,
): void {
  let lo = 0;
  let hi = 0;
  const ends = m.windowEnds;
  for (let k = 0; k < ends.length; k++) {
    const end = ends[k]!;
    const start = end - m.range;
    if (k > 0 && end < ends[k - 1]!) {
      lo = 0;
      hi = 0;
    }
    while (lo < s.length && s.ts[lo]! <= start) lo++;
    if (hi < lo) hi = lo;
    while (hi < s.length && s.ts[hi]! <= end) hi++;
    fn(k, lo, hi);
  }
}

/** A histogram the iterator may reuse, copied so the query can keep it. */
export function copyHistogram(h: FloatHistogram): FloatHistogram {
  const out: FloatHistogram = {
    ...h,
    positiveSpans: h.positiveSpans.map((s) => ({ ...s })),
    positiveBuckets: h.positiveBuckets.slice(),
    negativeSpans: h.negativeSpans.map((s) => ({ ...s })),
    negativeBuckets: h.negativeBuckets.slice(),
  };
  if (h.customValues !== undefined) out.customValues = h.customValues.slice();
  return out;
}
