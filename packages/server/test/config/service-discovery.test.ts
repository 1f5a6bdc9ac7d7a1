import { describe, expect, it } from 'vitest';
import { ConfigError, parseConfig, type ServiceDiscoveryConfig } from '../../src/index.ts';

function sections(sd: string): ServiceDiscoveryConfig[] {
  const text = `scrape_configs:\n  - job_name: j\n    ${sd.replaceAll('\n', '\n    ')}\n`;
  return parseConfig(text, { filename: 'prometheus.yml', baseDir: '/etc/pyrometer' }).scrapeConfigs[0]!
    .serviceDiscovery;
}

function reason(sd: string): string {
  try {
    sections(sd);
  } catch (err) {
    if (err instanceof ConfigError) return err.reason;
    throw err;
  }
  throw new Error('the configuration loaded');
}

// One minimal valid section per provider Prometheus 3 has, with a default it fills in.
const VALID: [string, string, Record<string, unknown>][] = [
  ['aws', 'aws_sd_configs: [{ role: ecs, region: eu-west-1 }]', { port: 80, refreshInterval: 60_000 }],
  [
    'azure',
    'azure_sd_configs: [{ subscription_id: s, tenant_id: t, client_id: c, client_secret: x }]',
    { environment: 'AzurePublicCloud', refreshInterval: 300_000 },
  ],
  ['consul', 'consul_sd_configs: [{}]', { server: 'localhost:8500', tagSeparator: ',' }],
  ['digitalocean', 'digitalocean_sd_configs: [{}]', { port: 80 }],
  [
    'docker',
    'docker_sd_configs: [{ host: "unix:///var/run/docker.sock" }]',
    { hostNetworkingHost: 'localhost', matchFirstNetwork: true },
  ],
  ['dockerswarm', 'dockerswarm_sd_configs: [{ host: "http://h:2375", role: tasks }]', { port: 80 }],
  ['ec2', 'ec2_sd_configs: [{ region: us-east-1 }]', { port: 80 }],
  ['eureka', 'eureka_sd_configs: [{ server: "http://e:8761/eureka" }]', { refreshInterval: 30_000 }],
  ['gce', 'gce_sd_configs: [{ project: p, zone: z }]', { tagSeparator: ',' }],
  ['hetzner', 'hetzner_sd_configs: [{ role: hcloud }]', { port: 80 }],
  ['ionos', 'ionos_sd_configs: [{ datacenter_id: d }]', { port: 80 }],
  [
    'kubernetes',
    'kubernetes_sd_configs: [{ role: pod }]',
    { attachMetadata: { node: false, namespace: false } },
  ],
  ['kuma', 'kuma_sd_configs: [{ server: "http://kuma:5676" }]', { fetchTimeout: 120_000 }],
  ['lightsail', 'lightsail_sd_configs: [{ region: us-east-1 }]', { port: 80 }],
  ['linode', 'linode_sd_configs: [{}]', { tagSeparator: ',' }],
  ['marathon', 'marathon_sd_configs: [{ servers: ["http://m:8080"] }]', { refreshInterval: 30_000 }],
  ['nerve', 'nerve_sd_configs: [{ servers: [zk], paths: [/n] }]', { timeout: 10_000 }],
  ['nomad', 'nomad_sd_configs: [{ server: "http://n:4646" }]', { namespace: 'default', region: 'global' }],
  ['oci', 'oci_sd_configs: [{ region: r, auth: instance_principal }]', { refreshInterval: 60_000 }],
  ['openstack', 'openstack_sd_configs: [{ role: instance, region: r }]', { availability: 'public' }],
  ['outscale', 'outscale_sd_configs: [{ secret_key: s }]', { region: 'eu-west-2' }],
  [
    'ovhcloud',
    'ovhcloud_sd_configs: [{ application_key: k, application_secret: s, consumer_key: c, service: vps }]',
    { endpoint: 'ovh-eu' },
  ],
  [
    'puppetdb',
    'puppetdb_sd_configs: [{ url: "https://p/", query: "resources {}" }]',
    { includeParameters: false },
  ],
  [
    'scaleway',
    'scaleway_sd_configs: [{ role: baremetal, project_id: p, access_key: a, secret_key_file: f }]',
    { zone: 'fr-par-1', secretKeyFile: '/etc/pyrometer/f' },
  ],
  ['serverset', 'serverset_sd_configs: [{ servers: [zk], paths: [/s] }]', { timeout: 10_000 }],
  ['stackit', 'stackit_sd_configs: [{ project: p }]', { region: 'eu01' }],
  [
    'triton',
    'triton_sd_configs: [{ account: a, dns_suffix: d, endpoint: e }]',
    { port: 9163, role: 'container' },
  ],
  [
    'uyuni',
    'uyuni_sd_configs: [{ server: "https://u", username: a, password: b }]',
    { entitlement: 'monitoring_entitled' },
  ],
  ['vultr', 'vultr_sd_configs: [{}]', { port: 80 }],
];

describe('every service-discovery provider validates', () => {
  it.each(VALID)('%s', (type, sd, defaults) => {
    const [section] = sections(sd);
    expect(section).toMatchObject({ type, settings: defaults });
  });

  it.each([
    ['static', 'static_configs: [{ targets: ["a:1"] }]', { type: 'static' }],
    ['file', 'file_sd_configs: [{ files: [t.json] }]', { type: 'file', refreshIntervalMs: 300_000 }],
    [
      'dns',
      'dns_sd_configs: [{ names: [x.example] }]',
      { type: 'dns', recordType: 'SRV', refreshIntervalMs: 30_000 },
    ],
    ['http', 'http_sd_configs: [{ url: "http://sd/" }]', { type: 'http', refreshIntervalMs: 60_000 }],
  ])('%s (built)', (_, sd, want) => {
    expect(sections(sd)[0]).toMatchObject(want);
  });
});

describe('provider checks use Prometheus wording', () => {
  it.each([
    ['dns_sd_configs: [{ names: [] }]', 'DNS-SD config must contain at least one SRV record name'],
    [
      'dns_sd_configs: [{ names: [x], type: A }]',
      'a port is required in DNS-SD configs for all record types except SRV',
    ],
    ['dns_sd_configs: [{ names: [x], type: TXT }]', 'invalid DNS-SD records type TXT'],
    [
      'file_sd_configs: [{ files: [targets.txt] }]',
      'path name "targets.txt" is not valid for file discovery',
    ],
    ['file_sd_configs: [{}]', 'file service discovery config must contain at least one path name'],
    ['http_sd_configs: [{}]', 'URL is missing'],
    ['aws_sd_configs: [{ role: s3 }]', 'unknown AWS SD role "s3"'],
    ['dockerswarm_sd_configs: [{ host: "http://h" }]', 'role missing (one of: tasks, services, nodes)'],
    ['kubernetes_sd_configs: [{}]', 'role missing'],
    [
      'kubernetes_sd_configs: [{ role: pod, selectors: [{ role: pod, label: "a in (b" }] }]',
      "invalid selector: 'a in (b'",
    ],
    ['nerve_sd_configs: [{ servers: [zk], paths: [n] }]', `nerve SD config path "n" doesn't begin with '/'`],
    ['serverset_sd_configs: [{ servers: [zk] }]', 'serverset SD config paths must not be empty'],
    ['triton_sd_configs: [{ account: a, dns_suffix: d }]', 'triton SD configuration requires an endpoint'],
    [
      'consul_sd_configs: [{ token: t, authorization: { credentials: c } }]',
      'at most one of consul SD token, authorization, or oauth2 can be configured',
    ],
    ['nomad_sd_configs: [{ server: " " }]', 'nomad SD configuration requires a server address'],
    ['gce_sd_configs: [{ zone: z }]', 'GCE SD configuration requires a project'],
    ['consul_sd_configs: [{ nope: 1 }]', 'field nope not found in type consul.plain'],
    ['consul_sd_configs: [~]', 'empty or null section in consul_sd_configs'],
  ])('%s', (sd, want) => {
    expect(reason(sd)).toContain(want);
  });
});
