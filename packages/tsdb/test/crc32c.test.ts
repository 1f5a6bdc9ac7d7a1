import { describe, expect, it } from 'vitest';
import { crc32c } from '../src/internal/crc32c.ts';

// A byte at a time, as the polynomial defines it: the reference for the sliced version.
function reference(b: Uint8Array, from: number, to: number, crc = 0): number {
  let c = ~crc;
  for (let i = from; i < to; i++) {
    c ^= b[i]!;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0x82f63b78 : c >>> 1;
  }
  return ~c >>> 0;
}

describe('crc32c', () => {
  it('gives the standard check value', () => {
    expect(crc32c(new TextEncoder().encode('123456789'))).toBe(0xe3069283);
  });

  it('agrees with a bitwise computation at every length and offset, and continues a crc', () => {
    const b = new Uint8Array(300);
    for (let i = 0; i < b.length; i++) b[i] = (i * 2654435761) >>> 24;
    for (let from = 0; from < 9; from++) {
      for (let to = from; to <= b.length; to += 7) {
        expect(crc32c(b, from, to)).toBe(reference(b, from, to));
        expect(crc32c(b, from, to, 0x1234)).toBe(reference(b, from, to, 0x1234));
      }
    }
  });
});
