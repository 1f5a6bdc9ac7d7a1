/** Prometheus's default histogram buckets, meant for request latencies in seconds (5 ms to 10 s). */
export const DEFAULT_BUCKETS: readonly number[] = Object.freeze([
  0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10,
]);

/** `count` bucket bounds, the first `start`, each `width` above the one before. */
export function linearBuckets(start: number, width: number, count: number): number[] {
  checkCount('linearBuckets', count);
  if (!Number.isFinite(start)) throw new RangeError(`linearBuckets: start must be finite, got ${start}`);
  if (!(width > 0 && Number.isFinite(width))) {
    throw new RangeError(`linearBuckets: width must be a positive finite number, got ${width}`);
  }
  const buckets: number[] = [];
  for (let i = 0; i < count; i++) buckets.push(start + i * width);
  return buckets;
}

/** `count` bucket bounds, the first `start` (positive), each `factor` (above 1) times the one before. */
export function exponentialBuckets(start: number, factor: number, count: number): number[] {
  checkCount('exponentialBuckets', count);
  if (!(start > 0 && Number.isFinite(start))) {
    throw new RangeError(`exponentialBuckets: start must be a positive finite number, got ${start}`);
  }
  if (!(factor > 1 && Number.isFinite(factor))) {
    throw new RangeError(`exponentialBuckets: factor must be a finite number above 1, got ${factor}`);
  }
  const buckets: number[] = [];
  let bound = start;
  for (let i = 0; i < count; i++) {
    buckets.push(bound);
    bound *= factor;
  }
  return buckets;
}

function checkCount(helper: string, count: number): void {
  if (!(Number.isInteger(count) && count >= 1)) {
    throw new RangeError(`${helper}: count must be a positive integer, got ${count}`);
  }
}
