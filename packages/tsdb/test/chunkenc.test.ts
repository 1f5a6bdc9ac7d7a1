import { isStaleNaN, StaleNaN, ValueType } from '@pyrometer/model';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { XorAppender, XorIterator } from '../src/internal/chunkenc/xor.ts';

function roundTrip(ts: number[], vs: Float64Array): { t: number[]; v: Float64Array } {
  const app = new XorAppender();
  for (let i = 0; i < ts.length; i++) app.append(ts[i]!, vs[i]!);
  const bytes = app.chunkBytes().slice();
  const it = new XorIterator().reset(bytes);
  const t: number[] = [];
  const v = new Float64Array(ts.length);
  while (it.next() === ValueType.Float) {
    v[t.length] = it.value();
    t.push(it.t());
  }
  expect(it.err()).toBeUndefined();
  return { t, v };
}

function bitsOf(a: Float64Array): string[] {
  return [...new BigUint64Array(a.buffer, a.byteOffset, a.length)].map((b) => b.toString(16));
}

describe('XOR chunk', () => {
  it('encodes the first samples as the format lays them out', () => {
    const app = new XorAppender();
    app.append(1000, 1);
    app.append(1015, 1);
    app.append(1030, 2);
    const b = app.chunkBytes();
    // count=3; varint(1000)=0xd0 0x0f; 1.0 = 0x3ff0000000000000; uvarint(15)=0x0f; then bits:
    // 0 (same value), 0 (dod 0), 1 1 00001 001011 11111111111 (2.0^1.0: leading 1, 11 significant)
    expect([...b]).toEqual([0, 3, 0xd0, 0x0f, 0x3f, 0xf0, 0, 0, 0, 0, 0, 0, 0x0f, 0x30, 0x97, 0xff, 0xc0]);
  });

  it('ends a chunk whose last write was whole bytes with an empty byte, as Prometheus', () => {
    const app = new XorAppender();
    app.append(1000, 1);
    // header, varint(1000), the 64 value bits, then the byte Prometheus's stream appends.
    expect([...app.chunkBytes()]).toEqual([0, 1, 0xd0, 0x0f, 0x3f, 0xf0, 0, 0, 0, 0, 0, 0, 0]);
    app.append(2000, 1);
    // uvarint(1000) = 0xe8 0x07, again whole bytes, then one 0 bit for the unchanged value.
    expect([...app.chunkBytes()]).toEqual([0, 2, 0xd0, 0x0f, 0x3f, 0xf0, 0, 0, 0, 0, 0, 0, 0xe8, 0x07, 0]);
  });

  it('round-trips random series bit-exact', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: -1e12, max: 1e12 }),
        fc.array(fc.tuple(fc.integer({ min: 0, max: 2 ** 40 }), fc.double()), {
          minLength: 1,
          maxLength: 300,
        }),
        (start, pairs) => {
          const ts: number[] = [];
          let t = start;
          for (const [d] of pairs) ts.push((t += d));
          const vs = Float64Array.from(pairs.map((p) => p[1]));
          const out = roundTrip(ts, vs);
          expect(out.t).toEqual(ts);
          expect(bitsOf(out.v)).toEqual(bitsOf(vs));
        },
      ),
      { numRuns: 300 },
    );
  });

  it('round-trips regular scrapes with jitter, counters and gauges', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: -600_000, max: 600_000 }), { minLength: 2, maxLength: 240 }),
        (jit) => {
          const ts = jit.map((j, i) => 1_700_000_000_000 + i * 15_000 + (j % 2 === 0 ? 0 : Math.abs(j) % 7));
          ts.sort((a, b) => a - b);
          const vs = Float64Array.from(jit.map((j, i) => (i % 3 === 0 ? i * 10 : j / 7)));
          const out = roundTrip(ts, vs);
          expect(out.t).toEqual(ts);
          expect(bitsOf(out.v)).toEqual(bitsOf(vs));
        },
      ),
    );
  });

  it('keeps the stale marker, NaN and infinities bit-exact', () => {
    const vs = new Float64Array([1, 0, Number.NaN, Infinity, -Infinity, -0, 0, 5e-324]);
    vs[1] = StaleNaN;
    vs[6] = StaleNaN;
    const app = new XorAppender();
    for (let i = 0; i < vs.length; i++) app.append(i * 1000, vs[i]!);
    const it = new XorIterator().reset(app.chunkBytes());
    const words: string[] = [];
    while (it.next() === ValueType.Float) {
      words.push(((BigInt(it.valueHi()) << 32n) | BigInt(it.valueLo())).toString(16));
      if (words.length === 2) expect(isStaleNaN(it.value())).toBe(true);
    }
    const expected = bitsOf(vs);
    expected[1] = expected[6] = '7ff0000000000002';
    expect(words).toEqual(expected);
  });

  it('covers every delta-of-delta bucket edge', () => {
    const dods = [
      0,
      1,
      -1,
      8191,
      8192,
      -8191,
      -8192,
      65536,
      -65535,
      65537,
      524288,
      -524287,
      524289,
      -524288,
      2 ** 40,
    ];
    const ts = [0, 100_000_000_000];
    let delta = 100_000_000_000;
    for (const d of dods) {
      delta += d;
      ts.push(ts[ts.length - 1]! + delta);
    }
    const vs = new Float64Array(ts.length).map((_, i) => i);
    expect(roundTrip(ts, vs).t).toEqual(ts);
  });

  it('seeks forward and never backwards', () => {
    const app = new XorAppender();
    for (let i = 0; i < 100; i++) app.append(i * 10, i);
    const it = new XorIterator().reset(app.chunkBytes());
    expect(it.seek(55)).toBe(ValueType.Float);
    expect(it.t()).toBe(60);
    expect(it.seek(10)).toBe(ValueType.Float);
    expect(it.t()).toBe(60);
    expect(it.seek(990)).toBe(ValueType.Float);
    expect(it.seek(991)).toBe(ValueType.None);
  });

  it('reports a truncated chunk as an error', () => {
    const app = new XorAppender();
    for (let i = 0; i < 50; i++) app.append(i * 10, Math.random());
    const bytes = app.chunkBytes().slice(0, 20);
    const it = new XorIterator().reset(bytes);
    while (it.next() === ValueType.Float);
    expect(it.err()?.message).toMatch(/ends before sample/);
  });
});
