/**
 * Compares two strings by Unicode code point, which is the order Go (and so Prometheus) gets
 * from comparing UTF-8 bytes. Plain `<` on JS strings compares UTF-16 code units, which
 * disagrees only when one side is a surrogate (a code point above U+FFFF) and the other a
 * code unit in U+E000..U+FFFF.
 */
export function compareStrings(a: string, b: string): number {
  if (a === b) return 0;
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x !== y) {
      if (x >= 0xd800 && y >= 0xd800) return rankForCodePointOrder(x) - rankForCodePointOrder(y);
      return x - y;
    }
  }
  return a.length - b.length;
}

// Surrogates (D800..DFFF) start code points above FFFF, so they sort after E000..FFFF.
function rankForCodePointOrder(unit: number): number {
  if (unit >= 0xe000) return unit - 0x800;
  return unit + 0x2000;
}
