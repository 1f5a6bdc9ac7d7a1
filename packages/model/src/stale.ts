/**
 * Prometheus marks a series as stale by appending a NaN with the exact bit pattern
 * 0x7ff0000000000002. V8 quiets signalling NaNs when it stores them in a plain array or a
 * Map (the bits become 0x7ff8000000000002) and may canonicalise them to 0x7ff8000000000000
 * elsewhere, so the marker is kept only where values live in typed arrays or object fields.
 * `isStaleNaN` accepts the quieted form too; writers must emit `STALE_NAN_BITS` exactly.
 */
export const STALE_NAN_BITS = 0x7ff0000000000002n;

const scratch = new Float64Array(1);
const scratchWords = new Uint32Array(scratch.buffer);
// Float64Array uses the platform's byte order; every platform Node supports is little-endian.
const LOW = 0;
const HIGH = 1;

scratchWords[HIGH] = 0x7ff00000;
scratchWords[LOW] = 0x00000002;
/** The stale marker as a number. Copy it only through typed arrays or object fields. */
export const StaleNaN: number = scratch[0]!;

/** True when `value` is the stale marker (also in the form V8 gives it after quieting). */
export function isStaleNaN(value: number): boolean {
  if (!Number.isNaN(value)) return false;
  scratch[0] = value;
  return scratchWords[LOW] === 2 && (scratchWords[HIGH]! & 0x7ff7ffff) === 0x7ff00000;
}

/** The IEEE-754 bits of `value` as written to disk or the wire, with the stale marker exact. */
export function float64Bits(value: number): bigint {
  if (isStaleNaN(value)) return STALE_NAN_BITS;
  scratch[0] = value;
  return (BigInt(scratchWords[HIGH]!) << 32n) | BigInt(scratchWords[LOW]!);
}
