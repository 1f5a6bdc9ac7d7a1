import type { BucketSpan, FloatHistogram } from '@pyrometer/model';

/** A histogram with its buckets as index → count maps, the form arithmetic works on. */
interface Sparse {
  schema: number;
  zeroThreshold: number;
  zeroCount: number;
  count: number;
  sum: number;
  pos: Map<number, number>;
  neg: Map<number, number>;
  customValues?: number[];
  hint: FloatHistogram['counterResetHint'];
}

function toMap(spans: BucketSpan[], counts: number[]): Map<number, number> {
  const out = new Map<number, number>();
  let idx = 0;
  let j = 0;
  for (const s of spans) {
    idx += s.offset;
    for (let k = 0; k < s.length; k++, idx++, j++) {
      const c = counts[j] ?? 0;
      out.set(idx, (out.get(idx) ?? 0) + c);
    }
  }
  return out;
}

function fromMap(m: Map<number, number>): { spans: BucketSpan[]; counts: number[] } {
  const idxs = [...m.keys()].sort((a, b) => a - b);
  const spans: BucketSpan[] = [];
  const counts: number[] = [];
  let prevEnd = 0;
  for (const i of idxs) {
    const last = spans[spans.length - 1];
    if (last !== undefined && i === prevEnd) last.length++;
    else spans.push({ offset: spans.length === 0 ? i : i - prevEnd, length: 1 });
    counts.push(m.get(i)!);
    prevEnd = i + 1;
  }
  return { spans, counts };
}

function toSparse(h: FloatHistogram): Sparse {
  const s: Sparse = {
    schema: h.schema,
    zeroThreshold: h.zeroThreshold,
    zeroCount: h.zeroCount,
    count: h.count,
    sum: h.sum,
    pos: toMap(h.positiveSpans, h.positiveBuckets),
    neg: toMap(h.negativeSpans, h.negativeBuckets),
    hint: h.counterResetHint,
  };
  if (h.customValues !== undefined) s.customValues = h.customValues;
  return s;
}

function fromSparse(s: Sparse): FloatHistogram {
  const pos = fromMap(s.pos);
  const neg = fromMap(s.neg);
  const h: FloatHistogram = {
    counterResetHint: s.hint,
    schema: s.schema,
    zeroThreshold: s.zeroThreshold,
    zeroCount: s.zeroCount,
    count: s.count,
    sum: s.sum,
    positiveSpans: pos.spans,
    positiveBuckets: pos.counts,
    negativeSpans: neg.spans,
    negativeBuckets: neg.counts,
  };
  if (s.customValues !== undefined) h.customValues = s.customValues.slice();
  return h;
}

function rebucket(s: Sparse, common: number[]): Sparse {
  const cv = s.customValues ?? [];
  const pos = new Map<number, number>();
  for (const [i, c] of s.pos) {
    const upper = i < cv.length ? cv[i]! : Number.POSITIVE_INFINITY;
    let j = common.findIndex((b) => b >= upper);
    if (j < 0) j = common.length;
    pos.set(j, (pos.get(j) ?? 0) + c);
  }
  return { ...s, pos, customValues: common };
}

// Lowering the schema by `delta` merges 2^delta neighbouring exponential buckets.
function reduce(m: Map<number, number>, delta: number): Map<number, number> {
  if (delta <= 0) return m;
  const out = new Map<number, number>();
  for (const [i, c] of m) {
    const j = Math.floor((i - 1) / 2 ** delta) + 1;
    out.set(j, (out.get(j) ?? 0) + c);
  }
  return out;
}

function sameBounds(a: number[] | undefined, b: number[] | undefined): boolean {
  const x = a ?? [];
  const y = b ?? [];
  return x.length === y.length && x.every((v, i) => v === y[i]);
}

export class HistogramMathError extends Error {
  override name = 'HistogramMathError';
}

/**
 * a + factor × b, at the coarser of the two schemas (as Prometheus's FloatHistogram.Add/Sub).
 * Exponential and custom buckets cannot be combined; neither can different custom bounds.
 */
export function addHistograms(
  a: FloatHistogram,
  b: FloatHistogram,
  factor = 1,
  onReconcile?: () => void,
): FloatHistogram {
  let x = toSparse(a);
  let y = toSparse(b);
  const custom = x.schema === -53 || y.schema === -53;
  if (custom && x.schema !== y.schema) throw new HistogramMathError('incompatible bucket layouts');
  if (custom && !sameBounds(x.customValues, y.customValues)) {
    // As Prometheus: custom buckets with different bounds meet on the bounds both have.
    const common = (x.customValues ?? []).filter((v) => (y.customValues ?? []).includes(v));
    x = rebucket(x, common);
    y = rebucket(y, common);
    onReconcile?.();
  }
  const schema = Math.min(x.schema, y.schema);
  const xp = custom ? x.pos : reduce(x.pos, x.schema - schema);
  const yp = custom ? y.pos : reduce(y.pos, y.schema - schema);
  const xn = custom ? x.neg : reduce(x.neg, x.schema - schema);
  const yn = custom ? y.neg : reduce(y.neg, y.schema - schema);
  const merge = (p: Map<number, number>, q: Map<number, number>) => {
    const out = new Map(p);
    for (const [i, c] of q) out.set(i, (out.get(i) ?? 0) + factor * c);
    return out;
  };
  const out: Sparse = {
    schema,
    zeroThreshold: Math.max(x.zeroThreshold, y.zeroThreshold),
    zeroCount: x.zeroCount + factor * y.zeroCount,
    count: x.count + factor * y.count,
    sum: x.sum + factor * y.sum,
    pos: merge(xp, yp),
    neg: merge(xn, yn),
    hint: 'gauge',
  };
  if (x.customValues !== undefined) out.customValues = x.customValues;
  return fromSparse(out);
}

/**
 * The sum of many histograms, with the `sum` fields added by Kahan–Neumaier summation (as
 * Prometheus does, so 1 + 1e100 + 1 − 1e100 is 2).
 */
export function sumHistograms(list: readonly FloatHistogram[], onReconcile?: () => void): FloatHistogram {
  let acc = list[0]!;
  let sum = 0;
  let c = 0;
  for (let i = 0; i < list.length; i++) {
    const h = list[i]!;
    if (i > 0) acc = addHistograms(acc, h, 1, onReconcile);
    const t = sum + h.sum;
    if (!Number.isFinite(t) && !Number.isNaN(t)) c = 0;
    else if (Math.abs(sum) >= Math.abs(h.sum)) c += sum - t + h.sum;
    else c += h.sum - t + sum;
    sum = t;
  }
  return { ...acc, sum: sum + c, counterResetHint: 'gauge' };
}

/** Exact equality of two histograms, empty buckets aside (as Prometheus's Equals). */
export function histogramsEqual(a: FloatHistogram, b: FloatHistogram): boolean {
  if (a.schema !== b.schema || a.zeroThreshold !== b.zeroThreshold || a.zeroCount !== b.zeroCount)
    return false;
  if (a.count !== b.count || !(a.sum === b.sum || (Number.isNaN(a.sum) && Number.isNaN(b.sum)))) return false;
  if (a.schema === -53 && !sameBounds(a.customValues, b.customValues)) return false;
  const same = (x: Map<number, number>, y: Map<number, number>) => {
    const nx = [...x].filter(([, c]) => c !== 0);
    const ny = [...y].filter(([, c]) => c !== 0);
    return nx.length === ny.length && nx.every(([i, c]) => y.get(i) === c);
  };
  return (
    same(toMap(a.positiveSpans, a.positiveBuckets), toMap(b.positiveSpans, b.positiveBuckets)) &&
    same(toMap(a.negativeSpans, a.negativeBuckets), toMap(b.negativeSpans, b.negativeBuckets))
  );
}

/** Every count and the sum multiplied by `f`. */
export function scaleHistogram(h: FloatHistogram, f: number): FloatHistogram {
  return {
    ...h,
    counterResetHint: 'gauge',
    count: h.count * f,
    sum: h.sum * f,
    zeroCount: h.zeroCount * f,
    positiveSpans: h.positiveSpans.map((s) => ({ ...s })),
    positiveBuckets: h.positiveBuckets.map((c) => c * f),
    negativeSpans: h.negativeSpans.map((s) => ({ ...s })),
    negativeBuckets: h.negativeBuckets.map((c) => c * f),
  };
}

/**
 * Whether `curr` follows a counter reset after `prev`: an explicit reset hint, or any count
 * going down once both are at the same schema (as Prometheus's DetectReset).
 */
export function detectReset(curr: FloatHistogram, prev: FloatHistogram): boolean {
  if (curr.counterResetHint === 'reset') return true;
  if (curr.counterResetHint === 'not-reset') return false;
  if (curr.count < prev.count || curr.zeroCount < prev.zeroCount) return true;
  if (curr.schema > prev.schema) return true;
  if (curr.zeroThreshold !== prev.zeroThreshold) return true;
  if (curr.schema === -53 && !sameBounds(curr.customValues, prev.customValues)) return true;
  const schema = Math.min(curr.schema, prev.schema);
  const custom = curr.schema === -53;
  const cmp = (c: Map<number, number>, p: Map<number, number>) => {
    for (const [i, v] of p) if ((c.get(i) ?? 0) < v) return true;
    return false;
  };
  const c = toSparse(curr);
  const p = toSparse(prev);
  return (
    cmp(
      custom ? c.pos : reduce(c.pos, c.schema - schema),
      custom ? p.pos : reduce(p.pos, p.schema - schema),
    ) ||
    cmp(custom ? c.neg : reduce(c.neg, c.schema - schema), custom ? p.neg : reduce(p.neg, p.schema - schema))
  );
}

function bucketBounds(s: Sparse, i: number, negative: boolean): [number, number] {
  if (s.schema === -53) {
    const cv = s.customValues ?? [];
    const lower = i === 0 ? Number.NEGATIVE_INFINITY : cv[i - 1]!;
    const upper = i < cv.length ? cv[i]! : Number.POSITIVE_INFINITY;
    // As for quantiles, the first custom bucket starts at 0 when its bound is positive.
    return [lower === Number.NEGATIVE_INFINITY && upper > 0 ? 0 : lower, upper];
  }
  const up = 2 ** (i * 2 ** -s.schema);
  const low = 2 ** ((i - 1) * 2 ** -s.schema);
  return negative ? [-up, -low] : [low, up];
}

// The share of a bucket [lo, hi] that lies above x: linear for custom and zero buckets,
// logarithmic for exponential ones; a bucket of infinite width snaps to its finite edge.
function shareAbove(lo: number, hi: number, x: number, exponential: boolean): number {
  if (x <= lo) return 1;
  if (x >= hi) return 0;
  if (lo === Number.NEGATIVE_INFINITY) return 0;
  if (hi === Number.POSITIVE_INFINITY) return 1;
  if (!exponential || lo <= 0 !== hi <= 0 || lo === 0 || hi === 0) return (hi - x) / (hi - lo);
  if (lo > 0) return (Math.log2(hi) - Math.log2(x)) / (Math.log2(hi) - Math.log2(lo));
  return (
    (Math.log2(Math.abs(x)) - Math.log2(Math.abs(hi))) / (Math.log2(Math.abs(lo)) - Math.log2(Math.abs(hi)))
  );
}

function representative(lo: number, hi: number, exponential: boolean): number {
  if (lo === Number.NEGATIVE_INFINITY) return hi;
  if (hi === Number.POSITIVE_INFINITY) return lo;
  if (!exponential || lo <= 0 || hi <= 0) {
    if (exponential && lo < 0 && hi < 0) return -Math.sqrt(lo * hi);
    return (lo + hi) / 2;
  }
  return Math.sqrt(lo * hi);
}

/**
 * `h </ x` (keep the observations below x) and `h >/ x` (above x): each bucket keeps the
 * share of its count on the kept side, interpolated as histogram_fraction does, and the sum
 * is re-estimated from the kept part of each bucket.
 */
export function trimHistogram(h: FloatHistogram, x: number, keepAbove: boolean): FloatHistogram {
  const s = toSparse(h);
  const exponential = s.schema !== -53;
  let count = 0;
  let sum = 0;
  const trim = (lo: number, hi: number, c: number): number => {
    if (c === 0) return 0;
    const above = shareAbove(lo, hi, x, exponential);
    const share = keepAbove ? above : 1 - above;
    const kept = c * share;
    if (kept === 0) return 0;
    const clo = keepAbove ? Math.max(lo, x) : lo;
    const chi = keepAbove ? hi : Math.min(hi, x);
    count += kept;
    sum += kept * representative(clo, chi, exponential);
    return kept;
  };
  const pos = new Map<number, number>();
  for (const [i, c] of s.pos) {
    const [lo, hi] = bucketBounds(s, i, false);
    pos.set(i, trim(lo, hi, c));
  }
  const neg = new Map<number, number>();
  for (const [i, c] of s.neg) {
    const [lo, hi] = bucketBounds(s, i, true);
    neg.set(i, trim(lo, hi, c));
  }
  const zeroCount =
    s.zeroCount === 0
      ? 0
      : (() => {
          const above = shareAbove(-s.zeroThreshold, s.zeroThreshold, x, false);
          const kept = s.zeroCount * (keepAbove ? above : 1 - above);
          count += kept;
          return kept;
        })();
  return fromSparse({ ...s, pos, neg, zeroCount, count, sum, hint: 'gauge' });
}
