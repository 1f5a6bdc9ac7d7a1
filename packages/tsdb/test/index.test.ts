import { compareLabels, Labels } from '@pyrometer/model';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { intersect, union } from '../src/internal/head/postings.ts';
import { IndexReader } from '../src/internal/index/reader.ts';
import { buildIndex } from '../src/internal/index/writer.ts';
import { addInterval, encodeTombstones } from '../src/internal/tombstones.ts';

describe('index v2', () => {
  it('round-trips series, chunk metas and postings, with non-ASCII labels in byte order', async () => {
    const sets = [
      { __name__: 'a', v: 'z' },
      { __name__: 'a', v: 'é' },
      { __name__: 'a', v: '\u{1F600}' },
      { __name__: 'a', v: '\uFFFD' },
      { __name__: 'b', x: '1' },
    ].map((r) => Labels.from(r));
    sets.sort(compareLabels);
    const series = sets.map((labels, i) => ({
      labels,
      chunks: [
        { mint: -5 + i, maxt: 100 + i, ref: 8 + i * 100 },
        { mint: 200, maxt: 300, ref: 2 ** 32 + 8 + i },
      ],
    }));
    const ix = new IndexReader(await buildIndex(series), 'test');
    // U+FFFD sorts before U+1F600 in UTF-8 byte order, unlike UTF-16 code units.
    expect(ix.symbols).toEqual(['', '1', '__name__', 'a', 'b', 'v', 'x', 'z', 'é', '\uFFFD', '\u{1F600}']);
    const all = ix.allPostings();
    expect(all.length).toBe(5);
    for (const [i, id] of [...all].entries()) {
      const metas: number[] = [];
      expect(ix.series(id, metas).equals(series[i]!.labels)).toBe(true);
      expect(metas).toEqual(series[i]!.chunks.flatMap((c) => [c.mint, c.maxt, c.ref]));
    }
    expect(ix.postings('__name__', 'a')!.length).toBe(4);
    expect(ix.postings('v', 'nope')).toBeUndefined();
    expect([...ix.labelValues('v')].sort()).toEqual(['z', 'é', '\uFFFD', '\u{1F600}'].sort());
  });

  it('rejects a corrupt table of contents', async () => {
    const bytes = await buildIndex([{ labels: Labels.from({ a: 'b' }), chunks: [] }]);
    const at = bytes.length - 10;
    bytes[at] = bytes[at]! ^ 1;
    expect(() => new IndexReader(bytes, 'x')).toThrow(/table of contents checksum/);
  });
});

describe('postings', () => {
  const sorted = fc
    .uniqueArray(fc.integer({ min: 0, max: 500 }))
    .map((a) => Uint32Array.from(a.sort((x, y) => x - y)));
  it('intersects and unites sorted lists', () => {
    fc.assert(
      fc.property(sorted, sorted, sorted, (a, b, c) => {
        const inter = [...a].filter((x) => b.includes(x));
        expect([...intersect(a, b)]).toEqual(inter);
        const all = [...new Set([...a, ...b, ...c])].sort((x, y) => x - y);
        expect([...union([a, b, c])]).toEqual(all);
      }),
    );
  });
});

describe('tombstones', () => {
  it('merges overlapping intervals and writes the 9-byte empty file', () => {
    const stones = new Map<number, number[]>();
    addInterval(stones, 7, 10, 20);
    addInterval(stones, 7, 15, 30);
    addInterval(stones, 7, 31, 40);
    addInterval(stones, 7, 50, 60);
    expect(stones.get(7)).toEqual([10, 40, 50, 60]);
    expect([...encodeTombstones(new Map())]).toEqual([0x01, 0x30, 0xba, 0x30, 1, 0, 0, 0, 0]);
  });
});
