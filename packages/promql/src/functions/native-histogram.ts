import type { FloatHistogram } from '@pyrometer/model';
import { type Bucket, bucketFraction, bucketQuantile } from './histogram.ts';

export interface HistogramBucket {
  lower: number;
  upper: number;
  count: number;
}

function customBounds(h: FloatHistogram, i: number): [number, number] {
  const cv = h.customValues ?? [];
  return [i === 0 ? Number.NEGATIVE_INFINITY : cv[i - 1]!, i < cv.length ? cv[i]! : Number.POSITIVE_INFINITY];
}

/** The upper bound of exponential bucket `i` at `schema`: base^i with base = 2^(2^-schema). */
function exponentialBound(i: number, schema: number): number {
  return 2 ** (i * 2 ** -schema);
}

function expand(spans: FloatHistogram['positiveSpans'], counts: number[]): [number, number][] {
  const out: [number, number][] = [];
  let idx = 0;
  let j = 0;
  for (const s of spans) {
    idx += s.offset;
    for (let k = 0; k < s.length; k++, idx++, j++) out.push([idx, counts[j] ?? 0]);
  }
  return out;
}

/** Every bucket from the lowest to the highest: negative, zero, positive (as AllBucketIterator). */
export function allBuckets(h: FloatHistogram): HistogramBucket[] {
  const out: HistogramBucket[] = [];
  if (h.schema === -53) {
    for (const [i, count] of expand(h.positiveSpans, h.positiveBuckets)) {
      const [lower, upper] = customBounds(h, i);
      out.push({ lower, upper, count });
    }
    return out;
  }
  const neg = expand(h.negativeSpans, h.negativeBuckets).reverse();
  for (const [i, count] of neg) {
    out.push({ lower: -exponentialBound(i, h.schema), upper: -exponentialBound(i - 1, h.schema), count });
  }
  if (h.zeroCount > 0 || h.zeroThreshold > 0)
    out.push({ lower: -h.zeroThreshold, upper: h.zeroThreshold, count: h.zeroCount });
  for (const [i, count] of expand(h.positiveSpans, h.positiveBuckets)) {
    out.push({ lower: exponentialBound(i - 1, h.schema), upper: exponentialBound(i, h.schema), count });
  }
  return out;
}

// Custom-bucket histograms are classic histograms in one sample: they take the classic
// interpolation, so both forms of one histogram give the same answer.
function asClassic(h: FloatHistogram): Bucket[] {
  const out: Bucket[] = [];
  let cumulative = 0;
  for (const b of allBuckets(h)) {
    cumulative += b.count;
    if (b.upper !== Number.POSITIVE_INFINITY) out.push({ upperBound: b.upper, count: cumulative });
  }
  out.push({ upperBound: Number.POSITIVE_INFINITY, count: h.count });
  return out;
}

/** As Prometheus's HistogramQuantile for exponential buckets: exponential interpolation within a bucket. */
export function histogramQuantile(q: number, h: FloatHistogram): number {
  if (q < 0) return Number.NEGATIVE_INFINITY;
  if (q > 1) return Number.POSITIVE_INFINITY;
  if (h.count === 0 || Number.isNaN(q)) return Number.NaN;
  if (h.schema === -53) return bucketQuantile(q, asClassic(h)).value;
  const forward = Number.isNaN(h.sum) || q < 0.5;
  const buckets = allBuckets(h);
  if (!forward) buckets.reverse();
  const rank = forward ? q * h.count : (1 - q) * h.count;
  let count = 0;
  let bucket: HistogramBucket | undefined;
  for (const b of buckets) {
    bucket = b;
    if (b.count === 0) continue;
    count += b.count;
    if (count >= rank) break;
  }
  if (bucket === undefined) return Number.NaN;
  let { lower, upper } = bucket;
  if (lower < 0 && upper > 0) {
    if (h.negativeBuckets.length === 0 && h.positiveBuckets.length > 0) lower = 0;
    else if (h.positiveBuckets.length === 0 && h.negativeBuckets.length > 0) upper = 0;
  }
  if (count > h.count) count = h.count;
  if (count < rank) return upper;
  const fraction = forward ? 1 - (count - rank) / bucket.count : (count - rank) / bucket.count;
  if (lower <= 0 && upper >= 0) return lower + (upper - lower) * fraction;
  const logLower = Math.log2(Math.abs(lower));
  const logUpper = Math.log2(Math.abs(upper));
  if (lower > 0) return 2 ** (logLower + (logUpper - logLower) * fraction);
  return -(2 ** (logUpper + (logLower - logUpper) * (1 - fraction)));
}

/** As Prometheus's HistogramFraction: the share of observations between lower and upper. */
export function histogramFraction(lower: number, upper: number, h: FloatHistogram): number {
  if (h.schema === -53) return bucketFraction(lower, upper, asClassic(h));
  if (h.count === 0 || Number.isNaN(lower) || Number.isNaN(upper)) return Number.NaN;
  if (lower >= upper) return 0;
  let rank = 0;
  let lowerRank = 0;
  let upperRank = 0;
  let lowerSet = false;
  let upperSet = false;
  for (const bucket of allBuckets(h)) {
    const b = { ...bucket };
    let zero = false;
    if (b.lower <= 0 && b.upper >= 0) {
      zero = true;
      if (h.negativeBuckets.length === 0 && h.positiveBuckets.length > 0) b.lower = 0;
      else if (h.positiveBuckets.length === 0 && h.negativeBuckets.length > 0) b.upper = 0;
    }
    const at = (v: number) => {
      if (zero) return rank + (b.count * (v - b.lower)) / (b.upper - b.lower);
      const logLower = Math.log2(Math.abs(b.lower));
      const logUpper = Math.log2(Math.abs(b.upper));
      const logV = Math.log2(Math.abs(v));
      const fraction =
        v > 0 ? (logV - logLower) / (logUpper - logLower) : 1 - (logV - logUpper) / (logLower - logUpper);
      return rank + b.count * fraction;
    };
    if (!lowerSet && b.lower >= lower) {
      lowerRank = rank;
      lowerSet = true;
    }
    if (!upperSet && b.lower >= upper) {
      upperRank = rank;
      upperSet = true;
    }
    if (lowerSet && upperSet) break;
    if (!lowerSet && b.lower < lower && b.upper > lower) {
      lowerRank = at(lower);
      lowerSet = true;
    }
    if (!upperSet && b.lower < upper && b.upper > upper) {
      upperRank = at(upper);
      upperSet = true;
    }
    if (lowerSet && upperSet) break;
    rank += b.count;
  }
  if (!lowerSet || lowerRank > h.count) lowerRank = h.count;
  if (!upperSet || upperRank > h.count) upperRank = h.count;
  return (upperRank - lowerRank) / h.count;
}

/** The variance of the observations, each bucket taken at its (geometric, for exponential buckets) middle. */
export function histogramVariance(h: FloatHistogram): number {
  const mean = h.sum / h.count;
  let variance = 0;
  let c = 0;
  for (const b of allBuckets(h)) {
    if (b.count === 0) continue;
    let val: number;
    if (h.schema === -53) {
      const lower = b.lower === Number.NEGATIVE_INFINITY ? Math.min(0, b.upper) : b.lower;
      const upper = b.upper === Number.POSITIVE_INFINITY ? lower : b.upper;
      val = (upper + lower) / 2;
    } else if (b.lower <= 0 && b.upper >= 0) {
      val = 0;
    } else {
      val = Math.sqrt(b.upper * b.lower);
      if (b.upper < 0) val = -val;
    }
    const delta = val - mean;
    const inc = b.count * delta * delta;
    const t = variance + inc;
    if (Math.abs(variance) >= Math.abs(inc)) c += variance - t + inc;
    else c += inc - t + variance;
    variance = t;
  }
  return (variance + c) / h.count;
}
