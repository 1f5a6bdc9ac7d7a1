import { BinaryWriter, WireType } from '@bufbuild/protobuf/wire';
import { Labels, StaleNaN } from '@pyrometer/model';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { RemoteWriteError } from '../src/remote-write-error.ts';
import { decodeWriteRequest } from '../src/write-request-decoder.ts';
import { encodeWriteRequest } from '../src/write-request-encoder.ts';
import { bitsOf } from './support.ts';

// Requests built with an independent protobuf writer (@bufbuild/protobuf's), so the decoder
// is checked against the wire format rather than against our own encoder.
function label(w: BinaryWriter, field: number, name: string, value: string): void {
  w.tag(field, WireType.LengthDelimited).fork();
  w.tag(1, WireType.LengthDelimited).string(name);
  w.tag(2, WireType.LengthDelimited).string(value);
  w.join();
}

function expectProtobufError(bytes: Uint8Array, reason: string | RegExp): void {
  let error: unknown;
  try {
    decodeWriteRequest(bytes);
  } catch (err) {
    error = err;
  }
  expect(error).toBeInstanceOf(RemoteWriteError);
  expect((error as RemoteWriteError).status).toBe(400);
  expect((error as RemoteWriteError).message).toMatch(reason);
}

describe('decodeWriteRequest', () => {
  it('decodes series as any protobuf writer lays them out: field order, unknown fields, unsorted labels', () => {
    const w = new BinaryWriter();
    w.tag(1, WireType.LengthDelimited).fork();
    label(w, 1, 'job', 'api');
    w.tag(99, WireType.Varint).uint32(7); // unknown field: skipped
    label(w, 1, '__name__', 'http_requests_total');
    // Timestamp before value, an unknown fixed32 in between.
    w.tag(2, WireType.LengthDelimited).fork();
    w.tag(2, WireType.Varint).int64(-1500n);
    w.tag(7, WireType.Bit32).fixed32(1);
    w.tag(1, WireType.Bit64).double(StaleNaN);
    w.join();
    // A sample with every field at its default is left empty by proto3 writers: t=0, v=0.
    w.tag(2, WireType.LengthDelimited).fork().join();
    w.tag(2, WireType.LengthDelimited).fork();
    w.tag(1, WireType.Bit64).double(Number.NEGATIVE_INFINITY);
    w.tag(2, WireType.Varint).int64(2n ** 53n - 1n);
    w.join();
    w.join();
    w.tag(2, WireType.LengthDelimited).string('reserved field 2, which Cortex used');
    const request = decodeWriteRequest(w.finish());
    expect(request.timeseries).toHaveLength(1);
    const ts = request.timeseries[0]!;
    expect(ts.labels).toEqual(['job', 'api', '__name__', 'http_requests_total']);
    expect(ts.labelsValidUtf8).toBe(true);
    expect([...ts.timestamps]).toEqual([-1500, 0, 2 ** 53 - 1]);
    expect([...ts.values].map(bitsOf)).toEqual(['7ff0000000000002', '0', 'fff0000000000000']);
  });

  it('reads int64 timestamps across the range, including ten-byte negatives', () => {
    const cases = [
      0n,
      1n,
      127n,
      128n,
      2n ** 31n,
      2n ** 32n + 5n,
      -1n,
      -(2n ** 32n),
      -(2n ** 53n) + 1n,
      1_700_000_000_123n,
    ];
    const w = new BinaryWriter();
    w.tag(1, WireType.LengthDelimited).fork();
    label(w, 1, '__name__', 'x');
    for (const t of cases) {
      w.tag(2, WireType.LengthDelimited).fork();
      w.tag(2, WireType.Varint).int64(t);
      w.join();
    }
    w.join();
    const ts = decodeWriteRequest(w.finish()).timeseries[0]!;
    expect([...ts.timestamps]).toEqual(cases.map(Number));
  });

  it('converts integer histograms (bucket deltas) to float counts, packed or not', () => {
    const w = new BinaryWriter();
    w.tag(1, WireType.LengthDelimited).fork();
    label(w, 1, '__name__', 'latency_seconds');
    w.tag(4, WireType.LengthDelimited).fork();
    w.tag(1, WireType.Varint).uint64(12);
    w.tag(3, WireType.Bit64).double(4.5);
    w.tag(4, WireType.Varint).sint32(-2);
    w.tag(5, WireType.Bit64).double(0.001);
    w.tag(6, WireType.Varint).uint64(2);
    w.tag(11, WireType.LengthDelimited)
      .fork()
      .tag(1, WireType.Varint)
      .sint32(-1)
      .tag(2, WireType.Varint)
      .uint32(2)
      .join();
    w.tag(11, WireType.LengthDelimited)
      .fork()
      .tag(1, WireType.Varint)
      .sint32(3)
      .tag(2, WireType.Varint)
      .uint32(1)
      .join();
    w.tag(12, WireType.LengthDelimited).fork().sint64(1).sint64(2).join(); // packed
    w.tag(12, WireType.Varint).sint64(-2); // and one more, unpacked
    w.tag(8, WireType.LengthDelimited).fork().tag(2, WireType.Varint).uint32(1).join();
    w.tag(9, WireType.LengthDelimited).fork().sint64(4).join();
    w.tag(14, WireType.Varint).uint32(2);
    w.tag(15, WireType.Varint).int64(5000);
    w.join();
    w.join();
    const ts = decodeWriteRequest(w.finish()).timeseries[0]!;
    expect(ts.histograms).toEqual([
      {
        t: 5000,
        h: {
          counterResetHint: 'not-reset',
          schema: -2,
          zeroThreshold: 0.001,
          zeroCount: 2,
          count: 12,
          sum: 4.5,
          positiveSpans: [
            { offset: -1, length: 2 },
            { offset: 3, length: 1 },
          ],
          positiveBuckets: [1, 3, 1],
          negativeSpans: [{ offset: 0, length: 1 }],
          negativeBuckets: [4],
        },
      },
    ]);
  });

  it('takes float histograms with custom buckets (schema -53) as sent', () => {
    const w = new BinaryWriter();
    w.tag(1, WireType.LengthDelimited).fork();
    label(w, 1, '__name__', 'nhcb');
    w.tag(4, WireType.LengthDelimited).fork();
    w.tag(2, WireType.Bit64).double(3.5);
    w.tag(3, WireType.Bit64).double(10);
    w.tag(4, WireType.Varint).sint32(-53);
    w.tag(11, WireType.LengthDelimited).fork().tag(2, WireType.Varint).uint32(3).join();
    w.tag(13, WireType.LengthDelimited).fork().double(1).double(0.5).double(2).join();
    w.tag(16, WireType.LengthDelimited).fork().double(0.1).double(1).join();
    w.tag(14, WireType.Varint).uint32(3);
    w.tag(15, WireType.Varint).int64(7);
    w.join();
    w.join();
    const [sample] = decodeWriteRequest(w.finish()).timeseries[0]!.histograms;
    expect(sample!.h).toMatchObject({
      counterResetHint: 'gauge',
      schema: -53,
      count: 3.5,
      positiveBuckets: [1, 0.5, 2],
      customValues: [0.1, 1],
    });
  });

  it('decodes exemplars and metadata', () => {
    const w = new BinaryWriter();
    w.tag(1, WireType.LengthDelimited).fork();
    label(w, 1, '__name__', 'x');
    w.tag(3, WireType.LengthDelimited).fork();
    label(w, 1, 'trace_id', 'abc');
    w.tag(2, WireType.Bit64).double(0.25);
    w.tag(3, WireType.Varint).int64(99);
    w.join();
    w.join();
    w.tag(3, WireType.LengthDelimited).fork();
    w.tag(1, WireType.Varint).uint32(1);
    w.tag(2, WireType.LengthDelimited).string('http_requests_total');
    w.tag(4, WireType.LengthDelimited).string('Requests served.');
    w.tag(5, WireType.LengthDelimited).string('requests');
    w.join();
    w.tag(3, WireType.LengthDelimited).fork().tag(1, WireType.Varint).uint32(42).join();
    const request = decodeWriteRequest(w.finish());
    expect(request.timeseries[0]!.exemplars).toEqual([
      { labels: ['trace_id', 'abc'], value: 0.25, timestamp: 99 },
    ]);
    expect(request.metadata).toEqual([
      {
        type: 'counter',
        metricFamilyName: 'http_requests_total',
        help: 'Requests served.',
        unit: 'requests',
      },
      { type: 'unknown', metricFamilyName: '', help: '', unit: '' },
    ]);
  });

  it('flags label bytes that are not UTF-8 instead of failing the request', () => {
    const w = new BinaryWriter();
    w.tag(1, WireType.LengthDelimited).fork();
    w.tag(1, WireType.LengthDelimited).fork();
    w.tag(1, WireType.LengthDelimited).string('__name__');
    w.tag(2, WireType.LengthDelimited).bytes(new Uint8Array([0x66, 0xff, 0xfe]));
    w.join();
    w.join();
    // U+FFFD sent as such is valid UTF-8.
    w.tag(1, WireType.LengthDelimited).fork();
    label(w, 1, '__name__', 'ok\uFFFD');
    w.join();
    const [bad, good] = decodeWriteRequest(w.finish()).timeseries;
    expect(bad!.labelsValidUtf8).toBe(false);
    expect(good!.labelsValidUtf8).toBe(true);
    expect(good!.labels[1]).toBe('ok\uFFFD');
  });

  it('skips unknown groups, nested ones included', () => {
    const bytes = new Uint8Array([(9 << 3) | 3, (1 << 3) | 3, 0x08, 0x01, (1 << 3) | 4, (9 << 3) | 4]);
    expect(decodeWriteRequest(bytes)).toEqual({ timeseries: [], metadata: [] });
  });

  const sample = (inner: number[]) => [0x0a, inner.length + 2, 0x12, inner.length, ...inner];
  it.each<[string, number[], string | RegExp]>([
    ['a tag with no value', [0x0a], 'WriteRequest: unexpected end of data in varint at byte 1'],
    ['a length past the end', [0x0a, 0x05, 0x00], 'length 5 runs past the end of the message'],
    ['a truncated varint', [0x0a, 0x80], 'unexpected end of data in varint'],
    ['a varint over ten bytes', [0x08 + 32, ...Array(10).fill(0xff), 0x01], 'varint overflows 64 bits'],
    ['a 32-bit varint overflow', [0x0a, 0xff, 0xff, 0xff, 0xff, 0x7f], 'varint overflows 32 bits'],
    ['the wrong wire type for timeseries', [0x08, 0x01], 'wrong wire type 0 for field timeseries'],
    ['wire type 7', [(5 << 3) | 7], 'illegal wire type 7'],
    ['an end-group with no group', [(5 << 3) | 4], 'illegal wire type 4'],
    ['tag 0', [0x00], 'illegal tag 0'],
    ['an unterminated group', [(5 << 3) | 3], 'unexpected end of data in group'],
    ['a truncated double', sample([0x09, 1, 2, 3]), 'Sample: unexpected end of data in double'],
    ['a sample value as a varint', sample([0x08, 0x01]), 'Sample: wrong wire type 0 for field value'],
    [
      'a sample past its series',
      [0x0a, 0x03, 0x12, 0x09, 0x09, 0, 0, 0, 0, 0, 0, 0, 0],
      'TimeSeries: length 9 runs past',
    ],
    [
      'a label name as a varint',
      [0x0a, 0x04, 0x0a, 0x02, 0x08, 0x01],
      'Label: wrong wire type 0 for field name',
    ],
  ])('refuses %s with a reason', (_name, bytes, reason) => {
    expectProtobufError(new Uint8Array(bytes), reason);
  });

  it('refuses histograms whose spans and buckets disagree', () => {
    const w = new BinaryWriter();
    w.tag(1, WireType.LengthDelimited).fork();
    label(w, 1, '__name__', 'h');
    w.tag(4, WireType.LengthDelimited).fork();
    w.tag(11, WireType.LengthDelimited).fork().tag(2, WireType.Varint).uint32(2).join();
    w.tag(12, WireType.LengthDelimited).fork().sint64(1).join();
    w.tag(15, WireType.Varint).int64(10);
    w.join();
    w.join();
    expect(() => decodeWriteRequest(w.finish())).toThrow(
      new RemoteWriteError(
        'invalid-histogram',
        'invalid histogram at timestamp 10: positive spans need 2 buckets, have 1',
      ),
    );
  });

  it('never throws anything but a RemoteWriteError, on random bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
        try {
          decodeWriteRequest(bytes);
        } catch (err) {
          if (!(err instanceof RemoteWriteError)) throw err;
        }
      }),
      { numRuns: 3000 },
    );
  });

  it('never throws anything but a RemoteWriteError, on mutated and truncated valid requests', () => {
    const valid = encodeWriteRequest([
      {
        labels: [
          ['__name__', 'm'],
          ['a', 'b'],
        ],
        samples: [
          { t: 1, v: 1 },
          { t: -2, v: 2.5 },
        ],
        exemplars: [{ labels: Labels.from({ trace: 'x' }), value: 1, timestamp: 3 }],
        histograms: [
          {
            t: 4,
            h: {
              counterResetHint: 'unknown',
              schema: 1,
              zeroThreshold: 0,
              zeroCount: 1,
              count: 3,
              sum: 2,
              positiveSpans: [{ offset: 0, length: 2 }],
              positiveBuckets: [1, 1],
              negativeSpans: [],
              negativeBuckets: [],
            },
          },
        ],
      },
    ]);
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.nat(valid.length - 1), fc.integer({ min: 0, max: 255 })), { maxLength: 6 }),
        fc.nat(valid.length),
        (edits, cut) => {
          const bytes = valid.slice(0, Math.max(cut, 1));
          for (const [at, value] of edits) if (at < bytes.length) bytes[at] = value;
          try {
            decodeWriteRequest(bytes);
          } catch (err) {
            if (!(err instanceof RemoteWriteError)) throw err;
          }
        },
      ),
      { numRuns: 3000 },
    );
  });
});
