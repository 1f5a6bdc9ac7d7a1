/**
 * Byte-level number parsing for sample values and timestamps. The common decimal forms are
 * computed exactly without building a string; the rest fall back to Number() on the slice,
 * after the grammar has been checked here (Number() alone would accept hex, binary and
 * surrounding whitespace, which the exposition formats do not).
 */

const PLUS = 0x2b;
const MINUS = 0x2d;
const DOT = 0x2e;
const ZERO = 0x30;
const LOWER_E = 0x65;
const UPPER_E = 0x45;

// 10^0 .. 10^22 are exact doubles; a mantissa below 2^53 times or divided by one of them
// is a single correctly rounded operation, so the fast path gives the same bits as Number().
// Up to 16 significant digits are accumulated: every step is exact while the value stays
// below 2^53, and a 16-digit mantissa at or above 2^53 (whose last step may have rounded)
// is still at or above it afterwards, so the check below sends it to Number().
const POW10 = Array.from({ length: 23 }, (_, i) => 10 ** i);
const MAX_FAST_DIGITS = 16;
const TWO_53 = 2 ** 53;

/**
 * Parses `[+-]?(digits[.digits*] | .digits)([eE][+-]?digits)?` between `start` and `end`,
 * scaled by 10^`shift` (3 turns seconds into milliseconds without a rounding step).
 * Returns undefined when the bytes are not such a number.
 */
export function parseDecimal(buf: Uint8Array, start: number, end: number, shift = 0): number | undefined {
  let i = start;
  let negative = false;
  const sign = buf[i];
  if (sign === PLUS || sign === MINUS) {
    negative = sign === MINUS;
    i++;
  }
  let mantissa = 0;
  let significant = 0;
  let exponent = shift;
  let digits = 0;
  let fast = true;
  for (; i < end; i++) {
    const d = buf[i]! - ZERO;
    if (d < 0 || d > 9) break;
    digits++;
    if (significant < MAX_FAST_DIGITS) {
      mantissa = mantissa * 10 + d;
      if (mantissa !== 0) significant++;
    } else {
      fast = false;
    }
  }
  if (i < end && buf[i] === DOT) {
    for (i++; i < end; i++) {
      const d = buf[i]! - ZERO;
      if (d < 0 || d > 9) break;
      digits++;
      if (significant < MAX_FAST_DIGITS) {
        mantissa = mantissa * 10 + d;
        if (mantissa !== 0) significant++;
        exponent--;
      } else {
        fast = false;
      }
    }
  }
  if (digits === 0) return undefined;
  if (i < end && (buf[i] === LOWER_E || buf[i] === UPPER_E)) {
    i++;
    let expNegative = false;
    if (i < end && (buf[i] === PLUS || buf[i] === MINUS)) expNegative = buf[i++] === MINUS;
    let expDigits = 0;
    let exp = 0;
    for (; i < end; i++) {
      const d = buf[i]! - ZERO;
      if (d < 0 || d > 9) break;
      expDigits++;
      if (exp < 100_000) exp = exp * 10 + d;
    }
    if (expDigits === 0) return undefined;
    exponent += expNegative ? -exp : exp;
  }
  if (i !== end) return undefined;
  if (mantissa === 0 && fast) return negative ? -0 : 0;
  if (fast && exponent >= -22 && exponent <= 22 && mantissa < TWO_53) {
    const magnitude = exponent >= 0 ? mantissa * POW10[exponent]! : mantissa / POW10[-exponent]!;
    return negative ? -magnitude : magnitude;
  }
  const parsed = Number(latin1(buf, start, end));
  return shift === 0 ? parsed : parsed * 10 ** shift;
}

/**
 * Parses a sample value: a decimal as `parseDecimal`, or (case-insensitively, as Go's
 * strconv.ParseFloat) `Inf`/`Infinity` with an optional sign, or `NaN`.
 */
export function parseSampleValue(buf: Uint8Array, start: number, end: number): number | undefined {
  const first = buf[start];
  // Digits, '.', and signs followed by a digit or '.' are the common case.
  if (first !== undefined && (first | 0x20) !== 0x69 && (first | 0x20) !== 0x6e) {
    const value = parseDecimal(buf, start, end);
    if (value !== undefined) return value;
  }
  return parseSpecial(buf, start, end);
}

function parseSpecial(buf: Uint8Array, start: number, end: number): number | undefined {
  let i = start;
  let sign = 0;
  if (buf[i] === PLUS || buf[i] === MINUS) sign = buf[i++] === MINUS ? -1 : 1;
  if (wordIs(buf, i, end, 'inf') || wordIs(buf, i, end, 'infinity'))
    return sign < 0 ? Number.NEGATIVE_INFINITY : Number.POSITIVE_INFINITY;
  if (sign === 0 && wordIs(buf, i, end, 'nan')) return Number.NaN;
  return undefined;
}

/** Whether `buf[start..end)` is the lower-case ASCII `word`, ignoring the case of letters. */
function wordIs(buf: Uint8Array, start: number, end: number, word: string): boolean {
  if (end - start !== word.length) return false;
  for (let k = 0; k < word.length; k++) {
    const c = buf[start + k]!;
    // Only letters are compared; setting bit 0x20 lower-cases them and no other byte maps onto one.
    if ((c | 0x20) !== word.charCodeAt(k) || c < 0x41) return false;
  }
  return true;
}

const DECIMAL = /^[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?$/;

/**
 * Parses a number written in a label value, as `le` and `quantile` are: a decimal, or
 * exactly `+Inf`/`-Inf` (the spelling the formats write; `+INF` is not accepted).
 */
export function parseLabelNumber(text: string): number | undefined {
  if (DECIMAL.test(text)) return Number(text);
  if (text === '+Inf' || text === 'Inf') return Number.POSITIVE_INFINITY;
  if (text === '-Inf') return Number.NEGATIVE_INFINITY;
  return undefined;
}

/** Bytes as Latin-1 characters; only used on short ASCII tokens. */
export function latin1(buf: Uint8Array, start: number, end: number): string {
  let s = '';
  for (let i = start; i < end; i++) s += String.fromCharCode(buf[i]!);
  return s;
}
