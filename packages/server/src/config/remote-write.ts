import type { RelabelConfig } from '@pyrometer/relabel';
import type { Node } from 'yaml';
import {
  type AzureAdConfig,
  azuread,
  type GoogleIamConfig,
  googleIam,
  type SigV4Config,
  sigv4,
} from './cloud-auth.ts';
import {
  HTTP_CLIENT_KEYS,
  type HttpClientSettings,
  readHttpClient,
  readPlainHeaders,
} from './http-client.ts';
import { bool, duration, int, oneOf, text, url } from './kinds.ts';
import { readRelabelRules } from './relabel.ts';
import { type DecodeContext, type Kind, Mapping } from './yaml-reader.ts';

export type RemoteWriteMessage = 'prometheus.WriteRequest' | 'io.prometheus.write.v2.Request';

export interface QueueConfig {
  capacity: number;
  maxShards: number;
  minShards: number;
  maxSamplesPerSend: number;
  batchSendDeadlineMs: number;
  minBackoffMs: number;
  maxBackoffMs: number;
  retryOnHttp429: boolean;
  /** 0 means samples of any age are sent. */
  sampleAgeLimitMs: number;
}

export interface MetadataConfig {
  send: boolean;
  sendIntervalMs: number;
  maxSamplesPerSend: number;
}

/** One `remote_write` entry with Prometheus's defaults. */
export interface RemoteWriteConfig {
  url: string;
  name: string;
  remoteTimeoutMs: number;
  headers: Record<string, string>;
  writeRelabelConfigs: RelabelConfig[];
  sendExemplars: boolean;
  sendNativeHistograms: boolean;
  roundRobinDns: boolean;
  protobufMessage: RemoteWriteMessage;
  queueConfig: QueueConfig;
  metadataConfig: MetadataConfig;
  httpClient: HttpClientSettings;
  sigv4?: SigV4Config;
  azuread?: AzureAdConfig;
  googleIam?: GoogleIamConfig;
}

const SECOND = 1000;

const queueConfig: Kind<QueueConfig> = {
  decode(node, ctx) {
    const m = new Mapping(ctx, node, 'config.QueueConfig', [
      'capacity',
      'max_shards',
      'min_shards',
      'max_samples_per_send',
      'batch_send_deadline',
      'min_backoff',
      'max_backoff',
      'retry_on_http_429',
      'sample_age_limit',
    ]);
    const q: QueueConfig = {
      capacity: m.get('capacity', int, 10_000),
      maxShards: m.get('max_shards', int, 50),
      minShards: m.get('min_shards', int, 1),
      maxSamplesPerSend: m.get('max_samples_per_send', int, 2000),
      batchSendDeadlineMs: m.get('batch_send_deadline', duration, 5 * SECOND),
      minBackoffMs: m.get('min_backoff', duration, 30),
      maxBackoffMs: m.get('max_backoff', duration, 5 * SECOND),
      retryOnHttp429: m.get('retry_on_http_429', bool, false),
      sampleAgeLimitMs: m.get('sample_age_limit', duration, 0),
    };
    const checks: [boolean, string, string][] = [
      [q.capacity <= 0, 'capacity', 'remote write queue capacity must be positive'],
      [q.maxShards <= 0, 'max_shards', 'remote write queue max_shards must be positive'],
      [q.minShards <= 0, 'min_shards', 'remote write queue min_shards must be positive'],
      [
        q.minShards > q.maxShards,
        'min_shards',
        'remote write queue min_shards must not be greater than max_shards',
      ],
      [
        q.maxSamplesPerSend <= 0,
        'max_samples_per_send',
        'remote write queue max_samples_per_send must be positive',
      ],
      [
        q.maxBackoffMs < q.minBackoffMs,
        'max_backoff',
        'remote write queue max_backoff must not be less than min_backoff',
      ],
    ];
    for (const [failed, key, reason] of checks) if (failed) m.fail(key, reason);
    return q;
  },
};

const metadataConfig: Kind<MetadataConfig> = {
  decode(node, ctx) {
    const m = new Mapping(ctx, node, 'config.MetadataConfig', [
      'send',
      'send_interval',
      'max_samples_per_send',
    ]);
    return {
      send: m.get('send', bool, true),
      sendIntervalMs: m.get('send_interval', duration, 60 * SECOND),
      maxSamplesPerSend: m.get('max_samples_per_send', int, 500),
    };
  },
};

const MESSAGES: readonly RemoteWriteMessage[] = ['prometheus.WriteRequest', 'io.prometheus.write.v2.Request'];

const protobufMessage = oneOf(
  MESSAGES,
  (v) =>
    `invalid protobuf_message value: unknown type for remote write protobuf message ${v}, supported: ${MESSAGES.join(', ')}`,
);

const defaultQueue = (): QueueConfig => ({
  capacity: 10_000,
  maxShards: 50,
  minShards: 1,
  maxSamplesPerSend: 2000,
  batchSendDeadlineMs: 5 * SECOND,
  minBackoffMs: 30,
  maxBackoffMs: 5 * SECOND,
  retryOnHttp429: false,
  sampleAgeLimitMs: 0,
});

const REMOTE_WRITE_KEYS = [
  'url',
  'remote_timeout',
  'headers',
  'write_relabel_configs',
  'name',
  'send_exemplars',
  'send_native_histograms',
  'round_robin_dns',
  'protobuf_message',
  'queue_config',
  'metadata_config',
  'sigv4',
  'azuread',
  'google_iam',
  ...HTTP_CLIENT_KEYS,
];

export function readRemoteWrite(node: Node, ctx: DecodeContext): RemoteWriteConfig {
  const m = new Mapping(ctx, node, 'config.plain', REMOTE_WRITE_KEYS);
  const address = m.get('url', url, '');
  if (address === '') m.fail('url', 'url for remote_write is empty');
  const headers = readPlainHeaders(m);
  const config: RemoteWriteConfig = {
    url: address,
    name: m.get('name', text, ''),
    remoteTimeoutMs: m.get('remote_timeout', duration, 30 * SECOND),
    headers,
    writeRelabelConfigs: readRelabelRules(
      m,
      'write_relabel_configs',
      'empty or null relabeling rule in remote write config',
    ),
    sendExemplars: m.get('send_exemplars', bool, false),
    sendNativeHistograms: m.get('send_native_histograms', bool, false),
    roundRobinDns: m.get('round_robin_dns', bool, false),
    protobufMessage: m.get('protobuf_message', protobufMessage, 'prometheus.WriteRequest'),
    queueConfig: m.get('queue_config', queueConfig, defaultQueue()),
    metadataConfig: m.get('metadata_config', metadataConfig, {
      send: true,
      sendIntervalMs: 60 * SECOND,
      maxSamplesPerSend: 500,
    }),
    // Unlike every other client, remote write does not use HTTP/2 unless asked to.
    httpClient: { ...readHttpClient(m), enableHttp2: m.get('enable_http2', bool, false) },
  };
  const signing = m.get('sigv4', sigv4);
  const azure = m.get('azuread', azuread);
  const google = m.get('google_iam', googleIam);
  const auths = ['basic_auth', 'authorization', 'oauth2', 'sigv4', 'azuread', 'google_iam'].filter(
    (key) => m.value(key) !== null,
  );
  if (auths.length > 1) {
    m.fail(
      auths[1],
      'at most one of basic_auth, authorization, oauth2, sigv4, azuread or google_iam must be configured',
    );
  }
  if (signing !== undefined) config.sigv4 = signing;
  if (azure !== undefined) config.azuread = azure;
  if (google !== undefined) config.googleIam = google;
  return config;
}
