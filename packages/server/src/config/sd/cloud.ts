import { duration, int, oneOf, path, text, textList } from '../kinds.ts';
import { field, type ProviderSchema, str } from './provider-schema.ts';

const MINUTE = 60_000;

const AZURE_METHODS = ['OAuth', 'ManagedIdentity', 'SDK', 'WorkloadIdentity'];

export const azure: ProviderSchema<'azure'> = {
  type: 'azure',
  typeName: 'azure.plain',
  httpClient: true,
  fields: {
    environment: field(text, 'AzurePublicCloud'),
    authentication_method: field(text, 'OAuth'),
    subscription_id: field(text, ''),
    tenant_id: field(text, ''),
    client_id: field(text, ''),
    client_secret: field(text, ''),
    resource_group: field(text, ''),
    refresh_interval: field(duration, 5 * MINUTE),
    port: field(int, 80),
  },
  check(s, m) {
    const require = (key: string, name: string) => {
      if (str(s, key) === '') m.fail(name, `azure SD configuration requires a ${name}`);
    };
    require('subscriptionId', 'subscription_id');
    const method = str(s, 'authenticationMethod');
    if (method === 'OAuth') {
      require('clientId', 'client_id');
      require('clientSecret', 'client_secret');
      require('tenantId', 'tenant_id');
    }
    if (method === 'WorkloadIdentity') {
      require('clientId', 'client_id');
      require('tenantId', 'tenant_id');
    }
    if (!AZURE_METHODS.includes(method)) {
      m.fail(
        'authentication_method',
        `unknown authentication_type ${JSON.stringify(method)}. Supported types are "OAuth", "ManagedIdentity", "SDK" or "WorkloadIdentity"`,
      );
    }
  },
};

export const digitalocean: ProviderSchema<'digitalocean'> = {
  type: 'digitalocean',
  typeName: 'digitalocean.plain',
  httpClient: true,
  fields: { port: field(int, 80), refresh_interval: field(duration, MINUTE) },
};

export const gce: ProviderSchema<'gce'> = {
  type: 'gce',
  typeName: 'gce.plain',
  fields: {
    project: field(text, ''),
    zone: field(text, ''),
    filter: field(text, ''),
    refresh_interval: field(duration, MINUTE),
    port: field(int, 80),
    tag_separator: field(text, ','),
  },
  check(s, m) {
    if (str(s, 'project') === '') m.fail('project', 'GCE SD configuration requires a project');
    if (str(s, 'zone') === '') m.fail('zone', 'GCE SD configuration requires a zone');
  },
};

export const hetzner: ProviderSchema<'hetzner'> = {
  type: 'hetzner',
  typeName: 'hetzner.plain',
  httpClient: true,
  fields: {
    role: field(oneOf(['robot', 'hcloud'], (v) => `unknown role ${JSON.stringify(v)}`)),
    port: field(int, 80),
    refresh_interval: field(duration, MINUTE),
    label_selector: field(text, ''),
  },
  check(s, m) {
    if (s.role === undefined) m.fail(undefined, 'role missing (one of: robot, hcloud)');
  },
};

export const ionos: ProviderSchema<'ionos'> = {
  type: 'ionos',
  typeName: 'ionos.plain',
  httpClient: true,
  fields: { datacenter_id: field(text, ''), port: field(int, 80), refresh_interval: field(duration, MINUTE) },
  check(s, m) {
    if (str(s, 'datacenterId') === '') m.fail('datacenter_id', "datacenter id can't be empty");
  },
};

export const linode: ProviderSchema<'linode'> = {
  type: 'linode',
  typeName: 'linode.plain',
  httpClient: true,
  fields: {
    region: field(text, ''),
    port: field(int, 80),
    tag_separator: field(text, ','),
    refresh_interval: field(duration, MINUTE),
  },
};

export const oci: ProviderSchema<'oci'> = {
  type: 'oci',
  typeName: 'oci.plain',
  fields: {
    auth: field(text, 'api_key'),
    region: field(text, ''),
    tenancy: field(text, ''),
    user: field(text, ''),
    fingerprint: field(text, ''),
    key_file: field(path, ''),
    key_passphrase: field(text, ''),
    compartments: field(textList, []),
    port: field(int, 80),
    refresh_interval: field(duration, MINUTE),
  },
  check(s, m) {
    const auth = str(s, 'auth');
    if (auth !== 'api_key' && auth !== 'instance_principal') {
      m.fail(
        'auth',
        `oci_sd: unknown auth method ${JSON.stringify(auth)}, expected "api_key" or "instance_principal"`,
      );
    }
  },
};

/** Exactly one of `secret_key` and `secret_key_file`, as Outscale and Scaleway require. */
function checkSecretKey(s: Record<string, unknown>, fail: (reason: string) => never): void {
  const inline = str(s, 'secretKey') !== '';
  const file = str(s, 'secretKeyFile') !== '';
  if (inline && file) fail('at most one of secret_key & secret_key_file must be configured');
  if (!inline && !file) fail('one of secret_key & secret_key_file must be configured');
}

export const outscale: ProviderSchema<'outscale'> = {
  type: 'outscale',
  typeName: 'outscale.plain',
  httpClient: true,
  fields: {
    endpoint: field(text, ''),
    region: field(text, 'eu-west-2'),
    access_key: field(text, ''),
    secret_key: field(text, ''),
    secret_key_file: field(path, ''),
    refresh_interval: field(duration, MINUTE),
    port: field(int, 80),
  },
  check(s, m) {
    if (str(s, 'region') === '') m.fail('region', 'outscale SD configuration requires a region');
    checkSecretKey(s, (reason) => m.fail('secret_key', reason));
  },
};

const OVH_SERVICES = ['vps', 'dedicated_server'];

export const ovhcloud: ProviderSchema<'ovhcloud'> = {
  type: 'ovhcloud',
  typeName: 'ovhcloud.plain',
  fields: {
    application_key: field(text, ''),
    application_secret: field(text, ''),
    consumer_key: field(text, ''),
    service: field(text, ''),
    endpoint: field(text, 'ovh-eu'),
    refresh_interval: field(duration, MINUTE),
  },
  check(s, m) {
    const required: [string, string, string][] = [
      ['endpoint', 'endpoint', 'endpoint can not be empty'],
      ['applicationKey', 'application_key', 'application key can not be empty'],
      ['applicationSecret', 'application_secret', 'application secret can not be empty'],
      ['consumerKey', 'consumer_key', 'consumer key can not be empty'],
      ['service', 'service', 'service can not be empty'],
    ];
    for (const [name, key, reason] of required) if (str(s, name) === '') m.fail(key, reason);
    if (!OVH_SERVICES.includes(str(s, 'service'))) m.fail('service', `unknown service: ${str(s, 'service')}`);
  },
};

export const scaleway: ProviderSchema<'scaleway'> = {
  type: 'scaleway',
  typeName: 'scaleway.plain',
  httpClient: true,
  fields: {
    role: field(oneOf(['instance', 'baremetal'], (v) => `unknown role ${JSON.stringify(v)}`)),
    project_id: field(text, ''),
    api_url: field(text, 'https://api.scaleway.com'),
    zone: field(text, 'fr-par-1'),
    access_key: field(text, ''),
    secret_key: field(text, ''),
    secret_key_file: field(path, ''),
    name_filter: field(text, ''),
    tags_filter: field(textList),
    refresh_interval: field(duration, MINUTE),
    port: field(int, 80),
  },
  check(s, m) {
    if (s.role === undefined) m.fail(undefined, 'role missing (one of: instance, baremetal)');
    if (str(s, 'projectId') === '') m.fail('project_id', 'project_id is mandatory');
    checkSecretKey(s, (reason) => m.fail('secret_key', reason));
    if (str(s, 'accessKey') === '') m.fail('access_key', 'access_key is mandatory');
  },
};

export const stackit: ProviderSchema<'stackit'> = {
  type: 'stackit',
  typeName: 'stackit.plain',
  httpClient: true,
  fields: {
    project: field(text, ''),
    region: field(text, 'eu01'),
    endpoint: field(text, ''),
    service_account_key: field(text, ''),
    service_account_key_path: field(path, ''),
    private_key: field(text, ''),
    private_key_path: field(path, ''),
    credentials_file_path: field(path, ''),
    port: field(int, 80),
    refresh_interval: field(duration, MINUTE),
  },
  check(s, m) {
    const endpoint = str(s, 'endpoint');
    if (endpoint !== '' && (endpoint.startsWith(':') || endpoint.includes(' '))) {
      m.fail('endpoint', `invalid endpoint ${JSON.stringify(endpoint)}: missing protocol scheme`);
    }
  },
};

export const vultr: ProviderSchema<'vultr'> = {
  type: 'vultr',
  typeName: 'vultr.plain',
  httpClient: true,
  fields: { port: field(int, 80), refresh_interval: field(duration, MINUTE) },
};

export const CLOUD_PROVIDERS = [
  azure,
  digitalocean,
  gce,
  hetzner,
  ionos,
  linode,
  oci,
  outscale,
  ovhcloud,
  scaleway,
  stackit,
  vultr,
] as const;
