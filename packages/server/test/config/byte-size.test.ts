import { expect, it } from 'vitest';
import { parseByteSize } from '../../src/config/byte-size.ts';

it.each([
  ['0', 0],
  ['512B', 512],
  ['1KB', 1024],
  ['1KiB', 1024],
  ['15MB', 15 * 1024 ** 2],
  ['1.5GB', 1.5 * 1024 ** 3],
  ['2TiB', 2 * 1024 ** 4],
  ['-1GB', -(1024 ** 3)],
  ['100', 'units: unknown unit  in 100'],
  ['10mb', 'units: unknown unit mb in 10mb'],
  ['MB', 'units: invalid unit value: "MB"'],
])('parseByteSize(%j) = %j', (text, want) => {
  expect(parseByteSize(text)).toBe(want);
});
