import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { NewlineFinder } from '../../src/internal/newline-finder.ts';

function allNewlines(bytes: Uint8Array): number[] {
  const finder = new NewlineFinder(bytes);
  const found: number[] = [];
  for (let at = finder.next(0); at >= 0; at = finder.next(at + 1)) found.push(at);
  return found;
}

describe('NewlineFinder', () => {
  it.each([
    ['empty', '', []],
    ['no newline', 'abcdefgh', []],
    ['only newlines', '\n\n\n\n\n', [0, 1, 2, 3, 4]],
    ['one at the end', 'abc\n', [3]],
  ])('finds %s', (_, text, expected) => {
    expect(allNewlines(new TextEncoder().encode(text))).toEqual(expected);
  });

  it('is not fooled by bytes one bit away from a newline', () => {
    expect(allNewlines(Uint8Array.of(0x0b, 0x08, 0x8a, 0x02, 0x0e, 0x4a, 0x1a, 0x0a, 0x0b))).toEqual([7]);
  });

  it('finds every newline at any alignment, as indexOf does', () => {
    const backing = new Uint8Array(300);
    fc.assert(
      fc.property(
        fc.nat({ max: 7 }),
        fc.array(fc.constantFrom(0x0a, 0x00, 0x61, 0xff, 0x0b), { maxLength: 280 }),
        (offset, content) => {
          backing.fill(0x0a);
          const bytes = backing.subarray(offset, offset + content.length);
          bytes.set(content);
          const expected: number[] = [];
          for (let at = bytes.indexOf(0x0a); at >= 0; at = bytes.indexOf(0x0a, at + 1)) expected.push(at);
          expect(allNewlines(bytes)).toEqual(expected);
        },
      ),
      { numRuns: 300 },
    );
  });
});
