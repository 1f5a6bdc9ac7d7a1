import {
  type Appendable,
  type Appender,
  type Exemplar,
  Labels,
  NO_SERIES_REF,
  type SeriesRef,
  StorageError,
} from '@pyrometer/model';
import { formatWireLabels, seriesLabels } from './series-labels.ts';
import { DEFAULT_MAX_DECOMPRESSED_BYTES, decompressWriteRequest } from './snappy-body.ts';
import type { TimeSeries, WriteRequest } from './write-request.ts';
import { decodeWriteRequest } from './write-request-decoder.ts';

/** The structured logger the receiver reports to (the server's `Logger` fits). */
export interface RemoteWriteLog {
  debug(msg: string, fields?: Record<string, string | number | boolean | undefined>): void;
  warn(msg: string, fields?: Record<string, string | number | boolean | undefined>): void;
  error(msg: string, fields?: Record<string, string | number | boolean | undefined>): void;
}

export interface AppendWriteRequestOptions {
  /** When the request arrived (ms); samples more than 10 minutes after it are refused. */
  now?: number;
  log?: RemoteWriteLog;
}

export interface WriteRequestStats {
  samples: number;
  histograms: number;
  exemplars: number;
  /** Samples and histograms of series skipped for invalid labels (Prometheus counts these too). */
  invalidLabelSamples: number;
}

// As Prometheus's receiver: a sample this far ahead of the receiver's clock is out of bounds.
const MAX_AHEAD_MS = 10 * 60 * 1000;

const NO_LOG: RemoteWriteLog = { debug() {}, warn() {}, error() {} };

/**
 * Appends a decoded write request in one transaction, as Prometheus's 1.0 receiver: series
 * with invalid labels are skipped (logged and counted, not an error); the first sample the
 * storage refuses (out of order, duplicate, out of bounds, too old) rolls everything back and
 * is thrown as a `StorageError` naming the series. Any other append or commit error is
 * thrown as is (a 500 for the HTTP handler). Exemplars ride on their series' first sample;
 * one the storage cannot take is dropped, never failing the request. The request's label
 * arrays may be kept by the storage: do not reuse them.
 */
export async function appendWriteRequest(
  appendable: Appendable,
  request: WriteRequest,
  options: AppendWriteRequestOptions = {},
): Promise<WriteRequestStats> {
  const log = options.log ?? NO_LOG;
  const maxTime = (options.now ?? Date.now()) + MAX_AHEAD_MS;
  const stats: WriteRequestStats = { samples: 0, histograms: 0, exemplars: 0, invalidLabelSamples: 0 };
  const app = appendable.appender();
  try {
    for (const ts of request.timeseries) appendSeries(app, ts, maxTime, stats, log);
  } catch (err) {
    app.rollback();
    throw err;
  }
  await app.commit();
  return stats;
}

/**
 * Decompresses, decodes and appends a remote-write body (snappy-compressed protobuf, as sent
 * over HTTP) for embedding without the HTTP handler. Throws `RemoteWriteError` for a body
 * that is not snappy or not a `WriteRequest`, before anything is appended.
 */
export async function applyWriteRequest(
  appendable: Appendable,
  body: Uint8Array,
  options: AppendWriteRequestOptions & { maxDecompressedBytes?: number } = {},
): Promise<WriteRequestStats> {
  const bytes = decompressWriteRequest(body, options.maxDecompressedBytes ?? DEFAULT_MAX_DECOMPRESSED_BYTES);
  return appendWriteRequest(appendable, decodeWriteRequest(bytes), options);
}

function appendSeries(
  app: Appender,
  ts: TimeSeries,
  maxTime: number,
  stats: WriteRequestStats,
  log: RemoteWriteLog,
): void {
  const labels = seriesLabels(ts);
  if (!(labels instanceof Labels)) {
    log.warn(labels.reason, { got: formatWireLabels(ts.labels), duplicated_label: labels.duplicate });
    stats.invalidLabelSamples += ts.values.length + ts.histograms.length;
    return;
  }
  let ref: SeriesRef = NO_SERIES_REF;
  let exemplars = toExemplars(ts, labels, maxTime, log);
  const { timestamps, values } = ts;
  for (let i = 0; i < values.length; i++) {
    const t = timestamps[i]!;
    try {
      if (t > maxTime) throw new StorageError('out-of-bounds', 'timestamp is too far in the future');
      ref = app.append(ref, labels, 0, t, values[i]!, exemplars === undefined ? undefined : { exemplars });
    } catch (err) {
      throw withSeries(err, labels, t);
    }
    if (exemplars !== undefined) stats.exemplars += exemplars.length;
    exemplars = undefined;
  }
  stats.samples += values.length;
  for (const { t, h } of ts.histograms) {
    try {
      if (t > maxTime) throw new StorageError('out-of-bounds', 'timestamp is too far in the future');
      ref = app.append(ref, labels, 0, t, h);
    } catch (err) {
      throw withSeries(err, labels, t);
    }
  }
  stats.histograms += ts.histograms.length;
}

/** The series' exemplars the storage may take, or undefined when there are none. */
function toExemplars(
  ts: TimeSeries,
  series: Labels,
  maxTime: number,
  log: RemoteWriteLog,
): Exemplar[] | undefined {
  if (ts.exemplars.length === 0) return undefined;
  const out: Exemplar[] = [];
  for (const e of ts.exemplars) {
    try {
      if (e.timestamp > maxTime) throw new Error('timestamp is too far in the future');
      // As Prometheus: a zero timestamp means the exemplar had none.
      out.push({
        labels: Labels.fromFlat([...e.labels]),
        value: e.value,
        timestamp: e.timestamp || undefined,
      });
    } catch (err) {
      log.debug('Error while adding exemplar', { series: String(series), err: (err as Error).message });
    }
  }
  return out.length > 0 ? out : undefined;
}

// Prometheus 1.0 answers with the bare error; the series and timestamp make it actionable.
function withSeries(err: unknown, labels: Labels, t: number): unknown {
  if (!(err instanceof StorageError)) return err;
  const detailed = new StorageError(err.code);
  detailed.message = `${err.message} for series ${labels}, timestamp ${t}`;
  return detailed;
}
