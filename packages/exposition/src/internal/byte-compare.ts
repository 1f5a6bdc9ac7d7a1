/**
 * Byte-range comparisons four bytes at a time through a DataView (whose reads V8 compiles to
 * plain unaligned loads), about twice as fast as a byte loop on the 10-100 byte ranges the
 * parser compares.
 */

/** How many bytes at `a` and at `b` of the same memory are equal, counting up to `limit`. */
export function sharedPrefixLength(
  view: DataView,
  bytes: Uint8Array,
  a: number,
  b: number,
  limit: number,
): number {
  let n = 0;
  while (n + 4 <= limit && view.getUint32(a + n) === view.getUint32(b + n)) n += 4;
  while (n < limit && bytes[a + n] === bytes[b + n]) n++;
  return n;
}

/** Whether `length` bytes at `x` of one memory equal those at `y` of another. */
export function rangesEqual(
  xView: DataView,
  xBytes: Uint8Array,
  x: number,
  yView: DataView,
  yBytes: Uint8Array,
  y: number,
  length: number,
): boolean {
  let n = 0;
  // Eight bytes an iteration (a third faster than four on 100-byte ranges); little-endian
  // reads need no byte swap.
  for (; n + 8 <= length; n += 8) {
    if (
      xView.getInt32(x + n, true) !== yView.getInt32(y + n, true) ||
      xView.getInt32(x + n + 4, true) !== yView.getInt32(y + n + 4, true)
    ) {
      return false;
    }
  }
  if (n + 4 <= length) {
    if (xView.getInt32(x + n, true) !== yView.getInt32(y + n, true)) return false;
    n += 4;
  }
  while (n < length && xBytes[x + n] === yBytes[y + n]) n++;
  return n === length;
}
