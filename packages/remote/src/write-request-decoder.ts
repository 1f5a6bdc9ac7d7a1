import type { BucketSpan, FloatHistogram } from '@pyrometer/model';
import { RemoteWriteError } from './remote-write-error.ts';
import { WireReader, WireType } from './wire-reader.ts';
import {
  type HistogramSample,
  METRIC_TYPES,
  type MetricMetadata,
  RESET_HINTS,
  type TimeSeries,
  type WireExemplar,
  type WriteRequest,
} from './write-request.ts';

/**
 * Decodes a protocol 1.0 `WriteRequest` from uncompressed protobuf bytes. Malformed bytes
 * (truncated varints, wrong wire types, lengths past the end, inconsistent histograms) throw
 * a `RemoteWriteError` naming what and where; decoding is linear in the input, so no input
 * can make it hang. Field numbers are those of Prometheus's `prompb` (types.proto, remote.proto).
 * The result does not reference `bytes`.
 */
export function decodeWriteRequest(bytes: Uint8Array): WriteRequest {
  const r = new WireReader(bytes);
  // Senders write a sample in 12 bytes or more (tag, length, value, timestamp): a first guess.
  const samples = new SampleScratch(Math.ceil(bytes.length / 16) + 16);
  const starts: number[] = [];
  const request: WriteRequest = { timeseries: [], metadata: [] };
  while (r.pos < r.limit) {
    r.context = 'WriteRequest';
    const tag = r.tag();
    switch (tag >>> 3) {
      case 1:
        r.expect(tag, WireType.LengthDelimited, 'timeseries');
        starts.push(samples.length);
        request.timeseries.push(withinField(r, () => decodeTimeSeries(r, samples)));
        break;
      case 3:
        r.expect(tag, WireType.LengthDelimited, 'metadata');
        request.metadata.push(withinField(r, () => decodeMetadata(r)));
        break;
      default:
        r.skip(tag & 7);
    }
  }
  // Every series' samples are views of one pair of arrays: one allocation per request, not per series.
  starts.push(samples.length);
  for (let i = 0; i < request.timeseries.length; i++) {
    const start = starts[i]!;
    const end = starts[i + 1]!;
    if (start === end) continue;
    request.timeseries[i]!.timestamps = samples.timestamps.subarray(start, end);
    request.timeseries[i]!.values = samples.values.subarray(start, end);
  }
  return request;
}

/** Runs `decode` over the length-delimited field at the cursor, bounded by its length. */
function withinField<T>(r: WireReader, decode: () => T): T {
  const outer = r.enter();
  const value = decode();
  r.leave(outer);
  return value;
}

// The request's samples, collected before their count is known (typed arrays throughout, so
// NaN payloads survive).
class SampleScratch {
  timestamps: Float64Array;
  values: Float64Array;
  length = 0;

  constructor(capacity: number) {
    this.timestamps = new Float64Array(capacity);
    this.values = new Float64Array(capacity);
  }

  push(t: number, v: number): void {
    if (this.length === this.values.length) {
      const timestamps = new Float64Array(this.length * 2);
      timestamps.set(this.timestamps);
      this.timestamps = timestamps;
      const values = new Float64Array(this.length * 2);
      values.set(this.values);
      this.values = values;
    }
    this.timestamps[this.length] = t;
    this.values[this.length] = v;
    this.length++;
  }
}

function decodeTimeSeries(r: WireReader, samples: SampleScratch): TimeSeries {
  const series: TimeSeries = {
    labels: [],
    labelsValidUtf8: true,
    timestamps: EMPTY,
    values: EMPTY,
    exemplars: [],
    histograms: [],
  };
  while (r.pos < r.limit) {
    r.context = 'TimeSeries';
    const tag = r.tag();
    switch (tag >>> 3) {
      case 1:
        r.expect(tag, WireType.LengthDelimited, 'labels');
        {
          const outer = r.enter();
          if (!decodeLabel(r, series.labels)) series.labelsValidUtf8 = false;
          r.leave(outer);
        }
        break;
      case 2:
        r.expect(tag, WireType.LengthDelimited, 'samples');
        {
          const outer = r.enter();
          decodeSample(r, samples);
          r.leave(outer);
        }
        break;
      case 3:
        r.expect(tag, WireType.LengthDelimited, 'exemplars');
        series.exemplars.push(withinField(r, () => decodeExemplar(r)));
        break;
      case 4:
        r.expect(tag, WireType.LengthDelimited, 'histograms');
        series.histograms.push(withinField(r, () => decodeHistogram(r)));
        break;
      default:
        r.skip(tag & 7);
    }
  }
  return series;
}

const EMPTY = new Float64Array(0);

/** Appends name and value to `out`; false when either was not valid UTF-8. */
function decodeLabel(r: WireReader, out: string[]): boolean {
  let name: string | undefined = '';
  let value: string | undefined = '';
  while (r.pos < r.limit) {
    r.context = 'Label';
    const tag = r.tag();
    if (tag >>> 3 === 1) {
      r.expect(tag, WireType.LengthDelimited, 'name');
      name = r.string();
    } else if (tag >>> 3 === 2) {
      r.expect(tag, WireType.LengthDelimited, 'value');
      value = r.string();
    } else r.skip(tag & 7);
  }
  out.push(name ?? '\uFFFD', value ?? '\uFFFD');
  return name !== undefined && value !== undefined;
}

function decodeSample(r: WireReader, samples: SampleScratch): void {
  let value = 0;
  let t = 0;
  while (r.pos < r.limit) {
    r.context = 'Sample';
    const tag = r.tag();
    if (tag >>> 3 === 1) {
      r.expect(tag, WireType.Fixed64, 'value');
      value = r.double();
    } else if (tag >>> 3 === 2) {
      r.expect(tag, WireType.Varint, 'timestamp');
      t = r.int64();
    } else r.skip(tag & 7);
  }
  samples.push(t, value);
}

function decodeExemplar(r: WireReader): WireExemplar {
  const exemplar: WireExemplar = { labels: [], value: 0, timestamp: 0 };
  while (r.pos < r.limit) {
    r.context = 'Exemplar';
    const tag = r.tag();
    switch (tag >>> 3) {
      case 1:
        r.expect(tag, WireType.LengthDelimited, 'labels');
        withinField(r, () => decodeLabel(r, exemplar.labels));
        break;
      case 2:
        r.expect(tag, WireType.Fixed64, 'value');
        exemplar.value = r.double();
        break;
      case 3:
        r.expect(tag, WireType.Varint, 'timestamp');
        exemplar.timestamp = r.int64();
        break;
      default:
        r.skip(tag & 7);
    }
  }
  return exemplar;
}

function decodeMetadata(r: WireReader): MetricMetadata {
  const metadata: MetricMetadata = { type: 'unknown', metricFamilyName: '', help: '', unit: '' };
  while (r.pos < r.limit) {
    r.context = 'MetricMetadata';
    const tag = r.tag();
    switch (tag >>> 3) {
      case 1:
        r.expect(tag, WireType.Varint, 'type');
        metadata.type = METRIC_TYPES[r.uint64()] ?? 'unknown';
        break;
      case 2:
        r.expect(tag, WireType.LengthDelimited, 'metric_family_name');
        metadata.metricFamilyName = r.string() ?? '';
        break;
      case 4:
        r.expect(tag, WireType.LengthDelimited, 'help');
        metadata.help = r.string() ?? '';
        break;
      case 5:
        r.expect(tag, WireType.LengthDelimited, 'unit');
        metadata.unit = r.string() ?? '';
        break;
      default:
        r.skip(tag & 7);
    }
  }
  return metadata;
}

// The wire form of a histogram: integer histograms carry bucket deltas, float ones counts.
interface WireHistogram {
  isFloat: boolean;
  count: number;
  zeroCount: number;
  h: FloatHistogram;
  negativeDeltas: number[];
  positiveDeltas: number[];
}

function decodeHistogram(r: WireReader): HistogramSample {
  const w: WireHistogram = {
    isFloat: false,
    count: 0,
    zeroCount: 0,
    negativeDeltas: [],
    positiveDeltas: [],
    h: {
      counterResetHint: 'unknown',
      schema: 0,
      zeroThreshold: 0,
      zeroCount: 0,
      count: 0,
      sum: 0,
      positiveSpans: [],
      positiveBuckets: [],
      negativeSpans: [],
      negativeBuckets: [],
    },
  };
  let t = 0;
  const customValues: number[] = [];
  while (r.pos < r.limit) {
    r.context = 'Histogram';
    const tag = r.tag();
    const field = tag >>> 3;
    switch (field) {
      case 1:
      case 6:
        r.expect(tag, WireType.Varint, field === 1 ? 'count_int' : 'zero_count_int');
        if (field === 1) {
          w.count = r.uint64();
          w.isFloat = false;
        } else w.zeroCount = r.uint64();
        break;
      case 2:
      case 7:
        r.expect(tag, WireType.Fixed64, field === 2 ? 'count_float' : 'zero_count_float');
        if (field === 2) {
          w.count = r.double();
          w.isFloat = true;
        } else w.zeroCount = r.double();
        break;
      case 3:
        r.expect(tag, WireType.Fixed64, 'sum');
        w.h.sum = r.double();
        break;
      case 4:
        r.expect(tag, WireType.Varint, 'schema');
        w.h.schema = r.sint64();
        break;
      case 5:
        r.expect(tag, WireType.Fixed64, 'zero_threshold');
        w.h.zeroThreshold = r.double();
        break;
      case 8:
      case 11:
        r.expect(tag, WireType.LengthDelimited, field === 8 ? 'negative_spans' : 'positive_spans');
        (field === 8 ? w.h.negativeSpans : w.h.positiveSpans).push(withinField(r, () => decodeSpan(r)));
        break;
      case 9:
      case 12:
        repeatedSint64(r, tag, field === 9 ? w.negativeDeltas : w.positiveDeltas);
        break;
      case 10:
      case 13:
        repeatedDouble(r, tag, field === 10 ? w.h.negativeBuckets : w.h.positiveBuckets);
        break;
      case 14:
        r.expect(tag, WireType.Varint, 'reset_hint');
        w.h.counterResetHint = RESET_HINTS[r.uint64()] ?? 'unknown';
        break;
      case 15:
        r.expect(tag, WireType.Varint, 'timestamp');
        t = r.int64();
        break;
      case 16:
        repeatedDouble(r, tag, customValues);
        break;
      default:
        r.skip(tag & 7);
    }
  }
  if (customValues.length > 0) w.h.customValues = customValues;
  return { t, h: toFloatHistogram(w, t) };
}

function decodeSpan(r: WireReader): BucketSpan {
  const span: BucketSpan = { offset: 0, length: 0 };
  while (r.pos < r.limit) {
    r.context = 'BucketSpan';
    const tag = r.tag();
    if (tag >>> 3 === 1) {
      r.expect(tag, WireType.Varint, 'offset');
      span.offset = r.sint64();
    } else if (tag >>> 3 === 2) {
      r.expect(tag, WireType.Varint, 'length');
      span.length = r.uint32();
    } else r.skip(tag & 7);
  }
  return span;
}

// Repeated scalars arrive packed (proto3's default) or one per field; decoders must take both.
function repeatedSint64(r: WireReader, tag: number, out: number[]): void {
  if ((tag & 7) === WireType.Varint) {
    out.push(r.sint64());
    return;
  }
  r.expect(tag, WireType.LengthDelimited, 'deltas');
  withinField(r, () => {
    while (r.pos < r.limit) out.push(r.sint64());
  });
}

function repeatedDouble(r: WireReader, tag: number, out: number[]): void {
  if ((tag & 7) === WireType.Fixed64) {
    out.push(r.double());
    return;
  }
  r.expect(tag, WireType.LengthDelimited, 'doubles');
  withinField(r, () => {
    while (r.pos < r.limit) out.push(r.double());
  });
}

function toFloatHistogram(w: WireHistogram, t: number): FloatHistogram {
  const h = w.h;
  h.count = w.count;
  h.zeroCount = w.zeroCount;
  if (!w.isFloat) {
    // Integer histograms send each bucket as the difference to the one before it.
    h.positiveBuckets = cumulative(w.positiveDeltas);
    h.negativeBuckets = cumulative(w.negativeDeltas);
  }
  checkHistogram(h, t);
  return h;
}

function cumulative(deltas: readonly number[]): number[] {
  const counts: number[] = [];
  let current = 0;
  for (const d of deltas) {
    current += d;
    counts.push(current);
  }
  return counts;
}

/**
 * The structural checks Prometheus's TSDB applies before storing a histogram, done here
 * so that a malformed one is a 400 for the request rather than a storage failure.
 */
function checkHistogram(h: FloatHistogram, t: number): void {
  const fail = (what: string) => {
    throw new RemoteWriteError('invalid-histogram', `invalid histogram at timestamp ${t}: ${what}`);
  };
  if (h.schema !== -53 && (h.schema < -4 || h.schema > 8)) fail(`schema ${h.schema} is not supported`);
  if (h.schema === -53 && h.negativeSpans.length > 0)
    fail('custom-bucket histograms have no negative buckets');
  if (h.schema !== -53 && h.customValues !== undefined) fail('custom values given for an exponential schema');
  checkSide(h.positiveSpans, h.positiveBuckets, 'positive', fail);
  checkSide(h.negativeSpans, h.negativeBuckets, 'negative', fail);
}

function checkSide(
  spans: readonly BucketSpan[],
  buckets: readonly number[],
  side: string,
  fail: (what: string) => never,
): void {
  let total = 0;
  for (let i = 0; i < spans.length; i++) {
    if (i > 0 && spans[i]!.offset < 0) fail(`${side} span ${i} has negative offset ${spans[i]!.offset}`);
    total += spans[i]!.length;
  }
  if (total !== buckets.length) {
    fail(`${side} spans need ${total} buckets, have ${buckets.length}`);
  }
  for (const count of buckets) if (count < 0) fail(`${side} bucket count ${count} is negative`);
}
