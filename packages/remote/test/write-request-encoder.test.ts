import { BinaryReader } from '@bufbuild/protobuf/wire';
import { type FloatHistogram, Labels, StaleNaN } from '@pyrometer/model';
import fc from 'fast-check';
import { uncompressSync } from 'snappy';
import { describe, expect, it } from 'vitest';
import { decodeWriteRequest } from '../src/write-request-decoder.ts';
import {
  compressWriteRequest,
  encodeWriteRequest,
  type TimeSeriesInput,
} from '../src/write-request-encoder.ts';
import { bitsOf } from './support.ts';

// Reads our bytes back with an independent protobuf reader (@bufbuild/protobuf's).
function readWithReference(bytes: Uint8Array): { labels: string[]; samples: [bigint, string][] }[] {
  const r = new BinaryReader(bytes);
  const out: { labels: string[]; samples: [bigint, string][] }[] = [];
  while (r.pos < r.len) {
    const [field, type] = r.tag();
    if (field !== 1) {
      r.skip(type);
      continue;
    }
    const ts = new BinaryReader(r.bytes());
    const series = { labels: [] as string[], samples: [] as [bigint, string][] };
    while (ts.pos < ts.len) {
      const [f, t] = ts.tag();
      if (f === 1) {
        const l = new BinaryReader(ts.bytes());
        while (l.pos < l.len) {
          l.tag();
          series.labels.push(l.string());
        }
      } else if (f === 2) {
        const s = new BinaryReader(ts.bytes());
        let v = 0;
        let time = 0n;
        while (s.pos < s.len) {
          const [sf] = s.tag();
          if (sf === 1) v = s.double();
          else time = BigInt(s.int64());
        }
        series.samples.push([time, bitsOf(v)]);
      } else ts.skip(t);
    }
    out.push(series);
  }
  return out;
}

const histogram: FloatHistogram = {
  counterResetHint: 'reset',
  schema: 3,
  zeroThreshold: 1e-128,
  zeroCount: 1.5,
  count: 10,
  sum: -3.25,
  positiveSpans: [
    { offset: -4, length: 2 },
    { offset: 1, length: 1 },
  ],
  positiveBuckets: [1, 2, 3],
  negativeSpans: [{ offset: 0, length: 1 }],
  negativeBuckets: [2.5],
};

describe('encodeWriteRequest', () => {
  it('writes what an independent protobuf reader reads: labels in order, timestamps, exact value bits', () => {
    const bytes = encodeWriteRequest([
      {
        labels: Labels.from({ job: 'api', __name__: 'up' }),
        samples: [
          { t: -1, v: StaleNaN },
          { t: 1_700_000_000_123, v: Number.POSITIVE_INFINITY },
          { t: 2 ** 53 - 1, v: -0 },
        ],
      },
    ]);
    expect(readWithReference(bytes)).toEqual([
      {
        labels: ['__name__', 'up', 'job', 'api'],
        samples: [
          [-1n, '7ff0000000000002'],
          [1_700_000_000_123n, '7ff0000000000000'],
          [2n ** 53n - 1n, '8000000000000000'],
        ],
      },
    ]);
  });

  it('writes long messages and strings with multi-byte lengths', () => {
    const long = 'x'.repeat(70_000);
    const samples = Array.from({ length: 5000 }, (_, i) => ({ t: i * 15_000, v: i / 3 }));
    const bytes = encodeWriteRequest([{ labels: [['__name__', long]], samples }]);
    const ts = decodeWriteRequest(bytes).timeseries[0]!;
    expect(ts.labels[1]).toBe(long);
    expect([...ts.timestamps]).toEqual(samples.map((s) => s.t));
    expect([...ts.values]).toEqual(samples.map((s) => s.v));
  });

  it('round-trips histograms, exemplars and metadata', () => {
    const request = decodeWriteRequest(
      encodeWriteRequest(
        [
          {
            labels: Labels.from({ __name__: 'h' }),
            exemplars: [
              { labels: Labels.from({ trace_id: 't1' }), value: 0.5, timestamp: 12 },
              { labels: Labels.EMPTY, value: 1, timestamp: undefined },
            ],
            histograms: [
              { t: 5, h: histogram },
              {
                t: 6,
                h: {
                  ...histogram,
                  schema: -53,
                  negativeSpans: [],
                  negativeBuckets: [],
                  customValues: [1, 2, 4],
                },
              },
            ],
          },
        ],
        [{ type: 'gaugehistogram', metricFamilyName: 'h', help: 'Heights. ✓', unit: 'meters' }],
      ),
    );
    const ts = request.timeseries[0]!;
    expect(ts.histograms).toEqual([
      { t: 5, h: histogram },
      {
        t: 6,
        h: { ...histogram, schema: -53, negativeSpans: [], negativeBuckets: [], customValues: [1, 2, 4] },
      },
    ]);
    expect(ts.exemplars).toEqual([
      { labels: ['trace_id', 't1'], value: 0.5, timestamp: 12 },
      { labels: [], value: 1, timestamp: 0 },
    ]);
    expect(request.metadata).toEqual([
      { type: 'gaugehistogram', metricFamilyName: 'h', help: 'Heights. ✓', unit: 'meters' },
    ]);
  });

  it('compresses in snappy block format', () => {
    const series = [{ labels: Labels.from({ __name__: 'up' }), samples: [{ t: 1, v: 1 }] }];
    expect(new Uint8Array(uncompressSync(compressWriteRequest(series)) as Buffer)).toEqual(
      encodeWriteRequest(series),
    );
  });

  it('round-trips any series through decode (property)', () => {
    const name = fc.string({ unit: 'grapheme', minLength: 1, maxLength: 12 });
    const series = fc.record({
      labels: fc.array(fc.tuple(name, fc.string({ unit: 'grapheme', maxLength: 20 })), { maxLength: 6 }),
      samples: fc.array(
        fc.record({
          t: fc.integer({ min: Number.MIN_SAFE_INTEGER, max: Number.MAX_SAFE_INTEGER }),
          v: fc.oneof(fc.double(), fc.constant(StaleNaN)),
        }),
        { maxLength: 20 },
      ),
    });
    fc.assert(
      fc.property(fc.array(series, { maxLength: 8 }), (input: TimeSeriesInput[]) => {
        const decoded = decodeWriteRequest(encodeWriteRequest(input));
        expect(decoded.timeseries).toHaveLength(input.length);
        input.forEach((ts, i) => {
          const out = decoded.timeseries[i]!;
          expect(out.labels).toEqual([...ts.labels].flat());
          expect([...out.timestamps]).toEqual(ts.samples!.map((s) => s.t));
          expect([...out.values].map(bitsOf)).toEqual(ts.samples!.map((s) => bitsOf(s.v)));
        });
      }),
      { numRuns: 500 },
    );
  });
});
