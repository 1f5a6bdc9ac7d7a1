import type { BucketSpan, Exemplar, FloatHistogram, Sample } from '@pyrometer/model';
import { compressSync } from 'snappy';
import { WireType } from './wire-reader.ts';
import { WireWriter } from './wire-writer.ts';
import { type HistogramSample, METRIC_TYPES, type MetricMetadata, RESET_HINTS } from './write-request.ts';

/** One series to send: labels in the order given (a `Labels` iterates sorted, as the spec asks). */
export interface TimeSeriesInput {
  labels: Iterable<readonly [name: string, value: string]>;
  samples?: readonly Sample[];
  exemplars?: readonly Exemplar[];
  histograms?: readonly HistogramSample[];
}

/**
 * Encodes a protocol 1.0 `WriteRequest` as uncompressed protobuf. Histograms are written in
 * their float form (counts, not deltas), which every receiver that takes histograms reads.
 */
export function encodeWriteRequest(
  series: readonly TimeSeriesInput[],
  metadata: readonly MetricMetadata[] = [],
): Uint8Array {
  const w = new WireWriter(64 * 1024);
  for (const ts of series) {
    w.tag(1, WireType.LengthDelimited);
    const start = w.fork();
    encodeTimeSeries(w, ts);
    w.join(start);
  }
  for (const m of metadata) {
    w.tag(3, WireType.LengthDelimited);
    const start = w.fork();
    encodeMetadata(w, m);
    w.join(start);
  }
  return w.finish();
}

/** The HTTP body of a remote-write request: the encoded `WriteRequest` in snappy's block format. */
export function compressWriteRequest(
  series: readonly TimeSeriesInput[],
  metadata: readonly MetricMetadata[] = [],
): Uint8Array {
  return compressSync(encodeWriteRequest(series, metadata));
}

function encodeTimeSeries(w: WireWriter, ts: TimeSeriesInput): void {
  for (const [name, value] of ts.labels) encodeLabel(w, 1, name, value);
  for (const s of ts.samples ?? []) {
    w.tag(2, WireType.LengthDelimited);
    const start = w.fork();
    w.tag(1, WireType.Fixed64);
    w.double(s.v);
    w.tag(2, WireType.Varint);
    w.int64(s.t);
    w.join(start);
  }
  for (const e of ts.exemplars ?? []) {
    w.tag(3, WireType.LengthDelimited);
    const start = w.fork();
    for (const [name, value] of e.labels) encodeLabel(w, 1, name, value);
    w.tag(2, WireType.Fixed64);
    w.double(e.value);
    if (e.timestamp !== undefined) {
      w.tag(3, WireType.Varint);
      w.int64(e.timestamp);
    }
    w.join(start);
  }
  for (const h of ts.histograms ?? []) {
    w.tag(4, WireType.LengthDelimited);
    const start = w.fork();
    encodeHistogram(w, h.t, h.h);
    w.join(start);
  }
}

function encodeLabel(w: WireWriter, field: number, name: string, value: string): void {
  w.tag(field, WireType.LengthDelimited);
  const start = w.fork();
  w.tag(1, WireType.LengthDelimited);
  w.string(name);
  w.tag(2, WireType.LengthDelimited);
  w.string(value);
  w.join(start);
}

function encodeHistogram(w: WireWriter, t: number, h: FloatHistogram): void {
  w.tag(2, WireType.Fixed64);
  w.double(h.count);
  w.tag(3, WireType.Fixed64);
  w.double(h.sum);
  w.tag(4, WireType.Varint);
  w.sint64(h.schema);
  w.tag(5, WireType.Fixed64);
  w.double(h.zeroThreshold);
  w.tag(7, WireType.Fixed64);
  w.double(h.zeroCount);
  encodeSpans(w, 8, h.negativeSpans);
  encodeDoubles(w, 10, h.negativeBuckets);
  encodeSpans(w, 11, h.positiveSpans);
  encodeDoubles(w, 13, h.positiveBuckets);
  w.tag(14, WireType.Varint);
  w.uint32(Math.max(0, RESET_HINTS.indexOf(h.counterResetHint)));
  w.tag(15, WireType.Varint);
  w.int64(t);
  encodeDoubles(w, 16, h.customValues ?? []);
}

function encodeSpans(w: WireWriter, field: number, spans: readonly BucketSpan[]): void {
  for (const span of spans) {
    w.tag(field, WireType.LengthDelimited);
    const start = w.fork();
    w.tag(1, WireType.Varint);
    w.sint64(span.offset);
    w.tag(2, WireType.Varint);
    w.uint32(span.length);
    w.join(start);
  }
}

function encodeDoubles(w: WireWriter, field: number, values: readonly number[]): void {
  if (values.length === 0) return;
  w.tag(field, WireType.LengthDelimited);
  const start = w.fork();
  for (const v of values) w.double(v);
  w.join(start);
}

function encodeMetadata(w: WireWriter, m: MetricMetadata): void {
  w.tag(1, WireType.Varint);
  w.uint32(Math.max(0, METRIC_TYPES.indexOf(m.type)));
  w.tag(2, WireType.LengthDelimited);
  w.string(m.metricFamilyName);
  w.tag(4, WireType.LengthDelimited);
  w.string(m.help);
  w.tag(5, WireType.LengthDelimited);
  w.string(m.unit);
}
