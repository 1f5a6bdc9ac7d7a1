import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfigFile, parseConfig } from '../../src/index.ts';

const parse = (text: string) => parseConfig(text, { filename: 'prometheus.yml', baseDir: '/etc/pyrometer' });

describe('the other sections', () => {
  it('reads remote write with its queue, metadata and auth settings', () => {
    const [rw] = parse(`
remote_write:
  - url: https://rw.example/push
    name: main
    remote_timeout: 10s
    headers: { X-Scope-OrgID: team-a }
    write_relabel_configs: [{ source_labels: [__name__], regex: 'go_.*', action: drop }]
    protobuf_message: io.prometheus.write.v2.Request
    queue_config: { capacity: 500, max_shards: 10, min_backoff: 1s, max_backoff: 10s }
    metadata_config: { send: false }
    sigv4: { region: eu-west-1 }
`).remoteWrite;
    expect(rw).toMatchObject({
      url: 'https://rw.example/push',
      name: 'main',
      remoteTimeoutMs: 10_000,
      headers: { 'X-Scope-OrgID': 'team-a' },
      protobufMessage: 'io.prometheus.write.v2.Request',
      queueConfig: { capacity: 500, maxShards: 10, minShards: 1, minBackoffMs: 1000, maxBackoffMs: 10_000 },
      metadataConfig: { send: false, sendIntervalMs: 60_000 },
      sigv4: { region: 'eu-west-1' },
    });
    expect(rw?.writeRelabelConfigs[0]?.action).toBe('drop');
  });

  it('reads storage, tracing and otlp', () => {
    const config = parse(`
storage:
  tsdb: { out_of_order_time_window: 30m, retention: { time: 15d, size: 512MB, percentage: 0.5 } }
  exemplars: { max_exemplars: 10 }
tracing: { endpoint: "collector:4317", sampling_fraction: 0.1, compression: gzip, headers: { a: b } }
otlp: { promote_resource_attributes: [" service.name "], translation_strategy: NoTranslation }
`);
    expect(config.storage).toEqual({
      tsdb: {
        outOfOrderTimeWindowMs: 1_800_000,
        staleSeriesCompactionThreshold: 0,
        retention: { timeMs: 15 * 86_400_000, size: 512 * 1024 ** 2, percentage: 0.5 },
        floatChunkEncoding: 'xor',
      },
      exemplars: { maxExemplars: 10 },
    });
    expect(config.tracing).toMatchObject({
      endpoint: 'collector:4317',
      clientType: 'grpc',
      samplingFraction: 0.1,
    });
    expect(config.otlp).toMatchObject({
      promoteResourceAttributes: ['service.name'],
      translationStrategy: 'NoTranslation',
      labelNameUnderscoreSanitization: true,
    });
  });

  it.each([
    [
      'remote_write: [{ url: http://x, sigv4: {}, basic_auth: { username: u } }]',
      'at most one of basic_auth, authorization, oauth2, sigv4, azuread or google_iam must be configured',
    ],
    [
      'remote_write: [{ url: http://x, protobuf_message: nope }]',
      'unknown type for remote write protobuf message nope',
    ],
    [
      'remote_write: [{ url: http://x, azuread: { cloud: AzurePublic } }]',
      'exactly one of managed_identity, oauth, sdk or workload_identity must be provided',
    ],
    [
      'remote_read: [{ url: http://x, headers: { Content-Type: a } }]',
      'Content-Type is a reserved header. It must not be changed',
    ],
    [
      'alerting: { alertmanagers: [{ api_version: v1 }] }',
      'expected Alertmanager api version to be one of [v2] but got v1',
    ],
    ['alerting: { alertmanagers: [~] }', 'empty or null Alertmanager configuration'],
    [
      'tracing: { endpoint: x, client_type: udp }',
      'invalid tracing client type udp provided, valid options: grpc, http',
    ],
    [
      'storage: { tsdb: { chunk_encoding: { floats: gorilla } } }',
      "'storage.tsdb.chunk_encoding.floats' must be 'xor' or 'xor2'",
    ],
    ['otlp: { translation_strategy: Plain }', 'unsupported OTLP translation strategy "Plain"'],
    ['runtime: { gogc: lots }', 'cannot unmarshal !!str `lots` into int'],
    [
      'scrape_configs: [{ job_name: a, oauth2: { client_id: c, grant_type: password } }]',
      'unsupported oauth2 grant_type "password"',
    ],
    [
      'scrape_configs: [{ job_name: a, tls_config: { ca_ref: vault } }]',
      'ca_ref: secret references need a secret manager',
    ],
  ])('%s', (text, reason) => {
    expect(() => parse(text)).toThrow(reason);
  });

  it('loadConfigFile names a missing file', async () => {
    const err = await loadConfigFile('/nonexistent/prometheus.yml').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as ConfigError).message).toContain('/nonexistent/prometheus.yml');
  });
});
