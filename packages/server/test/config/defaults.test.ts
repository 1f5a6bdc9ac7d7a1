import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/index.ts';

const parse = (text: string) => parseConfig(text, { filename: 'prometheus.yml', baseDir: '/etc/pyrometer' });

describe('defaults', () => {
  const empty = parse('');
  it.each([
    ['global.scrapeIntervalMs', empty.global.scrapeIntervalMs, 60_000],
    ['global.scrapeTimeoutMs', empty.global.scrapeTimeoutMs, 10_000],
    ['global.evaluationIntervalMs', empty.global.evaluationIntervalMs, 60_000],
    ['global.ruleQueryOffsetMs', empty.global.ruleQueryOffsetMs, 0],
    ['global.externalLabels', empty.global.externalLabels, {}],
    ['global.queryLogFile', empty.global.queryLogFile, ''],
    ['global.scrapeProtocols (each job decides)', empty.global.scrapeProtocols, undefined],
    ['global.bodySizeLimit', empty.global.bodySizeLimit, 0],
    ['global.sampleLimit', empty.global.sampleLimit, 0],
    ['global.metricNameValidationScheme', empty.global.metricNameValidationScheme, 'utf8'],
    ['global.metricNameEscapingScheme', empty.global.metricNameEscapingScheme, 'allow-utf-8'],
    ['runtime.gogc', empty.runtime.gogc, 75],
    ['ruleFiles', empty.ruleFiles, []],
    ['scrapeConfigs', empty.scrapeConfigs, []],
    ['alerting', empty.alerting, { alertRelabelConfigs: [], alertmanagers: [] }],
    ['remoteWrite', empty.remoteWrite, []],
    ['storage.tsdb.retention', empty.storage.tsdb.retention, { timeMs: 0, size: 0, percentage: 0 }],
    ['storage.tsdb.floatChunkEncoding', empty.storage.tsdb.floatChunkEncoding, 'xor'],
    ['storage.exemplars.maxExemplars', empty.storage.exemplars.maxExemplars, 100_000],
    ['tracing.endpoint', empty.tracing.endpoint, ''],
    ['otlp.translationStrategy', empty.otlp.translationStrategy, 'UnderscoreEscapingWithSuffixes'],
  ])('%s', (_, got, want) => expect(got).toEqual(want));

  it('an empty global section is the default one', () => {
    expect(parse('global:\n').global).toEqual(empty.global);
  });

  it('a short global interval caps the default timeout', () => {
    expect(parse('global:\n  scrape_interval: 5s\n').global.scrapeTimeoutMs).toBe(5000);
  });

  it.each([
    ['', '', ['OpenMetricsText1.0.0', 'OpenMetricsText0.0.1', 'PrometheusText1.0.0', 'PrometheusText0.0.4']],
    [
      'true',
      '',
      [
        'PrometheusProto',
        'OpenMetricsText1.0.0',
        'OpenMetricsText0.0.1',
        'PrometheusText1.0.0',
        'PrometheusText0.0.4',
      ],
    ],
    [
      'true',
      'false',
      ['OpenMetricsText1.0.0', 'OpenMetricsText0.0.1', 'PrometheusText1.0.0', 'PrometheusText0.0.4'],
    ],
    [
      '',
      'true',
      [
        'PrometheusProto',
        'OpenMetricsText1.0.0',
        'OpenMetricsText0.0.1',
        'PrometheusText1.0.0',
        'PrometheusText0.0.4',
      ],
    ],
  ])('scrape protocols follow native histograms (global %j, job %j)', (global, local, want) => {
    const text = `global:\n  scrape_native_histograms: ${global || 'false'}\nscrape_configs:\n  - job_name: a\n${
      local ? `    scrape_native_histograms: ${local}\n` : ''
    }`;
    expect(parse(text).scrapeConfigs[0]?.scrapeProtocols).toEqual(want);
  });

  it('expands the environment in external labels', () => {
    const config = parseConfig(
      'global:\n  external_labels:\n    a: ${TEST}\n    b: foo${TEST}bar\n    c: foo$${TEST}\n    d: $TEST\n',
      { filename: 'p.yml', baseDir: '/', env: { TEST: 'x' } },
    );
    expect(config.global.externalLabels).toEqual({ a: 'x', b: 'fooxbar', c: 'foo${TEST}', d: 'x' });
  });

  describe('a remote write entry', () => {
    const [rw] = parse('remote_write:\n  - url: http://remote/push\n').remoteWrite;
    it.each([
      ['remoteTimeoutMs', rw?.remoteTimeoutMs, 30_000],
      ['protobufMessage', rw?.protobufMessage, 'prometheus.WriteRequest'],
      ['queueConfig.capacity', rw?.queueConfig.capacity, 10_000],
      ['queueConfig.maxShards', rw?.queueConfig.maxShards, 50],
      ['queueConfig.minShards', rw?.queueConfig.minShards, 1],
      ['queueConfig.maxSamplesPerSend', rw?.queueConfig.maxSamplesPerSend, 2000],
      ['queueConfig.minBackoffMs', rw?.queueConfig.minBackoffMs, 30],
      ['queueConfig.maxBackoffMs', rw?.queueConfig.maxBackoffMs, 5000],
      ['queueConfig.retryOnHttp429', rw?.queueConfig.retryOnHttp429, false],
      ['HTTP/2 (off for remote write)', rw?.httpClient.enableHttp2, false],
      ['metadataConfig.send', rw?.metadataConfig.send, true],
      ['sendExemplars', rw?.sendExemplars, false],
    ])('%s', (_, got, want) => expect(got).toEqual(want));
  });

  it('a remote read entry', () => {
    const [rr] = parse('remote_read:\n  - url: http://remote/read\n').remoteRead;
    expect(rr).toMatchObject({ remoteTimeoutMs: 60_000, readRecent: false, filterExternalLabels: true });
  });

  it('an Alertmanager set', () => {
    const [am] = parse('alerting:\n  alertmanagers:\n    - static_configs:\n        - targets: [am:9093]\n')
      .alerting.alertmanagers;
    expect(am).toMatchObject({ scheme: 'http', pathPrefix: '/', timeoutMs: 10_000, apiVersion: 'v2' });
    expect(am?.serviceDiscovery).toHaveLength(1);
  });

  it('an unbuilt provider keeps its defaults', () => {
    const [job] = parse(
      'scrape_configs:\n  - job_name: c\n    consul_sd_configs:\n      - services: [web]\n',
    ).scrapeConfigs;
    expect(job?.serviceDiscovery[0]).toMatchObject({
      type: 'consul',
      settings: { server: 'localhost:8500', allowStale: true, refreshInterval: 30_000, services: ['web'] },
    });
  });
});
