import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { rangesEqual, sharedPrefixLength } from '../../src/internal/byte-compare.ts';

const viewOf = (bytes: Uint8Array) => new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);

describe('byte comparisons', () => {
  it('agree with a byte-by-byte comparison at any offsets', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 1, maxLength: 64 }),
        fc.nat({ max: 63 }),
        fc.nat({ max: 40 }),
        fc.nat({ max: 3 }),
        (bytes, cut, limit, offset) => {
          // Two copies of `bytes` in one buffer, the second changed at `cut`.
          const backing = new Uint8Array(offset + bytes.length * 2);
          backing.set(bytes, offset);
          backing.set(bytes, offset + bytes.length);
          const at = offset + bytes.length + (cut % bytes.length);
          backing[at] = backing[at]! ^ 1;
          const max = Math.min(limit, bytes.length);
          let expected = 0;
          while (expected < max && backing[offset + expected] === backing[offset + bytes.length + expected])
            expected++;
          const view = viewOf(backing);
          expect(sharedPrefixLength(view, backing, offset, offset + bytes.length, max)).toBe(expected);
          expect(rangesEqual(view, backing, offset, view, backing, offset + bytes.length, max)).toBe(
            expected === max,
          );
        },
      ),
      { numRuns: 300 },
    );
  });
});
