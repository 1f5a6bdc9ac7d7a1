export interface Bucket {
  upperBound: number;
  count: number;
}

const SMALL_DELTA_TOLERANCE = 1e-12;

function almostEqual(a: number, b: number, epsilon: number): boolean {
  if (a === b) return true;
  const absSum = Math.abs(a) + Math.abs(b);
  const diff = Math.abs(a - b);
  const minNormal = 2.2250738585072014e-308;
  if (a === 0 || b === 0 || absSum < minNormal) return diff < epsilon * minNormal;
  return diff / Math.min(absSum, Number.MAX_VALUE) < epsilon;
}

/**
 * The φ-quantile of classic buckets, as Prometheus's BucketQuantile: buckets sorted and
 * merged by bound, counts forced monotonic (tiny float deltas ignored), then linear
 * interpolation inside the bucket holding the rank.
 */
export function bucketQuantile(
  q: number,
  input: Bucket[],
): { value: number; forcedMonotonic: boolean; fixedPrecision: boolean } {
  const none = { forcedMonotonic: false, fixedPrecision: false };
  if (Number.isNaN(q)) return { value: Number.NaN, ...none };
  if (q < 0) return { value: Number.NEGATIVE_INFINITY, ...none };
  if (q > 1) return { value: Number.POSITIVE_INFINITY, ...none };
  const sorted = input.slice().sort((a, b) => a.upperBound - b.upperBound);
  if (sorted.length === 0 || sorted[sorted.length - 1]!.upperBound !== Number.POSITIVE_INFINITY) {
    return { value: Number.NaN, ...none };
  }
  const buckets: Bucket[] = [];
  for (const b of sorted) {
    const last = buckets[buckets.length - 1];
    if (last !== undefined && last.upperBound === b.upperBound) last.count += b.count;
    else buckets.push({ ...b });
  }
  let forcedMonotonic = false;
  let fixedPrecision = false;
  let prev = buckets[0]!.count;
  for (let i = 1; i < buckets.length; i++) {
    const curr = buckets[i]!.count;
    if (curr === prev) continue;
    if (almostEqual(prev, curr, SMALL_DELTA_TOLERANCE)) {
      buckets[i]!.count = prev;
      fixedPrecision = true;
      continue;
    }
    if (curr < prev) {
      buckets[i]!.count = prev;
      forcedMonotonic = true;
      continue;
    }
    prev = curr;
  }
  const flags = { forcedMonotonic, fixedPrecision };
  if (buckets.length < 2) return { value: Number.NaN, ...flags };
  const observations = buckets[buckets.length - 1]!.count;
  if (observations === 0) return { value: Number.NaN, ...flags };
  let rank = q * observations;
  let b = 0;
  while (b < buckets.length - 1 && !(buckets[b]!.count >= rank)) b++;
  if (b === buckets.length - 1) return { value: buckets[buckets.length - 2]!.upperBound, ...flags };
  if (b === 0 && buckets[0]!.upperBound <= 0) return { value: buckets[0]!.upperBound, ...flags };
  let bucketStart = 0;
  const bucketEnd = buckets[b]!.upperBound;
  let count = buckets[b]!.count;
  if (b > 0) {
    bucketStart = buckets[b - 1]!.upperBound;
    count -= buckets[b - 1]!.count;
    rank -= buckets[b - 1]!.count;
  }
  return { value: bucketStart + (bucketEnd - bucketStart) * (rank / count), ...flags };
}

function normalise(input: Bucket[]): Bucket[] | undefined {
  const sorted = input.slice().sort((a, b) => a.upperBound - b.upperBound);
  if (sorted.length === 0 || sorted[sorted.length - 1]!.upperBound !== Number.POSITIVE_INFINITY)
    return undefined;
  const buckets: Bucket[] = [];
  for (const b of sorted) {
    const last = buckets[buckets.length - 1];
    if (last !== undefined && last.upperBound === b.upperBound) last.count += b.count;
    else buckets.push({ ...b });
  }
  let prev = buckets[0]!.count;
  for (let i = 1; i < buckets.length; i++) {
    const curr = buckets[i]!.count;
    if (curr < prev || almostEqual(prev, curr, SMALL_DELTA_TOLERANCE)) buckets[i]!.count = prev;
    else prev = curr;
  }
  return buckets;
}

/**
 * The fraction of observations between `lower` and `upper` in classic buckets. Inside a
 * bucket the observations are taken as spread evenly; the first bucket starts at 0 when its
 * bound is positive, and a bucket of infinite width contributes nothing it only partly covers.
 */
export function bucketFraction(lower: number, upper: number, input: Bucket[]): number {
  const buckets = normalise(input);
  if (buckets === undefined) return Number.NaN;
  const count = buckets[buckets.length - 1]!.count;
  if (count === 0 || Number.isNaN(lower) || Number.isNaN(upper)) return Number.NaN;
  if (lower >= upper) return 0;
  const rank = (v: number): number => {
    if (v === Number.NEGATIVE_INFINITY) return 0;
    if (v === Number.POSITIVE_INFINITY) return count;
    let prevCount = 0;
    for (let i = 0; i < buckets.length; i++) {
      const b = buckets[i]!;
      const lowerBound = i > 0 ? buckets[i - 1]!.upperBound : b.upperBound > 0 ? 0 : Number.NEGATIVE_INFINITY;
      if (v <= lowerBound) return prevCount;
      if (v < b.upperBound) {
        // A bucket of infinite width cannot be interpolated: snap to its finite edge.
        if (!Number.isFinite(lowerBound)) return b.count;
        if (!Number.isFinite(b.upperBound)) return prevCount;
        return prevCount + ((b.count - prevCount) * (v - lowerBound)) / (b.upperBound - lowerBound);
      }
      prevCount = b.count;
    }
    return count;
  };
  return (rank(upper) - rank(lower)) / count;
}
