import { describe, expect, it } from 'vitest';
import { parseConfig, type ScrapeJobConfig } from '../../src/index.ts';

function job(global: string, body: string): ScrapeJobConfig {
  const text = `global:\n${global || '  {}'}\nscrape_configs:\n  - job_name: j\n${body}`;
  const config = parseConfig(text, { filename: 'prometheus.yml', baseDir: '/etc/pyrometer' });
  return config.scrapeConfigs[0]!;
}

describe('a job maps to the scrape package ScrapeConfig', () => {
  it('with Prometheus defaults', () => {
    expect(job('', '')).toMatchObject({
      jobName: 'j',
      scrapeIntervalMs: 60_000,
      scrapeTimeoutMs: 10_000,
      metricsPath: '/metrics',
      scheme: 'http',
      params: {},
      honorLabels: false,
      honorTimestamps: true,
      trackTimestampsStaleness: false,
      enableCompression: true,
      bodySizeLimit: 0,
      sampleLimit: 0,
      relabelConfigs: [],
      metricRelabelConfigs: [],
      serviceDiscovery: [],
      metricNameValidationScheme: 'utf8',
      metricNameEscapingScheme: 'allow-utf-8',
    });
    expect(job('', '').httpClient).toMatchObject({ followRedirects: true, enableHttp2: true });
  });

  it.each([
    [
      'interval from global',
      '  scrape_interval: 20s',
      '',
      { scrapeIntervalMs: 20_000, scrapeTimeoutMs: 10_000 },
    ],
    ['timeout capped by a short interval', '', '    scrape_interval: 4s\n', { scrapeTimeoutMs: 4000 }],
    [
      'limits from global',
      '  sample_limit: 10\n  body_size_limit: 1KB\n  label_limit: 3',
      '',
      { sampleLimit: 10, bodySizeLimit: 1024, labelLimit: 3 },
    ],
    [
      'limits of the job win',
      '  sample_limit: 10',
      '    sample_limit: 20\n    body_size_limit: 1.5MiB\n',
      { sampleLimit: 20, bodySizeLimit: 1_572_864 },
    ],
    [
      'protocols from global',
      "  scrape_protocols: ['PrometheusText0.0.4']",
      '',
      { scrapeProtocols: ['PrometheusText0.0.4'] },
    ],
    [
      'protocols of the job',
      '',
      "    scrape_protocols: ['PrometheusProto', 'OpenMetricsText1.0.0']\n    fallback_scrape_protocol: PrometheusText0.0.4\n",
      {
        scrapeProtocols: ['PrometheusProto', 'OpenMetricsText1.0.0'],
        fallbackScrapeProtocol: 'PrometheusText0.0.4',
      },
    ],
    [
      'request settings',
      '',
      '    metrics_path: /m\n    scheme: https\n    params: { module: [a, b] }\n    honor_labels: true\n    enable_compression: false\n',
      {
        metricsPath: '/m',
        scheme: 'https',
        params: { module: ['a', 'b'] },
        honorLabels: true,
        enableCompression: false,
      },
    ],
    [
      'legacy validation escapes with underscores',
      '',
      '    metric_name_validation_scheme: legacy\n',
      { metricNameValidationScheme: 'legacy', metricNameEscapingScheme: 'underscores' },
    ],
    [
      'native histogram settings from global',
      '  scrape_native_histograms: true',
      '',
      { scrapeNativeHistograms: true },
    ],
  ])('%s', (_, global, body, want) => {
    expect(job(global, body)).toMatchObject(want);
  });

  it('compiles relabel rules with the relabel package', () => {
    const j = job(
      '',
      '    relabel_configs:\n      - source_labels: [__address__]\n        regex: (.+):\\d+\n        target_label: host\n    metric_relabel_configs:\n      - action: labeldrop\n        regex: tmp_.*\n',
    );
    expect(j.relabelConfigs[0]).toMatchObject({
      sourceLabels: ['__address__'],
      targetLabel: 'host',
      action: 'replace',
    });
    expect(j.relabelConfigs[0]?.regexp.test('db:9100')).toBe(true);
    expect(j.metricRelabelConfigs[0]).toMatchObject({ action: 'labeldrop', regex: 'tmp_.*' });
  });

  it('validates the HTTP client with transport', () => {
    const j = job(
      '',
      '    basic_auth: { username: u, password: p }\n    tls_config: { insecure_skip_verify: true, min_version: TLS12 }\n    proxy_url: http://proxy:3128\n',
    );
    expect(j.httpClient.basicAuth).toEqual({ username: { value: 'u' }, password: { value: 'p' } });
    expect(j.httpClient.tls).toMatchObject({ insecureSkipVerify: true, minVersion: 'TLSv1.2' });
    expect(j.httpClient.proxyUrl?.href).toBe('http://proxy:3128/');
  });

  it('keeps OAuth 2.0, which transport does not build yet', () => {
    const j = job(
      '',
      '    oauth2: { client_id: a, client_secret: b, token_url: http://auth/token, scopes: [x] }\n',
    );
    expect(j.httpClient.oauth2).toMatchObject({
      clientId: 'a',
      clientSecret: 'b',
      tokenUrl: 'http://auth/token',
      scopes: ['x'],
    });
  });

  it('reads static targets into target groups', () => {
    const j = job(
      '',
      "    static_configs:\n      - targets: ['a:1', 'b:2']\n        labels: { env: prod }\n",
    );
    const sd = j.serviceDiscovery[0];
    expect(sd?.type).toBe('static');
    if (sd?.type !== 'static') return;
    expect(sd.groups[0]?.targets.map((t) => t.get('__address__'))).toEqual(['a:1', 'b:2']);
    expect(sd.groups[0]?.labels.get('env')).toBe('prod');
  });
});

describe('legacy name validation', () => {
  it('refuses a relabel target that is not a legacy label name', () => {
    expect(() =>
      job('', '    metric_name_validation_scheme: legacy\n    relabel_configs:\n      - target_label: a.b\n'),
    ).toThrow(`"a.b" is invalid 'target_label' for replace action`);
  });

  it('accepts the same rule under UTF-8 validation', () => {
    expect(job('', '    relabel_configs:\n      - target_label: a.b\n').relabelConfigs[0]?.targetLabel).toBe(
      'a.b',
    );
  });
});

describe('static targets', () => {
  it('refuses a URL as a target when no relabel rule could fix it', () => {
    expect(() => job('', "    static_configs: [{ targets: ['http://h'] }]\n")).toThrow(
      '"http://h" is not a valid hostname',
    );
  });

  it('accepts one when the job relabels its targets, as Prometheus does', () => {
    const j = job(
      '',
      "    relabel_configs: [{ target_label: __address__, replacement: h:1 }]\n    static_configs: [{ targets: ['http://h'] }, { targets: ['b:2'] }]\n",
    );
    const sd = j.serviceDiscovery[0];
    expect(sd?.type === 'static' && sd.groups.map((g) => g.source)).toEqual(['0', '1']);
  });
});
