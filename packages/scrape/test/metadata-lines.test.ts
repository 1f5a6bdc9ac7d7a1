import { describe, expect, it } from 'vitest';
import { MetadataLines } from '../src/metadata-lines.ts';

const body = Buffer.from(
  '# HELP a The a family, a line longer than eight bytes.\n# TYPE a gauge\n# TYPE b counter\n',
);
const view = new DataView(body.buffer, body.byteOffset, body.byteLength);
// [start, end) of each line of `body`.
const spans: [number, number][] = [];
for (let start = 0; start < body.length; ) {
  const end = body.indexOf(10, start);
  spans.push([start, end]);
  start = end + 1;
}
const [help, typeA, typeB] = spans as [[number, number], [number, number], [number, number]];

describe('MetadataLines', () => {
  it('keeps the bytes of lines without a replay id and compares them', () => {
    const lines = new MetadataLines<string>();
    lines.append(-1, body, ...help, 'a');
    lines.append(-1, body, ...typeA, 'a');
    expect(lines.count).toBe(2);
    expect([lines.valueAt(0), lines.idAt(0)]).toEqual(['a', -1]);
    expect(lines.matches(0, body, view, ...help)).toBe(true);
    expect(lines.matches(1, body, view, ...typeA)).toBe(true);
    expect(lines.matches(0, body, view, ...typeA)).toBe(false);
    expect(lines.matches(1, body, view, ...typeB)).toBe(false);
    // The same length, one byte different, in the tail and in the 8-byte part.
    const other = Buffer.from(body);
    other[typeA[1] - 1] = 0x78;
    other[help[0] + 3] = 0x78;
    const otherView = new DataView(other.buffer, other.byteOffset, other.byteLength);
    expect(lines.matches(1, other, otherView, ...typeA)).toBe(false);
    expect(lines.matches(0, other, otherView, ...help)).toBe(false);
  });

  it('keeps only the id of a replayed line', () => {
    const lines = new MetadataLines<string>();
    lines.append(7, body, ...help, 'a');
    lines.append(-1, body, ...typeB, 'b');
    expect([lines.idAt(0), lines.idAt(1)]).toEqual([7, -1]);
    expect(lines.matches(1, body, view, ...typeB)).toBe(true);
  });

  it('copies a prefix, grows past its capacity, and truncates', () => {
    const lines = new MetadataLines<string>();
    for (let i = 0; i < 40; i++)
      lines.append(i % 2 === 0 ? -1 : i, body, ...(i % 3 === 0 ? help : typeB), `v${i}`);
    const prefix = lines.prefix(30);
    expect(prefix.count).toBe(30);
    for (let i = 0; i < 30; i++) {
      expect([prefix.valueAt(i), prefix.idAt(i)]).toEqual([`v${i}`, i % 2 === 0 ? -1 : i]);
      if (i % 2 === 0) expect(prefix.matches(i, body, view, ...(i % 3 === 0 ? help : typeB))).toBe(true);
    }
    for (let i = 30; i < 60; i++) prefix.append(-1, body, ...typeA, `w${i}`);
    expect(prefix.count).toBe(60);
    expect(prefix.matches(59, body, view, ...typeA)).toBe(true);
    expect(prefix.matches(28, body, view, ...typeB)).toBe(true);
    prefix.truncate(10);
    expect(prefix.count).toBe(10);
    expect(lines.count).toBe(40);
  });
});
