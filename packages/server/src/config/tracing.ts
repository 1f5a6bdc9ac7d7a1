import type { TlsConfigInput } from '@pyrometer/transport';
import type { Node } from 'yaml';
import { readPlainHeaders } from './http-client.ts';
import { bool, duration, float, oneOf, stringMap, text } from './kinds.ts';
import { readTlsInput } from './tls.ts';
import { type DecodeContext, Mapping } from './yaml-reader.ts';

/** `tracing`: where Pyrometer would export its own OpenTelemetry traces. */
export interface TracingConfig {
  /** '' when tracing is off. */
  endpoint: string;
  clientType: 'grpc' | 'http';
  samplingFraction: number;
  insecure: boolean;
  timeoutMs: number;
  compression: '' | 'gzip';
  headers: Record<string, string>;
  tls: TlsConfigInput;
}

const TRACING_KEYS = [
  'endpoint',
  'client_type',
  'sampling_fraction',
  'insecure',
  'timeout',
  'compression',
  'headers',
  'tls_config',
];

export const DEFAULT_TRACING: TracingConfig = {
  endpoint: '',
  clientType: 'grpc',
  samplingFraction: 0,
  insecure: false,
  timeoutMs: 10_000,
  compression: '',
  headers: {},
  tls: {},
};

const clientType = oneOf(
  ['grpc', 'http'],
  (v) => `invalid tracing client type ${v} provided, valid options: grpc, http`,
);

export function readTracing(node: Node | null, ctx: DecodeContext): TracingConfig {
  if (node === null) return structuredClone(DEFAULT_TRACING);
  const m = new Mapping(ctx, node, 'config.plain', TRACING_KEYS);
  const endpoint = m.get('endpoint', text, '');
  if (endpoint === '') m.fail(undefined, 'tracing endpoint must be set');
  const compression = m.get('compression', text, '');
  if (compression !== '' && compression !== 'gzip') {
    m.fail('compression', `invalid compression type ${compression} provided, valid options: gzip`);
  }
  // As Prometheus: the tracing exporter cannot take an Authorization header yet.
  const written = m.get('headers', stringMap(text), {});
  if (Object.keys(written).some((name) => name.toLowerCase() === 'authorization')) {
    m.fail('headers', 'authorization header configuration is not yet supported');
  }
  return {
    endpoint,
    clientType: m.get('client_type', clientType, 'grpc'),
    samplingFraction: m.get('sampling_fraction', float, 0),
    insecure: m.get('insecure', bool, false),
    timeoutMs: m.get('timeout', duration, 10_000),
    compression: compression as '' | 'gzip',
    headers: readPlainHeaders(m),
    tls: readTlsInput(m),
  };
}
