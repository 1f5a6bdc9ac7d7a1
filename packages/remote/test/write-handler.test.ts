import { randomBytes } from 'node:crypto';
import { type Appendable, type FloatHistogram, Labels, MemoryStorage, StaleNaN } from '@pyrometer/model';
import fc from 'fast-check';
import { compressSync } from 'snappy';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { applyWriteRequest } from '../src/append-write-request.ts';
import { RemoteWriteError } from '../src/remote-write-error.ts';
import { createRemoteWriteHandler } from '../src/write-handler.ts';
import {
  compressWriteRequest,
  encodeWriteRequest,
  type TimeSeriesInput,
} from '../src/write-request-encoder.ts';
import { dump, dumpBits, listen, postWrite } from './support.ts';

// One storage and one receiver behind a real node:http server, driven by fetch as a
// sender would. `appendable` is swapped per test to inject storage failures.
let storage = new MemoryStorage();
let appendable: Appendable = storage;
const logged: string[] = [];
const server = await listen(
  createRemoteWriteHandler({
    appendable: { appender: () => appendable.appender() },
    maxBodyBytes: 1024 * 1024,
    log: {
      debug: () => {},
      warn: (msg) => logged.push(`warn ${msg}`),
      error: (msg) => logged.push(`error ${msg}`),
    },
  }),
);
afterAll(() => server.close());
beforeEach(() => {
  storage = new MemoryStorage();
  appendable = storage;
  logged.length = 0;
});

const up = (job: string, samples: { t: number; v: number }[]): TimeSeriesInput => ({
  labels: Labels.from({ __name__: 'up', job }),
  samples,
});

async function expectNothingStored(): Promise<void> {
  expect(storage.seriesCount).toBe(0);
  expect(await dump(storage)).toEqual({});
}

describe('the remote-write receiver', () => {
  it('stores every series and sample of a request and answers 204', async () => {
    const now = Date.now();
    const series = Array.from({ length: 2000 }, (_, i) => ({
      labels: Labels.from({
        __name__: `metric_${i % 7}`,
        instance: `host-${i}:9100`,
        job: 'node',
        ünïcode: 'välue ✓',
      }),
      samples: Array.from({ length: 5 }, (_, j) => ({ t: now - 60_000 + j * 15_000, v: i * 10 + j + 0.5 })),
    }));
    const res = await postWrite(server.url, compressWriteRequest(series));
    expect(res).toEqual({ status: 204, text: '' });
    const stored = await dump(storage);
    expect(Object.keys(stored)).toHaveLength(2000);
    for (const s of series) expect(stored[String(s.labels)]).toEqual(s.samples.map((x) => [x.t, x.v]));
  });

  it('keeps NaN, ±Inf, -0 and the stale marker bit for bit', async () => {
    const res = await postWrite(
      server.url,
      compressWriteRequest([
        up('special', [
          { t: 1000, v: Number.NaN },
          { t: 2000, v: Number.POSITIVE_INFINITY },
          { t: 3000, v: Number.NEGATIVE_INFINITY },
          { t: 4000, v: -0 },
          { t: 5000, v: StaleNaN },
        ]),
      ]),
    );
    expect(res.status).toBe(204);
    expect(await dumpBits(storage)).toEqual({
      'up{job="special"}': [
        [1000, '7ff8000000000000'],
        [2000, '7ff0000000000000'],
        [3000, 'fff0000000000000'],
        [4000, '8000000000000000'],
        [5000, '7ff0000000000002'],
      ],
    });
  });

  it('stores native histograms', async () => {
    const h: FloatHistogram = {
      counterResetHint: 'unknown',
      schema: 0,
      zeroThreshold: 0.001,
      zeroCount: 1,
      count: 4,
      sum: 6,
      positiveSpans: [{ offset: 0, length: 2 }],
      positiveBuckets: [1, 2],
      negativeSpans: [],
      negativeBuckets: [],
    };
    const body = compressWriteRequest([
      { labels: Labels.from({ __name__: 'latency' }), histograms: [{ t: 10, h }] },
    ]);
    expect((await postWrite(server.url, body)).status).toBe(204);
    expect(await dump(storage)).toEqual({ 'latency{}': [[10, h]] });
  });

  it('skips series with invalid labels, as Prometheus, and stores the rest', async () => {
    const body = compressWriteRequest([
      { labels: [['job', 'no-name']], samples: [{ t: 1, v: 1 }] },
      {
        labels: [
          ['__name__', 'dup'],
          ['a', '1'],
          ['a', '2'],
        ],
        samples: [{ t: 1, v: 1 }],
      },
      {
        labels: [
          ['job', 'x'],
          ['__name__', 'unsorted'],
        ],
        samples: [{ t: 1, v: 1 }],
      },
    ]);
    expect(await postWrite(server.url, body)).toEqual({ status: 204, text: '' });
    expect(await dump(storage)).toEqual({ 'unsorted{job="x"}': [[1, 1]] });
    expect(logged).toEqual(['warn Invalid metric names or labels', 'warn Invalid labels for series.']);
  });

  it('accepts requests without the optional headers, as Prometheus', async () => {
    const body = compressWriteRequest([up('a', [{ t: 1, v: 1 }])]);
    expect((await postWrite(server.url, body, { 'content-type': '', 'content-encoding': '' })).status).toBe(
      204,
    );
    expect((await postWrite(server.url, body, { 'x-prometheus-remote-write-version': '' })).status).toBe(204);
    const explicit = { 'content-type': 'application/x-protobuf;proto=prometheus.WriteRequest' };
    expect(
      (await postWrite(server.url, compressWriteRequest([up('a', [{ t: 2, v: 1 }])]), explicit)).status,
    ).toBe(204);
    expect(await dump(storage)).toEqual({
      'up{job="a"}': [
        [1, 1],
        [2, 1],
      ],
    });
  });

  describe('refuses, with nothing appended', () => {
    const good = () => compressWriteRequest([up('a', [{ t: 1, v: 1 }])]);

    it.each<[string, Record<string, string>, string]>([
      [
        'another media type',
        { 'content-type': 'text/plain' },
        'expected application/x-protobuf as the first (media) part, got text/plain content-type',
      ],
      [
        'remote write 2.0',
        { 'content-type': 'application/x-protobuf;proto=io.prometheus.write.v2.Request' },
        'io.prometheus.write.v2.Request protobuf message is not accepted by this server; accepted [prometheus.WriteRequest]',
      ],
      [
        'an unknown protobuf message',
        { 'content-type': 'application/x-protobuf;proto=foo.Bar' },
        'got application/x-protobuf;proto=foo.Bar content type; unknown remote write protobuf message foo.Bar, supported: prometheus.WriteRequest, io.prometheus.write.v2.Request',
      ],
      [
        'gzip',
        { 'content-encoding': 'gzip' },
        'gzip encoding (compression) is not accepted by this server; only snappy is acceptable',
      ],
    ])('%s: 415', async (_name, headers, reason) => {
      expect(await postWrite(server.url, good(), headers)).toEqual({ status: 415, text: `${reason}\n` });
      await expectNothingStored();
    });

    it.each(['GET', 'PUT', 'DELETE'])('%s: 405', async (method) => {
      const res = await fetch(`${server.url}/api/v1/write`, { method });
      expect(res.status).toBe(405);
      expect(res.headers.get('allow')).toBe('POST');
      await expectNothingStored();
    });

    it.each<[string, Uint8Array, RegExp]>([
      ['an empty body', new Uint8Array(0), /^snappy: corrupt input/],
      [
        'a snappy length header that never ends',
        new Uint8Array(8).fill(0xff),
        /^snappy: corrupt input \(no valid length header\)\n$/,
      ],
      ['a body that is not snappy', new TextEncoder().encode('up{job="a"} 1\n'), /^snappy: corrupt input/],
      [
        'a snappy body that is not protobuf',
        compressSync(Buffer.from([0x0a, 0x40, 0x01, 0x02])),
        /^proto: WriteRequest: length 64 runs past/,
      ],
      [
        'protobuf with a wrong wire type',
        compressSync(Buffer.from([0x08, 0x01])),
        /^proto: WriteRequest: wrong wire type 0 for field timeseries/,
      ],
    ])('%s: 400 with the reason', async (_name, body, reason) => {
      const res = await postWrite(server.url, body);
      expect(res.status).toBe(400);
      expect(res.text).toMatch(reason);
      await expectNothingStored();
    });

    it('an out-of-order sample within the request: 400, and the valid series before it is not kept', async () => {
      const body = compressWriteRequest([
        up('first', [{ t: 1, v: 1 }]),
        up('a', [
          { t: 20, v: 1 },
          { t: 10, v: 2 },
        ]),
      ]);
      expect(await postWrite(server.url, body)).toEqual({
        status: 400,
        text: 'out of order sample for series up{job="a"}, timestamp 10\n',
      });
      await expectNothingStored();
    });

    it('a sample older than the stored ones: 400, and the rest of the request is not kept', async () => {
      expect((await postWrite(server.url, compressWriteRequest([up('a', [{ t: 100, v: 1 }])]))).status).toBe(
        204,
      );
      const before = await dump(storage);
      const body = compressWriteRequest([up('new', [{ t: 1, v: 1 }]), up('a', [{ t: 50, v: 1 }])]);
      expect((await postWrite(server.url, body)).text).toBe(
        'out of order sample for series up{job="a"}, timestamp 50\n',
      );
      expect(await dump(storage)).toEqual(before);
    });

    it('a duplicate sample (same timestamp, another value): 400', async () => {
      const body = compressWriteRequest([
        up('a', [
          { t: 5, v: 1 },
          { t: 5, v: 2 },
        ]),
      ]);
      expect(await postWrite(server.url, body)).toEqual({
        status: 400,
        text: 'duplicate sample for timestamp for series up{job="a"}, timestamp 5\n',
      });
      await expectNothingStored();
    });

    it('a sample more than 10 minutes in the future: 400 out of bounds', async () => {
      const t = Date.now() + 11 * 60_000;
      const body = compressWriteRequest([up('ok', [{ t: 1, v: 1 }]), up('a', [{ t, v: 1 }])]);
      expect(await postWrite(server.url, body)).toEqual({
        status: 400,
        text: `out of bounds: timestamp is too far in the future for series up{job="a"}, timestamp ${t}\n`,
      });
      await expectNothingStored();
    });

    it('a body that decompresses past the limit: 413, checked before decompressing', async () => {
      const body = compressWriteRequest([
        { labels: [['__name__', 'x'.repeat(1_100_000)]], samples: [{ t: 1, v: 1 }] },
      ]);
      expect(body.length).toBeLessThan(100 * 1024);
      const res = await postWrite(server.url, body);
      expect(res.status).toBe(413);
      expect(res.text).toMatch(/^decompressed body of 11000\d\d bytes exceeds the limit of 1048576 bytes\n$/);
      await expectNothingStored();
    });

    it('a body too large to be a request under the limit: 413 without buffering it', async () => {
      const res = await postWrite(server.url, randomBytes(1_300_000));
      expect(res).toEqual({
        status: 413,
        text: 'request body exceeds the limit of 1048576 bytes decompressed\n',
      });
      await expectNothingStored();
    });
  });

  it('answers 500 when the storage fails to commit, and rolls back on a refused sample', async () => {
    const calls: string[] = [];
    appendable = {
      appender() {
        const app = storage.appender();
        return {
          append: (...args: Parameters<typeof app.append>) => app.append(...args),
          commit: async () => {
            calls.push('commit');
            throw new Error('write /data/wal/00000001: no space left on device');
          },
          rollback: () => {
            calls.push('rollback');
            app.rollback();
          },
        };
      },
    };
    const res = await postWrite(server.url, compressWriteRequest([up('a', [{ t: 1, v: 1 }])]));
    expect(res).toEqual({ status: 500, text: 'write /data/wal/00000001: no space left on device\n' });
    expect(
      (
        await postWrite(
          server.url,
          compressWriteRequest([
            up('a', [
              { t: 2, v: 1 },
              { t: 1, v: 1 },
            ]),
          ]),
        )
      ).status,
    ).toBe(400);
    expect(calls).toEqual(['commit', 'rollback']);
    await expectNothingStored();
  });
});

describe('the remote-write receiver, on arbitrary bodies (property)', () => {
  const valid = encodeWriteRequest([
    up('a', [
      { t: 1, v: 1 },
      { t: 2, v: 2 },
    ]),
    up('b', [{ t: 1, v: 3 }]),
  ]);

  it('answers random bytes with 400 (or 413 for a large declared length) and stores nothing', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 200 }), fc.boolean(), async (bytes, compress) => {
        const res = await postWrite(server.url, compress ? compressSync(Buffer.from(bytes)) : bytes);
        if (res.status === 204) return; // random bytes can happen to be a valid, empty request
        expect([400, 413]).toContain(res.status);
        expect(res.text.length).toBeGreaterThan(1);
      }),
      { numRuns: 150 },
    );
    expect(await dump(storage)).toEqual({});
  });

  it('answers mutated requests with 204 or 400, never 500, and serves on', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(fc.nat(valid.length - 1), fc.integer({ min: 0, max: 255 })), {
          minLength: 1,
          maxLength: 4,
        }),
        async (edits) => {
          const bytes = valid.slice();
          for (const [at, value] of edits) bytes[at] = value;
          storage.clear();
          const res = await postWrite(server.url, compressSync(Buffer.from(bytes)));
          expect([204, 400]).toContain(res.status);
          if (res.status === 400) expect(storage.seriesCount).toBe(0);
        },
      ),
      { numRuns: 150 },
    );
    expect((await postWrite(server.url, compressWriteRequest([up('after', [{ t: 1, v: 1 }])]))).status).toBe(
      204,
    );
  });
});

describe('applyWriteRequest', () => {
  it('appends a body in process and reports what it took', async () => {
    const storage = new MemoryStorage();
    const body = compressWriteRequest([
      up('a', [
        { t: 1, v: 1 },
        { t: 2, v: 2 },
      ]),
      { labels: [['job', 'nameless']], samples: [{ t: 1, v: 1 }] },
      {
        labels: Labels.from({ __name__: 'traced' }),
        samples: [{ t: 1, v: 3 }],
        exemplars: [{ labels: Labels.from({ trace_id: 'abc' }), value: 3, timestamp: 1 }],
      },
    ]);
    expect(await applyWriteRequest(storage, body)).toEqual({
      samples: 3,
      histograms: 0,
      exemplars: 1,
      invalidLabelSamples: 1,
    });
    expect(Object.keys(await dump(storage))).toEqual(['traced{}', 'up{job="a"}']);
  });

  it('throws a RemoteWriteError for a bad body', async () => {
    await expect(
      applyWriteRequest(new MemoryStorage(), encodeWriteRequest([up('a', [])])),
    ).rejects.toBeInstanceOf(RemoteWriteError);
  });
});
