const MINUS = 0x2d;
const PLUS = 0x2b;
const ZERO = 0x30;

/**
 * Parses the text format's timestamp: an integer number of milliseconds with an optional
 * sign. Returns undefined when the bytes are not one.
 */
export function parseMillis(buf: Uint8Array, start: number, end: number): number | undefined {
  let i = start;
  let negative = false;
  if (buf[i] === MINUS || buf[i] === PLUS) negative = buf[i++] === MINUS;
  if (i >= end) return undefined;
  let ms = 0;
  for (; i < end; i++) {
    const d = buf[i]! - ZERO;
    if (d < 0 || d > 9) return undefined;
    ms = ms * 10 + d;
  }
  return negative ? -ms : ms;
}
