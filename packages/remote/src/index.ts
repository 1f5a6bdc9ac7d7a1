export {
  type AppendWriteRequestOptions,
  appendWriteRequest,
  applyWriteRequest,
  type RemoteWriteLog,
  type WriteRequestStats,
} from './append-write-request.ts';
export { RemoteWriteError, type RemoteWriteErrorCode } from './remote-write-error.ts';
export { DEFAULT_MAX_DECOMPRESSED_BYTES, decompressWriteRequest } from './snappy-body.ts';
export {
  createRemoteWriteHandler,
  type RemoteWriteHandler,
  type RemoteWriteHandlerOptions,
} from './write-handler.ts';
export type {
  HistogramSample,
  MetricMetadata,
  TimeSeries,
  WireExemplar,
  WriteRequest,
} from './write-request.ts';
export { decodeWriteRequest } from './write-request-decoder.ts';
export { compressWriteRequest, encodeWriteRequest, type TimeSeriesInput } from './write-request-encoder.ts';
