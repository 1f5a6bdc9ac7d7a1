import { DnsDiscoverer, FileDiscoverer, HttpDiscoverer, StaticDiscoverer } from '@pyrometer/discovery';
import { describe, expect, it } from 'vitest';
import { checkProvidersBuilt, parseConfig, providersForJob } from '../../src/index.ts';

const parse = (text: string) => parseConfig(text, { filename: 'prometheus.yml', baseDir: '/etc/pyrometer' });

describe('providersForJob', () => {
  const [job] = parse(`
scrape_configs:
  - job_name: a
    static_configs: [{ targets: ['h:1'] }]
    file_sd_configs: [{ files: [t/*.json] }]
    dns_sd_configs: [{ names: [_x._tcp.example.org] }, { names: [example.org], type: A, port: 9100 }]
    http_sd_configs: [{ url: http://sd/targets }]
`).scrapeConfigs;

  it('builds one provider per section', () => {
    const discoverers = providersForJob(job!, { dnsNameserver: '127.0.0.1:53' }).map((p) => p.create());
    expect(discoverers.map((d) => d.constructor)).toEqual([
      StaticDiscoverer,
      DnsDiscoverer,
      DnsDiscoverer,
      FileDiscoverer,
      HttpDiscoverer,
    ]);
    expect((discoverers[3] as FileDiscoverer).patterns).toEqual(['/etc/pyrometer/t/*.json']);
    expect((discoverers[2] as DnsDiscoverer).port).toBe(9100);
  });

  it('keys equal sections equally, so a reload keeps their providers', () => {
    const again = parse(`
scrape_configs:
  - job_name: a
    static_configs: [{ targets: ['h:1'] }]
`).scrapeConfigs[0]!;
    const keys = providersForJob(job!).map((p) => p.key);
    expect(keys).toContain(providersForJob(again)[0]?.key);
  });
});

describe('checkProvidersBuilt', () => {
  it('refuses a provider Pyrometer does not build, naming it', () => {
    const config = parse('scrape_configs:\n  - job_name: k\n    kubernetes_sd_configs: [{ role: pod }]\n');
    expect(() => checkProvidersBuilt(config, 'prometheus.yml')).toThrow(
      /scrape job "k" uses kubernetes_sd_configs, a service-discovery provider Pyrometer does not support yet/,
    );
  });

  it('refuses OAuth 2.0, which transport does not build', () => {
    const config = parse(
      'scrape_configs:\n  - job_name: o\n    oauth2: { client_id: a, token_url: http://t }\n',
    );
    expect(() => checkProvidersBuilt(config)).toThrow(/oauth2 is not supported/);
  });

  it('accepts the built providers', () => {
    const config = parse('scrape_configs:\n  - job_name: s\n    static_configs: [{ targets: [h:1] }]\n');
    expect(() => checkProvidersBuilt(config)).not.toThrow();
  });
});
